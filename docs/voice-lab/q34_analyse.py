"""Analyse /tmp/voicelab/results/q3_features.jsonl: accuracy per grammar/condition (Q3) and rejection designs (Q4)."""
import json, sys, collections, itertools
import numpy as np
sys.path.insert(0, "/tmp/voicelab/scripts"); from vlab import GRAMMARS, canon, YES, NO
import glob
R = [json.loads(l) for fn in sorted(glob.glob("/tmp/voicelab/results/q3_part*.jsonl")) for l in open(fn)]
W = [r for r in R if r["kind"] == "word"]; O = [r for r in R if r["kind"] != "word"]
def truth(r): return canon(r["grammar"], r["text"])

def feat(r, g, var):
    f = r.get(g+var) or {}
    h = f.get("hyp"); lab = canon(g, h) if h else None
    nf = f.get("nf") or 1; ls = f.get("ls", -1e9)
    ap = r.get("ap_ls"); lr = (ls - ap)/nf if (ap is not None and h) else -1e9       # grammar vs allphone, per frame
    return dict(lab=lab, hyp=h, lr=lr, wprob=f.get("wprob", 0), prob=f.get("prob", 0), wdur=(f.get("wfr") or 0)/100,
                lm=r.get("lm"), has_lm="lm" in r)

LMSYN = {"yeah": {"yeah", "yes", "yep"}, "yep": {"yep", "yeah", "yes"}, "nah": {"nah", "no"}, "nope": {"nope", "no"},
         "no": {"no", "know"}, "two": {"two", "to", "too"}, "four": {"four", "for"}, "eight": {"eight", "ate"}, "one": {"one", "won"}}
def lm_agree(hyp, lm):
    if lm is None: return False
    toks = lm.split(); hw = hyp.split()
    return " ".join(toks) == hyp or (len(hw) == 1 and len(toks) == 1 and toks[0] in LMSYN.get(hyp, {hyp}))

DESIGNS = {
  "a0 plain grammar (no rejection)": lambda f: True,
  "a1 filler-garbage grammar": None,   # special: uses _filler variant
  "b  LM second pass must agree": lambda f: f["has_lm"] and lm_agree(f["hyp"], f["lm"]),
}
def accepted(r, g, design, th):
    var = "_filler" if design.startswith("a1") or "filler" in design else ""
    f = feat(r, g, var)
    if f["lab"] is None: return None, f
    ok = True
    if "lr>" in design: ok &= f["lr"] > th["lr"]
    if "wprob>" in design: ok &= f["wprob"] > th["wprob"]
    if "dur" in design: ok &= th["dmin"] <= f["wdur"] <= th["dmax"]
    if "LM" in design: ok &= f["has_lm"] and lm_agree(f["hyp"], f["lm"])
    return (f["lab"] if ok else None), f

def evaluate(design, th, conds=None, subset_lm=False):
    st = collections.Counter()
    for r in W:
        if conds and r["cond"] not in conds: continue
        if subset_lm and "lm" not in r: continue
        lab, f = accepted(r, r["grammar"], design, th); t = truth(r)
        st["n"] += 1
        if lab is None: st["reject"] += 1
        elif lab == t: st["correct"] += 1
        else:
            st["subst"] += 1
            if r["grammar"] == "yesno": st["yesno_swap"] += 1
    fa = collections.Counter()
    for r in O:
        if conds and r["cond"] not in conds: continue
        if subset_lm and "lm" not in r: continue
        for g in GRAMMARS:
            lab, f = accepted(r, g, design, th); fa["n"] += 1
            if lab is not None: fa["fa"] += 1; fa[(r["kind"], g)] += 1
    return st, fa

if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "q3"
    if what == "q3":
        conds = ["clean", "white20", "white10", "white5", "babble20", "babble10", "babble5", "reverb", "gain-20", "gain+10clip"]
        print("| condition | n (yesno/cmd/num) | yesno plain | commands plain | numbers plain | yesno filler | commands filler | numbers filler | yes<->no swaps (plain/filler) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for c in conds:
            row = [c]; sw = []; ns = []
            for var in ("", "_filler"):
                for g in GRAMMARS:
                    rs = [r for r in W if r["cond"] == c and r["grammar"] == g]
                    if not rs: row.append("-"); continue
                    acc = np.mean([feat(r, g, var)["lab"] == truth(r) for r in rs])
                    if var == "": ns.append(len(rs))
                    row.append(f"{100*acc:.1f}%")
                    if g == "yesno": sw.append(sum(1 for r in rs if feat(r, g, var)["lab"] not in (None, truth(r))))
            print("| " + " | ".join([row[0], "/".join(map(str, ns))] + row[1:]) + f" | {sw[0]}/{sw[1]} |")
        # per voice clean
        print("\nclean accuracy per voice (all 3 grammars, plain):")
        byv = collections.defaultdict(list)
        for r in W:
            if r["cond"] == "clean": byv[(r["voice"])].append(feat(r, r["grammar"], "")["lab"] == truth(r))
        print(", ".join(f"{v} {100*np.mean(a):.0f}%" for v, a in sorted(byv.items())))
        byp = collections.defaultdict(list)
        for r in W:
            if r["cond"] == "clean": byp[(r["wpm"], r["pitch"])].append(feat(r, r["grammar"], "")["lab"] == truth(r))
        print("clean per (wpm,pitch):", ", ".join(f"{k} {100*np.mean(a):.1f}%" for k, a in sorted(byp.items())))
        errs = collections.Counter((r["text"], feat(r, r["grammar"], "")["hyp"]) for r in W if r["cond"] == "clean" and feat(r, r["grammar"], "")["lab"] != truth(r))
        print("clean plain errors (truth, hyp):", errs.most_common(25))
        t = [r["t_g"] for r in W]; print(f"grammar decode time per item (plain+filler): median {1000*np.median(t):.0f} ms")
        tl = [r["t_lm"] for r in R if "t_lm" in r]; print(f"LM decode time: median {1000*np.median(tl):.0f} ms, p90 {1000*np.percentile(tl,90):.0f} ms")

def q4():
    # feature distributions: in-grammar correct (all conds) vs OOG accepted-by-grammar
    def vals(key, var=""):
        ig = [feat(r, r["grammar"], var)[key] for r in W if feat(r, r["grammar"], var)["lab"] == truth(r)]
        oo = [feat(r, g, var)[key] for r in O for g in GRAMMARS if feat(r, g, var)["lab"] is not None]
        return np.array(ig), np.array(oo)
    for key in ("lr", "wprob", "prob", "wdur"):
        ig, oo = vals(key)
        print(f"{key}: in-grammar-correct pct[1,5,50]={np.percentile(ig,[1,5,50]).round(3)}  OOG-accepted pct[50,95,99,max]={np.percentile(oo,[50,95,99,100]).round(3)} (n={len(oo)})")
    def line(name, design, th, conds=None, subset_lm=False):
        st, fa = evaluate(design, th, conds, subset_lm)
        n = st["n"]; print(f"| {name} | {n} | {100*st['correct']/n:.1f}% | {100*st['reject']/n:.1f}% | {100*st['subst']/n:.2f}% | {st['yesno_swap']} | {fa['fa']}/{fa['n']} ({100*fa['fa']/max(fa['n'],1):.1f}%) |")
        return st, fa
    hdr = "| design | in-grammar n | correct accept | rejected | wrong accept | yes<->no swaps | OOG false accepts (utt x 3 grammars) |\n|---|---|---|---|---|---|---|"
    for label, conds in [("CLEAN", ["clean"]), ("NOISY (white10+babble10 for both sets)", ["white10", "babble10"]), ("ALL conditions", None)]:
        print(f"\n### {label}\n" + hdr)
        line("a0 plain grammar", "a0", {}, conds)
        line("a1 filler garbage", "a1 filler", {}, conds)
        for lr in (-2, 0, 2, 4, 6):
            line(f"c  lr>{lr}", "lr>", {"lr": lr}, conds)
        for wp in (0.9, 0.99):
            line(f"c  wprob>{wp}", "wprob>", {"wprob": wp}, conds)
        line("d  dur 0.15-1.2 s", "dur", {"dmin": 0.15, "dmax": 1.2}, conds)
        for lr in (0, 2, 4):
            line(f"e  lr>{lr} + dur", "lr> dur", {"lr": lr, "dmin": 0.15, "dmax": 1.2}, conds)
            line(f"e  filler + lr>{lr} + dur", "filler lr> dur", {"lr": lr, "dmin": 0.15, "dmax": 1.2}, conds)
    print("\n### LM-agreement subset (items that got an LM pass: clean/babble10, rate 130, 8 voices; OOG all)\n" + hdr)
    for conds in (["clean"], ["babble10"]):
        line(f"a0 plain [{conds[0]}]", "a0", {}, conds, True)
        line(f"b  LM agree [{conds[0]}]", "b LM", {}, conds, True)
        line(f"e  LM agree + lr>0 + dur [{conds[0]}]", "LM lr> dur", {"lr": 0, "dmin": 0.15, "dmax": 1.2}, conds, True)
        line(f"e  filler + LM agree [{conds[0]}]", "filler LM", {}, conds, True)
    # which OOG get through the best simple design
    for design, th in [("lr> dur", {"lr": 2, "dmin": 0.15, "dmax": 1.2}), ("filler lr> dur", {"lr": 2, "dmin": 0.15, "dmax": 1.2})]:
        fa = collections.Counter()
        for r in O:
            for g in GRAMMARS:
                lab, f = accepted(r, g, design, th)
                if lab is not None: fa[(r["text"], r["cond"], g, f["hyp"])] += 1
        print(design, th, "false accepts:", fa.most_common(12))

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "q4": q4()
