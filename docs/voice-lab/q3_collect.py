"""Q3/Q4 data collection: synthesise in-grammar words and out-of-grammar (OOG) phrases with espeak-ng,
degrade them (noise/reverb/gain), decode with per-state grammars (plain and with filler-garbage),
plus an allphone pass (for a likelihood-ratio confidence) and an optional default-LM pass.
Writes JSON lines to /tmp/voicelab/results/q3_features.jsonl"""
import sys, json, os, time, itertools
sys.path.insert(0, "/tmp/voicelab/scripts")
from vlab import *
from multiprocessing import Pool
from pocketsphinx import get_model_path

VOICES = ["en-us", "en"] + [f"en+m{i}" for i in range(1, 8)] + [f"en+f{i}" for i in range(1, 6)] + ["en+klatt", "en-us+klatt"]
OOG = ["could you say that again", "hello", "hang on", "what", "I don't know", "maybe", "wait a second",
       "the weather is nice today", "I think so", "hmm", "okay", "let me think", "oh well", "go on"]
COND_ALL = ["clean", "white20", "white10", "white5", "babble20", "babble10", "babble5", "reverb", "gain-20", "gain+10clip"]
LM_CONDS = {"clean", "babble10"}
OUT = "/tmp/voicelab/results"; os.makedirs(OUT, exist_ok=True)

def degrade(x, cond, rng):
    if cond == "clean": return x
    if cond.startswith("white"): return mix_snr(x, white_noise(len(x)+SR, rng), float(cond[5:]), rng)
    if cond.startswith("babble"): return mix_snr(x, babble(), float(cond[6:]), rng)
    if cond == "reverb": return sox_effect(x, "reverb", "50", "50", "100")[:len(x)+int(0.5*SR)]
    if cond == "gain-20": return sox_effect(x, "gain", "-20")
    if cond == "gain+10clip": return np.clip(x.astype(float)*10**(10/20), -32768, 32767).astype(np.int16)
    raise ValueError(cond)

def cough(rng):
    """noise burst(s) shaped like a cough: band-passed noise, fast attack, ~0.25 s decay"""
    out = [np.zeros(int(0.3*SR))]
    for _ in range(rng.integers(1, 3)):
        n = int(rng.uniform(0.2, 0.4)*SR); env = np.exp(-np.arange(n)/(0.08*SR)); env[:160] *= np.linspace(0, 1, 160)
        out += [rng.standard_normal(n)*env*8000, np.zeros(int(rng.uniform(0.05, 0.2)*SR))]
    x = np.concatenate(out + [np.zeros(int(0.3*SR))])
    return sox_effect(np.clip(x, -32768, 32767).astype(np.int16), "sinc", "300-3500")

D = {}
def init():
    d = Decoder(lm=None, loglevel="FATAL")
    for g, words in GRAMMARS.items():
        d.add_jsgf_string(g, jsgf(words, g))
        d.add_jsgf_string(g+"_filler", garbage_jsgf(words, g, "filler"))
    D["g"] = d
    D["ap"] = Decoder(lm=None, allphone=get_model_path("en-us/en-us-phone.lm.bin"), loglevel="FATAL")
    D["lm"] = Decoder(loglevel="FATAL")

def feats(d, x, search):
    h = decode(d, x, search); lmth = d.get_logmath(); nf = d.n_frames()
    if h is None: return dict(hyp=None, nf=nf)
    segs = [s for s in d.seg() if not (s.word.startswith("<") or s.word.startswith("[") or s.word.startswith("++"))]
    words_fr = sum(s.end_frame - s.start_frame + 1 for s in segs)
    wprob = min((s.prob for s in segs), default=0.0)
    return dict(hyp=h.hypstr, ls=lmth.log(h.score) if h.score > 0 else -1e9, nf=nf, prob=h.prob, wprob=wprob, wfr=words_fr)

def job(item):
    kind, text, grammar, voice, wpm, pitch, cond, seed = item
    rng = np.random.default_rng(seed)
    if kind == "word" or kind == "oog": x = pad(synth(text, voice, wpm, pitch))
    elif kind == "cough": x = cough(rng)
    elif kind == "silence": x = (rng.standard_normal(int(1.5*SR))*30).astype(np.int16)
    elif kind == "noise_white": x = white_noise(int(1.5*SR), rng)
    elif kind == "noise_babble": x = babble()[rng.integers(0, len(babble())-int(1.5*SR)):][:int(1.5*SR)]
    x = degrade(x, cond, rng) if kind in ("word", "oog") else x
    rec = dict(kind=kind, text=text, grammar=grammar, voice=voice, wpm=wpm, pitch=pitch, cond=cond, dur=len(x)/SR)
    t = time.perf_counter()
    gs = [grammar] if grammar else list(GRAMMARS)
    for g in gs:
        rec[g] = feats(D["g"], x, g); rec[g+"_filler"] = feats(D["g"], x, g+"_filler")
    rec["t_g"] = time.perf_counter()-t
    ap = feats(D["ap"], x, None); rec["ap_ls"] = ap.get("ls"); rec["ap_nf"] = ap.get("nf")
    if cond in LM_CONDS and (kind != "word" or (pitch == 50 and wpm == 130 and voice in VOICES[::2])):
        t = time.perf_counter(); lmf = feats(D["lm"], x, None); rec["lm"] = lmf.get("hyp"); rec["lm_prob"] = lmf.get("prob"); rec["t_lm"] = time.perf_counter()-t
    return rec

def items():
    seed = itertools.count()
    for g, words in GRAMMARS.items():
        for w in words:
            for v in VOICES:
                for wpm in (130, 150, 180):
                    for p in (30, 50, 70):
                        for c in COND_ALL:
                            # budget: clean = all voices x {130,180} x pitch 50 + all voices x 150 x pitch {30,70};
                            # degradations = every 2nd voice x {130,180} x pitch 50
                            if c == "clean" and not ((wpm != 150 and p == 50) or (wpm == 150 and p != 50)): continue
                            if c != "clean" and (p != 50 or wpm == 150 or v not in VOICES[::2]): continue
                            yield ("word", w, g, v, wpm, p, c, next(seed))
    for t in OOG:
        for v in VOICES:
            for c in ("clean", "white10", "babble10"):
                yield ("oog", t, None, v, 150, 50, c, next(seed))
    for i in range(40): yield ("cough", f"cough{i}", None, None, 0, 0, "clean", next(seed))
    for i in range(20): yield ("silence", "silence", None, None, 0, 0, "clean", next(seed))
    for i in range(20): yield ("noise_white", "noise_white", None, None, 0, 0, "clean", next(seed))
    for i in range(20): yield ("noise_babble", "noise_babble", None, None, 0, 0, "clean", next(seed))

def items_part2(done):
    """second pass (CPU budget): grammars not finished in pass 1 with fewer voices for degradations,
    OOG/cough/silence/noise; LM pass only for clean OOG-type items and clean words."""
    for it in items():
        key = (it[0], it[1], it[2], it[3], it[4], it[5], it[6])
        if key in done: continue
        kind, text, g, v, wpm, p, c, seed = it
        if kind == "word" and c != "clean" and v not in VOICES[::4]: continue
        if kind == "word" and c == "clean" and v not in VOICES[::2]: continue
        yield it

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "part2":
        LM_CONDS.discard("babble10")
        done = set()
        for l in open(f"{OUT}/q3_part1.jsonl"):
            r = json.loads(l); done.add((r["kind"], r["text"], r["grammar"], r["voice"], r["wpm"], r["pitch"], r["cond"]))
        its = list(items_part2(done)); print(len(its), "items (part2)", flush=True)
        t0 = time.time(); n = 0
        with Pool(2, initializer=init) as pool, open(f"{OUT}/q3_part2.jsonl", "w") as f:
            # OOG first so that the rejection study has data even if stopped early
            its.sort(key=lambda it: it[0] == "word")
            for rec in pool.imap_unordered(job, its, chunksize=4):
                f.write(json.dumps(rec)+"\n"); f.flush(); n += 1
                if n % 200 == 0: print(n, f"{time.time()-t0:.0f}s", flush=True)
        print("done", n); sys.exit(0)
    its = list(items()); print(len(its), "items", flush=True)
    # pre-synthesise serially (cache) so workers don't race on cache files
    for it in its:
        if it[0] in ("word", "oog"): synth(it[1], it[3], it[4], it[5])
    babble(); print("synth done", flush=True)
    t0 = time.time(); n = 0
    with Pool(2, initializer=init) as pool, open(f"{OUT}/q3_features.jsonl", "w") as f:
        for rec in pool.imap_unordered(job, its, chunksize=8):
            f.write(json.dumps(rec)+"\n"); n += 1
            if n % 500 == 0: print(n, f"{time.time()-t0:.0f}s", flush=True)
    print("done", n, f"{time.time()-t0:.0f}s")
