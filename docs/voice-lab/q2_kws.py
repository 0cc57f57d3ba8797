"""Q2c: keyphrase spotting ("stop") in a stream with pocketsphinx 5 KWS search. Threshold sweep.
Stream = counting "one".."twenty" by coach voice with "stop" (user voice) inserted at random places."""
import sys, time, numpy as np
sys.path.insert(0, "/tmp/voicelab/scripts"); from vlab import *
from pocketsphinx import Decoder

def spot(dec, x, chunk=320):
    """feed 20 ms chunks; return list of detection times (s, at the chunk where hyp appeared)"""
    hits = []; dec.start_utt()
    for i in range(0, len(x), chunk):
        dec.process_raw(x[i:i+chunk].tobytes(), False, False)
        h = dec.hyp()
        if h is not None:
            hits.append((i+chunk)/SR); dec.end_utt(); dec.start_utt()   # restart after a detection
    dec.end_utt(); return hits

rng = np.random.default_rng(0)
coach = ["en-us", "en-us+f3"]; users = ["en+m3", "en-gb-x-rp+f4", "en-us+m7", "en+f2", "en-us+klatt"]
def build_stream(with_stop, voice_c, voice_u, noise_snr=None):
    parts=[]; stops=[]; t=0
    words = "one two three four five six seven eight nine ten eleven twelve".split()
    for k, w in enumerate(words):
        s = synth(w, voice_c, 150); parts.append(s); t += len(s)
        if with_stop and k in (3, 8):
            u = synth("stop", voice_u, 150); stops.append(((t)/SR, (t+len(u))/SR)); parts.append(u); t += len(u)
        g = np.zeros(int(0.4*SR), np.int16); parts.append(g); t += len(g)
    x = np.concatenate(parts)
    if noise_snr is not None: x = mix_snr(x, white_noise(len(x), rng), noise_snr, rng)
    return x, stops

thresholds = [1e-5, 1e-10, 1e-20, 1e-30, 1e-40]
print("threshold | stops detected | false alarms | mean delay after word end (s)")
for th in thresholds:
    dec = Decoder(keyphrase="stop", kws_threshold=th, loglevel="FATAL")
    det=tot=fa=0; delays=[]; fa_count_only=0
    for vc in coach:
        for vu in users:
            x, stops = build_stream(True, vc, vu)
            hits = spot(dec, x)
            for (a,b) in stops:
                m=[h for h in hits if a < h <= b+1.0]
                tot+=1
                if m: det+=1; delays.append(m[0]-b)
            fa += sum(1 for h in hits if not any(a < h <= b+1.0 for a,b in stops))
        x,_ = build_stream(False, vc, None); fa_count_only += len(spot(dec, x))
    print(f"{th:g} | {det}/{tot} | {fa} in stop-streams, {fa_count_only} in 2 pure counting streams | {np.mean(delays) if delays else float('nan'):.2f}")
