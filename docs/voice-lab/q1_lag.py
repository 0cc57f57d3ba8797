"""Q1d: does setProperty apply one utterance late in pyttsx3 2.99 espeak driver?"""
import contextlib, io, wave, subprocess, pyttsx3
def dur(p):
    with wave.open(p) as w: return round(w.getnframes()/w.getframerate(),3)
for r in (100,250): subprocess.run(["espeak-ng","-w",f"/tmp/voicelab/ref{r}.wav","-v","en-us","-s",str(r),"seven"]); print("ref",r,dur(f"/tmp/voicelab/ref{r}.wav"))
e=pyttsx3.init(); e.setProperty("voice","en-us")
seq=[100,100,250,250,250,100,100]
for i,r in enumerate(seq):
    e.setProperty("rate",r)
    with contextlib.redirect_stdout(io.StringIO()): e.save_to_file("seven",f"/tmp/voicelab/lag{i}.wav"); e.runAndWait()
    print(i,"set rate",r,"getProperty",e.getProperty("rate"),"dur",dur(f"/tmp/voicelab/lag{i}.wav"))
print("-- workaround: set property, then runAndWait() with nothing queued, then save")
for i,r in enumerate(seq):
    e.setProperty("rate",r); e.runAndWait()
    with contextlib.redirect_stdout(io.StringIO()): e.save_to_file("seven",f"/tmp/voicelab/lagw{i}.wav"); e.runAndWait()
    print(i,"set rate",r,"dur",dur(f"/tmp/voicelab/lagw{i}.wav"))
