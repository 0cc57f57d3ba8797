"""Shared helpers for the voicelab experiments: TTS to 16 kHz int16, degradations, decoders, grammars."""
import os, subprocess, hashlib, functools
import numpy as np
from pocketsphinx import Decoder

CACHE = "/tmp/voicelab/cache"; os.makedirs(CACHE, exist_ok=True)
SR = 16000

def synth(text, voice="en-us", wpm=150, pitch=50, extra=()):
    """espeak-ng -> sox -> 16 kHz mono s16 numpy array (cached)."""
    key = hashlib.md5(repr((text, voice, wpm, pitch, extra)).encode()).hexdigest()
    p = f"{CACHE}/{key}.raw"
    if not os.path.exists(p):
        cmd = (["espeak-ng", "--stdout", "-v", voice, "-s", str(wpm), "-p", str(pitch), text])
        wav = subprocess.run(cmd, capture_output=True, check=True).stdout
        raw = subprocess.run(["sox", "-t", "wav", "-", "-t", "raw", "-r", "16000", "-c", "1", "-b", "16",
                              "-e", "signed-integer", "-", *extra], input=wav, capture_output=True, check=True).stdout
        open(p, "wb").write(raw)
    return np.frombuffer(open(p, "rb").read(), np.int16)

def sox_effect(x, *effect):
    """apply a sox effect chain to int16 16k array"""
    out = subprocess.run(["sox", "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-",
                          "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-", *effect],
                         input=x.astype(np.int16).tobytes(), capture_output=True, check=True).stdout
    return np.frombuffer(out, np.int16)

def pad(x, pre=0.3, post=0.3):
    return np.concatenate([np.zeros(int(pre*SR), np.int16), x, np.zeros(int(post*SR), np.int16)])

def speech_rms(x):
    x = x.astype(float); fr = x[: len(x)//160*160].reshape(-1, 160)
    e = np.sqrt((fr**2).mean(1)); act = e[e > 0.1*e.max()]
    return np.sqrt((act**2).mean()) if len(act) else 1.0

def mix_snr(x, noise, snr_db, rng):
    """mix noise into x so that (active-speech rms)/(noise rms) = snr_db"""
    x = x.astype(float)
    if len(noise) < len(x): noise = np.tile(noise, len(x)//len(noise)+1)
    st = rng.integers(0, len(noise)-len(x)+1); n = noise[st:st+len(x)].astype(float)
    n *= speech_rms(x) / (np.sqrt((n**2).mean())+1e-9) / (10**(snr_db/20))
    return np.clip(x+n, -32768, 32767).astype(np.int16)

def white_noise(n, rng): return (rng.standard_normal(n)*3000).astype(np.int16)

_babble = None
def babble():
    """babble: 6 different espeak voices reading unrelated sentences, summed (no grammar words)."""
    global _babble
    if _babble is None:
        sents = ["the quick brown fox jumps over the lazy dog and runs into the forest",
                 "please remember to buy bread and milk on the way home tonight",
                 "the meeting has been moved to thursday afternoon at the library",
                 "she sells sea shells by the sea shore every summer morning",
                 "a large cup of coffee with a little bit of sugar would be lovely",
                 "the train to the city was delayed because of the heavy weather"]
        vs = ["en-us", "en+f3", "en+m3", "en-us+f2", "en+m7", "en-gb-x-rp+f4"]
        parts = [synth(s, v, 160) for s, v in zip(sents, vs)]
        L = max(len(p) for p in parts); acc = np.zeros(L)
        for i, p in enumerate(parts): acc += np.roll(np.pad(p.astype(float), (0, L-len(p))), i*4000)
        _babble = (acc/len(parts)).astype(np.int16)
    return _babble

# ---------------- grammars ----------------
YES = ["yes", "yeah", "yep", "sure", "correct"]
NO = ["no", "nope", "nah"]
CMDS = ["stop", "pause", "resume", "continue", "repeat", "skip", "slower", "faster", "help", "how many left", "ready"]
NUMS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
GRAMMARS = {"yesno": YES+NO, "commands": CMDS, "numbers": NUMS}
def canon(grammar, hyp):
    """map a recognised word string to the semantic label"""
    if grammar == "yesno":
        return "YES" if hyp in YES else "NO" if hyp in NO else None
    return hyp if hyp in GRAMMARS[grammar] else None

def jsgf(words, name="g", garbage=None):
    alts = " | ".join(words)
    if garbage:
        return f"#JSGF V1.0;\ngrammar {name};\npublic <top> = <cmd> | <garbage>;\n<cmd> = {alts};\n<garbage> = {garbage};\n"
    return f"#JSGF V1.0;\ngrammar {name};\npublic <top> = {alts};\n"

def decode(dec, x, search=None):
    # NB: Decoder(lm=None).current_search() before any activate_search() SEGFAULTS, so don't query it
    if search is not None: dec.activate_search(search)
    dec.start_utt(); dec.process_raw(x.astype(np.int16).tobytes(), full_utt=True); dec.end_utt()
    h = dec.hyp()
    return h

def make_grammar_decoder(grammars: dict, **kw):
    """one Decoder with several named JSGF searches; switch with activate_search(name)."""
    d = Decoder(lm=None, loglevel="FATAL", **kw)
    for name, s in grammars.items(): d.add_jsgf_string(name, s)
    d.activate_search(next(iter(grammars)))
    return d

# ---------------- garbage models ----------------
PHONES = "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split()
FILLERS = ["the", "a", "and", "what", "hello", "hi", "hang", "on", "wait", "second", "minute", "maybe", "i", "don't",
           "think", "so", "um", "uh", "hmm", "okay", "well", "could", "you", "say", "that", "again", "weather", "is",
           "nice", "today", "it", "please", "thanks", "sorry", "oh", "really", "just", "like", "good", "with", "me"]

def add_phone_words(dec):
    for i, p in enumerate(PHONES):
        dec.add_word(f"ph_{p.lower()}", p, i == len(PHONES)-1)   # only the last add updates the search

def garbage_jsgf(words, name, kind, w_cmd=1.0, w_garb=1e-3, exclude=()):
    """kind: 'filler' -> garbage is one-or-more filler words; 'phone' -> phone loop (1+ phones)."""
    alts = " | ".join(words)
    if kind == "filler":        # ONE filler word (fast: ~20 ms/utt)
        g = " | ".join(f for f in FILLERS if f not in words and f not in exclude)
        return (f"#JSGF V1.0;\ngrammar {name};\npublic <top> = <cmd> | <garbage>;\n"
                f"<cmd> = {alts};\n<garbage> = {g};\n")
    if kind == "filler_loop":   # (filler)+ : much better garbage model but 0.6-40 s per utterance -> unusable
        g = " | ".join(f for f in FILLERS if f not in words and f not in exclude)
    elif kind == "phone":
        g = " | ".join(f"ph_{p.lower()}" for p in PHONES)
    return (f"#JSGF V1.0;\ngrammar {name};\npublic <top> = /{w_cmd}/ <cmd> | /{w_garb}/ <garbage>;\n"
            f"<cmd> = {alts};\n<garbage> = ({g})+;\n")
