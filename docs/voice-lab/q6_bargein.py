"""Q6: barge-in through the virtual audio path.
Coach counts "one".."ten" on sink 'speaker' (echoed into 'room' by module-loopback); the user's "stop"
is played into 'room'; PyAudio records the default source (room.monitor) in 20 ms chunks with
timestamps. The recording + timeline is saved, then KWS ("stop") is run over it chunk by chunk (as it
would be live) for several thresholds, with and without gating the mic while the coach is speaking.
Also a live pass: KWS in the capture loop, to check real-time factor and wall-clock latency.
usage: q6_bargein.py record|analyse"""
import os, sys, time, json, collections, threading, subprocess, contextlib, wave
import numpy as np
sys.path.insert(0, "/tmp/voicelab/scripts"); from vlab import *
from pocketsphinx import Decoder
RES = "/tmp/voicelab/results"; os.makedirs(RES, exist_ok=True)
COACH_V = "en-us+f3"; USER_V = ["en+m3", "en-gb-x-rp+f4", "en-us+m7", "en+f2", "en-us+klatt", "en+m1"]
NUMW = "one two three four five six seven eight nine ten".split()

def wavfile(x, path):
    with wave.open(path, "wb") as w: w.setnchannels(1); w.setsampwidth(2); w.setframerate(SR); w.writeframes(x.astype(np.int16).tobytes())
def speech_span(x, thr=0.05):
    e = np.abs(x.astype(float)); idx = np.where(e > thr*e.max())[0]; return idx[0]/SR, idx[-1]/SR

@contextlib.contextmanager
def quiet_stderr():
    saved = os.dup(2); dn = os.open(os.devnull, os.O_WRONLY); os.dup2(dn, 2)
    try: yield
    finally: os.dup2(saved, 2); os.close(saved); os.close(dn)

def record_session(tag, stops, coach_period=1.2, live_kws=None):
    """stops: list of (coach_word_index, offset_s, user_voice). Returns dict with recording + timeline."""
    with quiet_stderr():
        import pyaudio; pa = pyaudio.PyAudio()
    os.makedirs(f"{RES}/q6wav", exist_ok=True)
    coach_files = []
    for w in NUMW:
        p = f"{RES}/q6wav/coach_{w}.wav"; x = synth(w, COACH_V, 150); wavfile(x, p); coach_files.append((p, x))
    frames, times = [], []; stop_ev = threading.Event(); live_hits = []
    s = pa.open(format=pyaudio.paInt16, channels=1, rate=SR, input=True, frames_per_buffer=320)
    def rec():
        while not stop_ev.is_set():
            b = s.read(320, exception_on_overflow=False); t = time.perf_counter(); frames.append(b); times.append(t)
            if live_kws is not None:
                live_kws.process_raw(b, False, False)
                if live_kws.hyp() is not None:
                    live_hits.append((t, time.perf_counter())); live_kws.end_utt(); live_kws.start_utt()
    if live_kws is not None: live_kws.start_utt()
    th = threading.Thread(target=rec, daemon=True); th.start(); time.sleep(1.0)
    t0 = time.perf_counter(); events = []; procs = []
    sched = [(k*coach_period, "coach", k, None) for k in range(len(NUMW))]
    sched += [(k*coach_period+off, "user", k, v) for k, off, v in stops]
    sched.sort()
    for ts, who, k, v in sched:
        while time.perf_counter() < t0+ts: time.sleep(0.002)
        if who == "coach":
            p, x = coach_files[k]; dev = "speaker"
        else:
            x = synth("stop", v, 150); p = f"{RES}/q6wav/stop_{v}.wav"; wavfile(x, p); dev = "room"
        tl = time.perf_counter(); procs.append(subprocess.Popen(["paplay", f"--device={dev}", p]))
        a, b = speech_span(x); events.append(dict(who=who, k=k, voice=v, t_launch=tl, sp_start=a, sp_end=b, dur=len(x)/SR, file=p))
    for pr in procs: pr.wait()
    time.sleep(1.0); stop_ev.set(); th.join(); s.close()
    if live_kws is not None: live_kws.end_utt()
    rec_x = np.frombuffer(b"".join(frames), np.int16)
    # locate every event in the recording by cross-correlation near the expected place
    t_first = times[0] - 320/SR   # wall time of sample 0 (approx.)
    for e in events:
        src = np.frombuffer(open(e["file"], "rb").read()[44:], np.int16).astype(float)
        exp_i = int((e["t_launch"]-t_first)*SR); lo = max(0, exp_i-int(0.2*SR)); hi = min(len(rec_x), exp_i+int(0.6*SR)+len(src))
        seg = rec_x[lo:hi].astype(float); n = len(seg)
        cc = np.fft.irfft(np.fft.rfft(seg, 2*n)*np.conj(np.fft.rfft(src, 2*n)))[:n-len(src)+1]
        e["rec_i"] = lo+int(np.argmax(cc)); e["play_latency_ms"] = 1000*(e["rec_i"]/SR - (e["t_launch"]-t_first))
    wavfile(rec_x, f"{RES}/q6wav/session_{tag}.wav")
    out = dict(tag=tag, events=events, n=len(rec_x), live_hits=[(a-t_first, b-a) for a, b in live_hits])
    json.dump(out, open(f"{RES}/q6_session_{tag}.json", "w"), indent=1)
    return out

_rng = np.random.default_rng(0)
def run_kws(x, th, gate_spans=(), chunk=320, gate_mode="skip"):
    """gate_mode: 'skip' = stop feeding (end_utt/start_utt around the gate);
                  'zero' = keep feeding but replace gated chunks by faint noise (stream stays continuous)"""
    dec = Decoder(keyphrase="stop", kws_threshold=th, loglevel="FATAL"); dec.start_utt(); hits = []; gated = False; tproc = 0
    for i in range(0, len(x)-chunk+1, chunk):
        g = any(a <= i/SR < b for a, b in gate_spans)
        c = x[i:i+chunk]
        if g and gate_mode == "skip":
            if not gated: dec.end_utt(); gated = True
            continue
        if g and gate_mode == "zero": c = (_rng.standard_normal(chunk)*3).astype(np.int16)
        if gated: dec.start_utt(); gated = False
        t = time.perf_counter(); dec.process_raw(c.tobytes(), False, False); tproc += time.perf_counter()-t
        if dec.hyp() is not None: hits.append((i+chunk)/SR); dec.end_utt(); dec.start_utt()
    return hits, tproc/(len(x)/SR)

def analyse(tags, ths=(1e-15, 1e-20, 1e-25, 1e-30), gate_tail=0.15):
    rows = []
    for gate in (False, "skip", "zero"):
        for th in ths:
            det = tot = fa = 0; lat = []; rtf = []; coach_secs = 0; ov = collections.Counter()
            for tag in tags:
                S = json.load(open(f"{RES}/q6_session_{tag}.json"))
                x = np.frombuffer(open(f"{RES}/q6wav/session_{tag}.wav", "rb").read()[44:], np.int16)
                coach = [e for e in S["events"] if e["who"] == "coach"]; users = [e for e in S["events"] if e["who"] == "user"]
                spans = [(e["rec_i"]/SR+e["sp_start"]-0.02, e["rec_i"]/SR+e["sp_end"]+gate_tail) for e in coach] if gate else []
                hits, r = run_kws(x, th, spans, gate_mode=gate or "skip"); rtf.append(r)
                coach_secs += len(coach)
                used = set()
                for u in users:
                    a = u["rec_i"]/SR+u["sp_start"]; b = u["rec_i"]/SR+u["sp_end"]; tot += 1
                    m = [h for h in hits if a < h <= b+1.0]
                    overl = any(c["rec_i"]/SR+c["sp_start"] < b and a < c["rec_i"]/SR+c["sp_end"] for c in coach)
                    ov[("overlap" if overl else "gap", "tot")] += 1
                    if m: det += 1; lat.append(m[0]-b); used.add(m[0]); ov[("overlap" if overl else "gap", "det")] += 1
                fa += len([h for h in hits if h not in used])
            lat = np.array(lat)
            rows.append(dict(gate=gate, th=th, det=det, tot=tot, fa=fa, coach_words=coach_secs,
                             lat_med=float(np.median(lat)) if len(lat) else None, lat_max=float(lat.max()) if len(lat) else None,
                             within05=int((lat <= 0.5).sum()), rtf=float(np.mean(rtf)),
                             gap=f"{ov[('gap','det')]}/{ov[('gap','tot')]}", overlap=f"{ov[('overlap','det')]}/{ov[('overlap','tot')]}"))
    return rows

if __name__ == "__main__":
    if sys.argv[1] == "record":
        # 4 sessions with 3 user stops each (1 in the gap after a coach word, 1 overlapping a coach word, 1 late), 3 without
        plans = {}
        for j in range(4):
            v = USER_V[j % len(USER_V)]; v2 = USER_V[(j+2) % len(USER_V)]
            plans[f"stop{j}"] = [(1+j, 0.6, v), (4+j, 0.15, v2), (8, 0.55, USER_V[(j+4) % len(USER_V)])]
        for j in range(3): plans[f"count{j}"] = []
        for tag, st in plans.items():
            S = record_session(tag, st); print(tag, "play latencies ms:", [round(e["play_latency_ms"]) for e in S["events"]][:6], flush=True)
    elif sys.argv[1] == "record2":
        # stops clearly in the pauses (coach period 1.6 s, stop launched 0.8 s after a coach word)
        for j in range(3):
            st = [(1+j, 0.8, USER_V[j]), (4+j, 0.8, USER_V[j+3]), (8, 0.8, USER_V[(j+1) % 6])]
            S = record_session(f"far{j}", st, coach_period=1.6); print(f"far{j}", "ok", flush=True)
    elif sys.argv[1] == "live":
        dec = Decoder(keyphrase="stop", kws_threshold=float(sys.argv[2]), loglevel="FATAL")
        S = record_session("live", [(2, 0.6, "en+m3"), (6, 0.6, "en-us+m7")], live_kws=dec)
        for e in S["events"]:
            if e["who"] == "user": print("user stop speech end at", round(e["rec_i"]/SR+e["sp_end"], 3), "s")
        print("live hits (audio time of chunk, processing lag s):", [(round(a, 3), round(b, 4)) for a, b in S["live_hits"]])
    else:
        tags = sys.argv[2].split(",")
        for r in analyse(tags): print(json.dumps(r))
