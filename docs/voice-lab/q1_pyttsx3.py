"""Q1: pyttsx3 (espeak driver) save_to_file reliability, stdout quirks, latency; vs espeak-ng subprocess."""
import contextlib, io, os, sys, time, wave, subprocess, statistics, tempfile
import pyttsx3

OUT = tempfile.mkdtemp(prefix="q1_", dir="/tmp/voicelab")
WORDS = ["yes","no","stop","pause","resume","continue","repeat","skip","slower","faster",
         "help","ready","one","two","three","four","five","six","seven","eight"]

@contextlib.contextmanager
def fd1_silenced():
    """Redirect OS-level fd 1 and fd 2 (catches print() AND child processes like aplay)."""
    sys.stdout.flush(); sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1); os.dup2(devnull, 2)
    try:
        yield
    finally:
        sys.stdout.flush(); sys.stderr.flush()
        os.dup2(saved[0], 1); os.dup2(saved[1], 2)
        for f in (*saved, devnull): os.close(f)

def wavinfo(p):
    if not os.path.exists(p): return "MISSING"
    with wave.open(p) as w:
        return f"{w.getframerate()}Hz ch={w.getnchannels()} sw={w.getsampwidth()} dur={w.getnframes()/w.getframerate():.3f}s"

t0 = time.perf_counter()
engine = pyttsx3.init()   # driver espeak on Linux
print(f"init: {1000*(time.perf_counter()-t0):.0f} ms, driver={type(engine.proxy._driver).__module__}")

# voices
vs = engine.getProperty("voices")
print("n voices:", len(vs), "english examples:", [ (v.id, v.name) for v in vs if v.id.startswith(("gmw/en","en"))][:12])

# 1) naive: first save_to_file+runAndWait, check file, capture stdout
buf = io.StringIO()
for i in range(3):
    p = f"{OUT}/naive{i}.wav"
    with contextlib.redirect_stdout(buf):
        t = time.perf_counter(); engine.save_to_file("hello number %d" % i, p); engine.runAndWait()
    print(f"naive call {i}: {1000*(time.perf_counter()-t):.0f} ms -> {wavinfo(p)}")
print("captured python stdout:", repr(buf.getvalue()))

# 2) voice by name with variant + rate
for name in ["en-us", "en+f3", "en-us+m3", "gmw/en-us", "English_(America)"]:
    try:
        engine.setProperty("voice", name); engine.setProperty("rate", 150)
        p = f"{OUT}/voice_{name.replace('/','_').replace('+','_')}.wav"
        with contextlib.redirect_stdout(io.StringIO()):
            engine.save_to_file("testing voice", p); engine.runAndWait()
        print(f"voice {name!r}: current={engine.getProperty('voice')!r} -> {wavinfo(p)}")
    except Exception as e:
        print(f"voice {name!r}: ERROR {e!r}")

# 3) latency over 20 words, pyttsx3
engine.setProperty("voice", "en-us"); engine.setProperty("rate", 150)
lat=[]; miss=0
for w in WORDS:
    p=f"{OUT}/py_{w}.wav"
    with contextlib.redirect_stdout(io.StringIO()):
        t=time.perf_counter(); engine.save_to_file(w,p); engine.runAndWait(); lat.append(1000*(time.perf_counter()-t))
    if not os.path.exists(p) or os.path.getsize(p)<1000: miss+=1
print(f"pyttsx3 save_to_file latency ms: median={statistics.median(lat):.0f} mean={statistics.mean(lat):.0f} min={min(lat):.0f} max={max(lat):.0f} missing={miss}/20")
print("example", wavinfo(f"{OUT}/py_yes.wav"))

# 4) latency espeak-ng subprocess
lat=[]
for w in WORDS:
    p=f"{OUT}/es_{w}.wav"
    t=time.perf_counter(); subprocess.run(["espeak-ng","-w",p,"-v","en-us","-s","150",w],check=True); lat.append(1000*(time.perf_counter()-t))
print(f"espeak-ng -w latency ms: median={statistics.median(lat):.0f} mean={statistics.mean(lat):.0f} min={min(lat):.0f} max={max(lat):.0f}")
print("example", wavinfo(f"{OUT}/es_yes.wav"))
# 5) espeak-ng --stdout (no temp file)
lat=[]
for w in WORDS:
    t=time.perf_counter(); r=subprocess.run(["espeak-ng","--stdout","-v","en-us","-s","150",w],capture_output=True,check=True); lat.append(1000*(time.perf_counter()-t))
print(f"espeak-ng --stdout latency ms: median={statistics.median(lat):.0f}; bytes={len(r.stdout)} header={r.stdout[:4]!r}")

# 6) say() with no sound card -> aplay errors?
with fd1_silenced():
    t=time.perf_counter(); engine.say("hi"); engine.runAndWait(); d=1000*(time.perf_counter()-t)
print(f"say() with fd1/fd2 silenced returned after {d:.0f} ms")
