"""Q2b: SpeechRecognition 3.17 recognize_sphinx with pocketsphinx 5: plain, keyword_entries, grammar."""
import sys, io, wave, time, traceback
sys.path.insert(0, "/tmp/voicelab/scripts"); from vlab import *
import speech_recognition as sr
print("SpeechRecognition", sr.__version__)
r = sr.Recognizer()
def audio(text, voice="en-us"):
    x = pad(synth(text, voice)); return sr.AudioData(x.tobytes(), 16000, 2)
open("/tmp/voicelab/yesno.gram","w").write(jsgf(YES+NO,"yesno"))
for label, kw in [("plain", {}), ("keyword_entries", {"keyword_entries": [("stop",0.8),("yes",0.8),("no",0.8)]}),
                  ("grammar=file.gram", {"grammar": "/tmp/voicelab/yesno.gram"})]:
    for text in ["yes", "stop", "how many left", "hello"]:
        try:
            t=time.perf_counter(); out = r.recognize_sphinx(audio(text), **kw); dt=1000*(time.perf_counter()-t)
            print(f"{label:16s} {text!r:16s} -> {out!r} ({dt:.0f} ms)")
        except Exception as e:
            print(f"{label:16s} {text!r:16s} -> {type(e).__name__}: {str(e)[:200]}")
