"""Q1b: pyttsx3 save_to_file reliability stress: empty/missing/wrong-content files over N calls."""
import contextlib, io, os, sys, wave, subprocess, tempfile, time, collections
import numpy as np, pyttsx3
OUT = tempfile.mkdtemp(prefix="q1b_", dir="/tmp/voicelab")
WORDS = ["yes","no","stop","pause","resume","continue","repeat","skip","slower","faster",
         "help","ready","one","two","three","four","five","six","seven","eight"]
def dur(p):
    if not os.path.exists(p): return None
    with wave.open(p) as w: return w.getnframes()/w.getframerate()
ref={}
for w in WORDS:
    p=f"{OUT}/ref_{w}.wav"; subprocess.run(["espeak-ng","-w",p,"-v","en-us","-s","150",w],check=True); ref[w]=dur(p)
mode = sys.argv[1] if len(sys.argv)>1 else "reuse"
eng = pyttsx3.init(); eng.setProperty("voice","en-us"); eng.setProperty("rate",150)
stats=collections.Counter(); bad=[]
for rep in range(5):
    for w in WORDS:
        p=f"{OUT}/{mode}_{rep}_{w}.wav"
        with contextlib.redirect_stdout(io.StringIO()):
            eng.save_to_file(w,p); eng.runAndWait()
        d=dur(p)
        if d is None: stats["missing"]+=1; bad.append((w,"missing"))
        elif d<0.05: stats["empty"]+=1; bad.append((w,"empty"))
        elif abs(d-ref[w])>0.06: stats["wrong_len"]+=1; bad.append((w,f"{d:.3f} vs {ref[w]:.3f}"))
        else: stats["ok"]+=1
print(mode, dict(stats), bad[:15])
