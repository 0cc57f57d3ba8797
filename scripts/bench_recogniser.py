#!/usr/bin/env python3
"""Measure the recognisers on a folder of real recordings, side by side, clean and in real noise.

Every ``LABEL__anything.wav`` in ``--corpus`` is one utterance. LABEL is yes, no, stop, a number word
zero..ten, another command word (repeat, help, ...), or ``oov`` for speech that must be rejected. The
real-voices corpus's ``other-*`` and ``sentence`` labels count as oov, as does any word that means
nothing to the coach (go, start, down); its ``noise`` files are not utterances (use one with --noise).

Contexts (how the dialogue listens): ``yes_no`` (yes/no + commands; answers: yes, no), ``pain`` (a number
0-10 + commands; answers: the numbers), ``exercise`` (commands alone while counting; answers: commands).
In each context, a clip whose label means nothing there is a non-answer (oov): "five" in a yes/no
question, a sentence anywhere. Conditions: clean, and with --noise mixed at 10 and 5 dB SNR.

    .venv/bin/python scripts/bench_recogniser.py --corpus ../shared/corpus/real-voices \\
        --noise ../shared/corpus/real-voices/noise__sc_bg-running-tap_1.wav --out bench-results/recogniser-real.json

Prints a table and writes JSON: a list of records with the keys engine, context, condition, n, right,
right_sure, wrong, wrong_sure, rejected, oov, oov_accepted, oov_accepted_sure, median_ms, p90_ms
(counts, not percentages); the default engine's records carry "default": true. "sure" means accepted
with confidence >= the dialogue's confirm_below (below it a safety answer or pain score is confirmed
aloud). --split tune|held-out keeps one half of the speakers (see calibration_split.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.calibration_split import in_split, speakers_of
from tests.speech import with_noise
from voicecoach.dialogue.conversation import AskingPolicy
from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import CommandWord
from voicecoach.ports import Expect, Utterance, Vocabulary
from voicecoach.settings import DEFAULT_RECOGNISER
from voicecoach.voice.moonshine_scoring import label as meaning_label
from voicecoach.voice.pcm import Clip, read_wav

SURE = AskingPolicy().confirm_below
CONTEXTS = {
    "yes_no": (Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS), Vocabulary.YES_NO),
    "pain": (Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS), Vocabulary.NUMBER),
    "exercise": (Expect.of(Vocabulary.COMMANDS, background=True), Vocabulary.COMMANDS),
}
DEFAULT_ENGINE = DEFAULT_RECOGNISER
KEYS = ("engine", "context", "condition", "n", "right", "right_sure", "wrong", "wrong_sure", "rejected", "oov",
        "oov_accepted", "oov_accepted_sure", "median_ms", "p90_ms")


@dataclass(frozen=True)
class Item:
    """One clip of the corpus and its label."""

    path: Path
    label: str
    speaker: str


def label_of(path: Path) -> str | None:
    """The label from the file name; None for a noise recording (not an utterance)."""
    raw = path.name.split("__", 1)[0].lower()
    if raw == "noise":
        return None
    if raw.startswith("other-") or raw in {"sentence", "oov"}:
        return "oov"
    return raw if any(understand(raw, e) is not None for e, _ in CONTEXTS.values()) else "oov"


def want_in(label: str, context: str) -> tuple[str, str | None]:
    """("answer", meaning) when the clip answers in this context, ("oov", None) when it means nothing
    here, ("skip", None) when it means something but is not this context's answer (a command to a question)."""
    expect, vocabulary = CONTEXTS[context]
    meaning = None if label == "oov" else understand(label, expect)
    if meaning is None:
        return "oov", None
    if isinstance(meaning, CommandWord) != (vocabulary is Vocabulary.COMMANDS):
        return "skip", None
    return "answer", meaning_label(meaning)


@dataclass
class Tally:
    """The counts of one engine x context x condition."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS[3:12], 0))
    ms: list[float] = field(default_factory=list)
    swaps_sure: int = 0
    swaps_unsure: int = 0
    stop_n: int = 0
    stop_caught: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, kind: str, want: str | None, got: Utterance, context: str, clip_label: str) -> None:
        """Count one decision."""
        expect = CONTEXTS[context][0]
        meaning = None if got.rejected else meaning_label(understand(got.text, expect))
        sure = meaning is not None and (got.confidence or 0.0) >= SURE
        c = self.counts
        if kind == "oov":
            c["oov"] += 1
            c["oov_accepted"] += meaning is not None
            c["oov_accepted_sure"] += sure
            if meaning is not None:
                self.examples.append(f"{clip_label}->{got.text}{'!' if sure else '?'}")
            return
        c["n"] += 1
        if meaning is None:
            c["rejected"] += 1
        elif meaning == want:
            c["right"] += 1
            c["right_sure"] += sure
        else:
            c["wrong"] += 1
            c["wrong_sure"] += sure
            self.examples.append(f"{clip_label}->{got.text}{'!' if sure else '?'}")
            if {meaning, want} == {"yes", "no"}:
                self.swaps_sure += sure
                self.swaps_unsure += not sure
        if clip_label == "stop":
            self.stop_n += 1
            self.stop_caught += meaning == "stop"


Engine = Callable[[Clip], dict[str, tuple[Utterance, float | None]]]
"""A clip -> per context: the utterance, and the milliseconds of that context's decode (None: not timed)."""


def moonshine_engine(timing_every: int, keep: list[dict[str, Any]] | None = None) -> Engine:
    """Moonshine: every ``timing_every``-th clip is decoded once per context, as voice mode does (and timed);
    the others are heard once, scoring every context together, which is faster but not always the same
    decision: on the held-out clips of 2026-12-02 one "two" that voice mode rejects was right that way.
    The default (1) decodes every clip as voice mode does. ``keep`` collects each context's hearing
    (scripts/rejudge_recogniser.py decides again from them)."""
    from voicecoach.voice.moonshine import MoonshineRecogniser  # noqa: PLC0415

    rec = MoonshineRecogniser()
    expects = [e for e, _ in CONTEXTS.values()]
    counter = [0]

    def run(clip: Clip) -> dict[str, tuple[Utterance, float | None]]:
        counter[0] += 1
        timed = timing_every > 0 and counter[0] % timing_every == 0
        clip16 = clip.resampled(16000)
        out: dict[str, tuple[Utterance, float | None]] = {}
        hearing = None
        for name, (expect, _) in CONTEXTS.items():
            if timed:
                result = rec.recognise_detailed(clip16, expect)
                out[name] = (result.utterance, result.milliseconds)
                _keep(keep, name, result.hearing, result.verdict.reason, result.milliseconds, again=result.again)
                continue
            from voicecoach.voice.moonshine_guards import audio_problem  # noqa: PLC0415

            if (problem := audio_problem(clip16, rec.limits)) is not None:
                out[name] = (Utterance("", 0.0, rejected=True), None)
                _keep(keep, name, None, problem, None)
                continue
            hearing = hearing or rec.hear(clip16, *expects)
            verdict, again = rec.judge_again(clip16, expect, rec.judge(hearing, expect))
            out[name] = (Utterance(verdict.text, verdict.confidence, verdict.rejected), None)
            _keep(keep, name, hearing, None, None, again=again)
        return out

    return run


def _keep(keep: list[dict[str, Any]] | None, context: str, hearing: Any, problem: str | None,
          ms: float | None, *, again: Any = None) -> None:
    """Add one context's hearing (None: a guard stopped the clip, ``problem`` says why) to ``keep``, with the
    second hearing of a pain score not understood (``again``, under "again") when there was one."""
    if keep is None:
        return
    row: dict[str, Any] = {"context": context, "ms": ms, "audio": problem if hearing is None else None}
    if hearing is not None:
        row |= _hearing_row(hearing)
    if again is not None:
        row["again"] = _hearing_row(again)
    keep.append(row)


def _hearing_row(hearing: Any) -> dict[str, Any]:
    t = hearing.transcript
    return {"text": t.text, "lp": t.logprob, "ended": t.ended, "trusted": hearing.problem is None,
            "scores": hearing.scores}


def pocketsphinx_engine() -> Engine:
    """pocketsphinx with its grammars, one decode per context (the fallback engine)."""
    from voicecoach.voice.recognition import Recogniser  # noqa: PLC0415

    rec = Recogniser()

    def run(clip: Clip) -> dict[str, tuple[Utterance, float | None]]:
        out: dict[str, tuple[Utterance, float | None]] = {}
        for name, (expect, _) in CONTEXTS.items():
            result = rec.recognise_detailed(clip, expect)
            out[name] = (result.utterance, result.milliseconds)
        return out

    return run


def conditions(noise: Path | None) -> dict[str, Callable[[Clip, int], Clip]]:
    """clean, and 10 dB / 5 dB of the real noise recording."""
    out: dict[str, Callable[[Clip, int], Clip]] = {"clean": lambda c, _: c}
    if noise is not None:
        samples = read_wav(noise).resampled(16000).samples
        for db in (10, 5):
            out[f"{db}dB"] = lambda c, i, db=db: with_noise(c.resampled(16000), samples, db, seed=i)
    return out


def bench(items: list[Item], engines: dict[str, Engine], conds: dict[str, Callable[[Clip, int], Clip]],
          keep: list[dict[str, Any]] | None = None) -> dict[tuple[str, str, str], Tally]:
    """Every clip through every engine under every condition (``keep``: the hearings, labelled)."""
    tallies: dict[tuple[str, str, str], Tally] = {}
    for condition, mix in conds.items():
        for i, item in enumerate(items):
            clip = mix(read_wav(item.path), i)
            for engine, run in engines.items():
                kept = len(keep) if keep is not None else 0
                heard = run(clip)
                for row in keep[kept:] if keep is not None else []:
                    row |= {"file": item.path.name, "label": item.label, "condition": condition}
                for context, (utterance, ms) in heard.items():
                    kind, want = want_in(item.label, context)
                    if kind == "skip":
                        continue
                    tally = tallies.setdefault((engine, context, condition), Tally())
                    tally.add(kind, want, utterance, context, item.label)
                    if ms is not None:
                        tally.ms.append(ms)
            if i % 50 == 49:
                print(f"  {condition}: {i + 1}/{len(items)}", file=sys.stderr)
    return tallies


def records(tallies: dict[tuple[str, str, str], Tally]) -> list[dict[str, Any]]:
    """The JSON records (counts, not percentages)."""
    out = []
    for (engine, context, condition), t in tallies.items():
        ms = sorted(t.ms)
        record: dict[str, Any] = {"engine": engine, "context": context, "condition": condition, **t.counts,
                                  "median_ms": round(statistics.median(ms), 1) if ms else None,
                                  "p90_ms": round(float(np.percentile(ms, 90)), 1) if ms else None}
        if engine == DEFAULT_ENGINE:
            record["default"] = True
        out.append(record)
    return out


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    - "


def print_table(tallies: dict[tuple[str, str, str], Tally]) -> None:
    """One line per engine x context x condition."""
    print(f"\n{'engine':12} {'context':8} {'cond':5} {'n':>4} {'right':>6} {'sure':>6} {'wrong':>6} {'w.sure':>6}"
          f" {'reject':>6} | {'oov':>4} {'acc':>6} {'sure':>6} | {'swaps':>7} {'stop':>7} | {'med':>5} {'p90':>5} ms")
    for (engine, context, condition), t in sorted(tallies.items()):
        c = t.counts
        n, o = c["n"], c["oov"]
        ms = sorted(t.ms)
        med = f"{statistics.median(ms):5.0f}" if ms else "    -"
        p90 = f"{np.percentile(ms, 90):5.0f}" if ms else "    -"
        stop = f"{t.stop_caught}/{t.stop_n}" if t.stop_n else "-"
        print(f"{engine:12} {context:8} {condition:5} {n:4d} {_pct(c['right'], n)} {_pct(c['right_sure'], n)} "
              f"{_pct(c['wrong'], n)} {_pct(c['wrong_sure'], n)} {_pct(c['rejected'], n)} | {o:4d} "
              f"{_pct(c['oov_accepted'], o)} {_pct(c['oov_accepted_sure'], o)} | "
              f"{t.swaps_sure:3d}/{t.swaps_unsure:<3d} {stop:>7} | {med} {p90}")
    print(f"\nsure = confidence >= {SURE}; swaps = yes<->no accepted sure/unsure (unsure ones are confirmed aloud)")
    for (engine, context, condition), t in sorted(tallies.items()):
        if t.examples:
            print(f"  {engine} {context} {condition}: {', '.join(t.examples[:12])}")


def main() -> None:
    """Run the corpus through the engines, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of LABEL__anything.wav files")
    parser.add_argument("--noise", type=Path, default=None, help="a real noise recording to mix at 10 and 5 dB")
    parser.add_argument("--out", type=Path, default=Path("bench-results/recogniser-real.json"))
    parser.add_argument("--engines", default="moonshine,pocketsphinx", help="comma-separated: moonshine,pocketsphinx")
    parser.add_argument("--split", choices=("all", "tune", "held-out"), default="all",
                        help="all clips, or one half of the speakers (manifest.tsv's speaker column)")
    parser.add_argument("--conditions", default="clean,10dB,5dB",
                        help="which of clean,10dB,5dB to run (the noisy ones need --noise)")
    parser.add_argument("--timing-every", type=int, default=1, metavar="K",
                        help="decode every K-th clip once per context, as voice mode does, and time it; the others "
                             "are heard once for all contexts (faster, not always the same decision)")
    parser.add_argument("--hearings-out", type=Path, default=None,
                        help="also write Moonshine's hearings (JSON lines) to decide again with other thresholds "
                             "(up to the shipped ones plus a nat: phrases further behind are not scored)")
    args = parser.parse_args()
    speakers = speakers_of(args.corpus)
    items = [Item(p, lab, speakers.get(p.name, p.name)) for p in sorted(args.corpus.glob("*.wav"))
             if (lab := label_of(p)) is not None]
    items = [i for i in items if args.split == "all" or in_split(i.speaker, args.split)]
    keep: list[dict[str, Any]] | None = [] if args.hearings_out else None
    makers = {"moonshine": lambda: moonshine_engine(args.timing_every, keep), "pocketsphinx": pocketsphinx_engine}
    engines = {name: makers[name]() for name in args.engines.split(",")}
    print(f"{len(items)} clips ({args.split}), engines {', '.join(engines)}", file=sys.stderr)
    started = time.perf_counter()
    wanted = args.conditions.split(",")
    tallies = bench(items, engines, {k: v for k, v in conditions(args.noise).items() if k in wanted}, keep)
    print_table(tallies)
    elapsed = time.perf_counter() - started
    print(f"\n{len(items)} clips, {args.split} speakers, {elapsed / 60:.1f} min")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(records(tallies), indent=1))
    print(f"wrote {args.out}")
    if args.hearings_out and keep is not None:
        args.hearings_out.write_text("".join(json.dumps(row) + "\n" for row in keep))
        print(f"wrote {args.hearings_out} (decide again with scripts/rejudge_recogniser.py)")


if __name__ == "__main__":
    main()
