"""Q2: pocketsphinx 5.1.1 Decoder API exploration with JSGF, confidence, nbest, seg, lattice, KWS."""
import time, sys, numpy as np
sys.path.insert(0, "/tmp/voicelab/scripts")
from vlab import *
from pocketsphinx import Decoder, Config

G = jsgf(YES+NO, "yesno")
open("/tmp/voicelab/yesno.gram","w").write(G)
print(G)
x_yes = pad(synth("yes")); x_nope = pad(synth("nope", "en+f3")); x_hello = pad(synth("hello")); x_wx = pad(synth("the weather is nice today"))

t=time.perf_counter(); d1 = Decoder(jsgf="/tmp/voicelab/yesno.gram", loglevel="FATAL"); print(f"Decoder(jsgf=<file>) {1000*(time.perf_counter()-t):.0f} ms")
# NOTE: Decoder(jsgf=<grammar text>) or Decoder(jsgf=<missing file>) -> SEGFAULT (whole process dies).
# Decoder(jsgf=file, lm=...) -> RuntimeError "Only one of lm, jsgf, ... can be enabled".
t=time.perf_counter(); d2 = Decoder(lm=None, loglevel="FATAL"); d2.set_jsgf_string("yesno", G); d2.activate_search("yesno")
print(f"Decoder(lm=None)+set_jsgf_string+activate_search {1000*(time.perf_counter()-t):.0f} ms; current_search={d2.current_search()}")
t=time.perf_counter(); d3 = Decoder(loglevel="FATAL"); print(f"Decoder() default LM {1000*(time.perf_counter()-t):.0f} ms")
d3.add_jsgf_string("yesno", G); print("one decoder, LM + grammar searches; current", d3.current_search(), "-> activate yesno"); 

lm = d3.get_logmath()
for name, x in [("yes", x_yes), ("nope/f3", x_nope), ("hello", x_hello), ("weather", x_wx)]:
    for lab, d in [("jsgf-file", d1), ("set_jsgf_string", d2)]:
        t=time.perf_counter(); h = decode(d, x); dt=1000*(time.perf_counter()-t)
        nf = d.n_frames()
        print(f"{name:8s} {lab:16s} hyp={h.hypstr if h else None!r:10} score={h.score if h else None} prob={h.prob if h else None} "
              f"frames={nf} score/frame={h.score/nf if h else 0:.1f} decode {dt:.0f} ms (audio {len(x)/SR:.2f}s)")
    segs = [(s.word, s.start_frame, s.end_frame, s.ascore, s.lscore, s.prob) for s in d2.seg()]
    print("   seg():", segs)
    nb = [(n.hypstr, n.score) for n, _ in zip(d2.nbest(), range(5))]
    print("   nbest():", nb)
    # LM pass
    d3.activate_search("_default") if "_default" in str(d3.current_search()) or True else None
    h = decode(d3, x, search="_default"); print(f"   default-LM hyp={h.hypstr if h else None!r} prob={h.prob if h else None}")

# posterior with bestpath
for kw in [dict(bestpath=True), dict(bestpath=True, fsgusefiller=True)]:
    d = Decoder(lm=None, loglevel="FATAL", **kw); d.set_jsgf_string("yesno", G); d.activate_search("yesno")
    for name, x in [("yes", x_yes), ("hello", x_hello)]:
        h = decode(d, x); print(f"fsg {kw} {name}: hyp={h.hypstr if h else None!r} prob={h.prob if h else None} get_prob={d.get_prob()} lm.exp(prob)?={lm.exp(h.prob) if h else None}")
    try:
        lat = d.get_lattice(); print("  lattice:", lat, [m for m in dir(lat) if not m.startswith('_')])
    except Exception as e: print("  get_lattice error", e)
print("search names API: current_search() of LM decoder =", Decoder(loglevel="FATAL").current_search())
print([k for k in Config().keys()] if hasattr(Config(),'keys') else None)
