"""Q1c: pyttsx3 save_to_file: empty/short files when switching voices/rates. Compares to espeak-ng CLI."""
import contextlib, io, os, wave, subprocess, tempfile, collections, random
import pyttsx3
OUT = tempfile.mkdtemp(prefix="q1c_", dir="/tmp/voicelab")
WORDS = ["yes","no","stop","pause","resume","continue","repeat","skip","slower","faster","help","ready",
         "one","two","three","four","five","six","seven","eight","how many left","ten reps left, keep going"]
VOICES=["en-us","en","en+f3","en-us+m3","en+klatt"]; RATES=[130,150,180]
def dur(p):
    if not os.path.exists(p): return None
    with wave.open(p) as w: return w.getnframes()/w.getframerate()
random.seed(1); eng=pyttsx3.init(); st=collections.Counter(); ex=[]
for i in range(300):
    w=random.choice(WORDS); v=random.choice(VOICES); r=random.choice(RATES)
    eng.setProperty("voice",v); eng.setProperty("rate",r)
    p=f"{OUT}/{i}.wav"; ref=f"{OUT}/{i}_ref.wav"
    with contextlib.redirect_stdout(io.StringIO()): eng.save_to_file(w,p); eng.runAndWait()
    subprocess.run(["espeak-ng","-w",ref,"-v",v,"-s",str(r),w],check=True)
    d,dr=dur(p),dur(ref)
    if d is None: st["missing"]+=1
    elif d<0.05: st["empty"]+=1; ex.append((w,v,r,"empty",round(dr,2)))
    elif abs(d-dr)>0.05: st["len_mismatch"]+=1; ex.append((w,v,r,round(d,2),round(dr,2)))
    else: st["ok"]+=1
print(dict(st)); [print(e) for e in ex[:20]]
