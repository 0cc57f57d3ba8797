#!/usr/bin/env python3
"""Measure the pocketsphinx recogniser on espeak-ng voices: accuracy, rejection, yes/no swaps, echo, speed.

Synthetic voices only: figures for real people come from scripts/bench_recogniser.py --corpus.

For every vocabulary x condition: answers said by every voice and decoded with the expectation the
dialogue uses (tests/recognition_corpus.py). Out-of-grammar phrases and non-speech sounds are decoded
against every expectation; the coach's own cues (straight and echoed) against the background one.

    .venv/bin/python scripts/bench_recogniser_espeak.py                    # the full grid (~10 min on one core)
    .venv/bin/python scripts/bench_recogniser_espeak.py --quick            # 4 voices, 4 conditions
    .venv/bin/python scripts/bench_recogniser_espeak.py --set noise_floor_rms=0 --out bench-results/nofloor.json

Prints a table per measure and writes JSON (default: bench-results/recogniser.json) with every decode.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.recognition_corpus import (
    COACH_CUES,
    CONDITIONS,
    EXPECT_FOR,
    OOG_PHRASES,
    answers,
    coach_echo,
    noises,
    speech,
)
from tests.speech import VOICES
from voicecoach.dialogue.conversation import AskingPolicy
from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import Answer, CommandWord
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.pcm import Clip
from voicecoach.voice.recognition import Recogniser, Tuning

CONFIRM_BELOW = AskingPolicy().confirm_below
OOG_CONDITIONS = ("clean", "digital-silence", "babble10", "white10", "reverb")


def decode(rec: Recogniser, clip: Clip, expect: Expect, **labels: Any) -> dict[str, Any]:
    """One decode as a JSON record."""
    result = rec.recognise_detailed(clip, expect)
    u = result.utterance
    meaning = None if u.rejected else understand(u.text, expect)
    return {
        **labels,
        "text": u.text,
        "confidence": u.confidence,
        "rejected": u.rejected,
        "meaning": _label(meaning),
        "hearings": [h.text for h in result.hearings],
        "evidence": dataclasses.asdict(result.evidence),
        "ms": round(result.milliseconds, 2),
    }


def _label(meaning: object) -> str | None:
    if meaning is None:
        return None
    if isinstance(meaning, CommandWord):
        return f"cmd:{meaning.command.value}"
    if isinstance(meaning, Answer):
        return meaning.value
    return str(meaning)


def collect(rec: Recogniser, voices: Iterable[str], conditions: Iterable[str], oog_conditions: Iterable[str],
            noise_count: int) -> list[dict[str, Any]]:
    """Every decode of the grid."""
    voices, conditions, oog_conditions = list(voices), list(conditions), list(oog_conditions)
    records: list[dict[str, Any]] = []
    for vocabulary, expect in EXPECT_FOR.items():
        for condition in conditions:
            for voice in voices:
                for phrase in answers(vocabulary):
                    clip = speech(phrase, voice, condition)
                    want = _label(understand(phrase, expect))
                    records.append(decode(rec, clip, expect, kind="answer", vocabulary=vocabulary.value,
                                          condition=condition, voice=voice, said=phrase, want=want))
        print(f"  answers {vocabulary.value}: done", file=sys.stderr)
    for condition in oog_conditions:
        for voice in voices:
            for phrase in OOG_PHRASES:
                clip = speech(phrase, voice, condition)
                for vocabulary, expect in EXPECT_FOR.items():
                    records.append(decode(rec, clip, expect, kind="oog", vocabulary=vocabulary.value,
                                          condition=condition, voice=voice, said=phrase, want=None))
    print("  out-of-grammar: done", file=sys.stderr)
    for name, clip in noises(noise_count):
        for vocabulary, expect in EXPECT_FOR.items():
            records.append(decode(rec, clip, expect, kind="noise", vocabulary=vocabulary.value,
                                  condition=name, voice="-", said=name, want=None))
    background = EXPECT_FOR[Vocabulary.COMMANDS]
    for echo in (False, True):
        for cue in COACH_CUES:
            records.append(decode(rec, coach_echo(cue, echo), background, kind="echo", vocabulary="commands",
                                  condition="echoed" if echo else "straight", voice="coach", said=cue, want=None))
    return records


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def _confident(r: dict[str, Any]) -> bool:
    return not r["rejected"] and (r["confidence"] or 0.0) >= CONFIRM_BELOW


def answer_table(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per vocabulary x condition: correct / rejected / wrong, and yes<->no swaps with and without confirmation."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r["kind"] == "answer":
            groups[(r["vocabulary"], r["condition"])].append(r)
            groups[(r["vocabulary"], "ALL")].append(r)
    rows = []
    for (vocabulary, condition), rs in groups.items():
        accepted = [r for r in rs if r["meaning"] is not None]
        correct = [r for r in accepted if r["meaning"] == r["want"]]
        wrong = [r for r in accepted if r["meaning"] != r["want"]]
        swaps = [r for r in wrong if {r["meaning"], r["want"]} == {"yes", "no"}]
        rows.append({
            "vocabulary": vocabulary, "condition": condition, "n": len(rs),
            "correct": len(correct), "correct_confident": sum(_confident(r) for r in correct),
            "rejected": len(rs) - len(accepted), "wrong": len(wrong),
            "wrong_confident": sum(_confident(r) for r in wrong),
            "swaps_confirmed": sum(not _confident(r) for r in swaps),
            "swaps_unconfirmed": sum(_confident(r) for r in swaps),
        })
    return rows


def false_accept_table(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Per vocabulary x condition: how often something that is not an answer was taken for one."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r["kind"] == kind:
            groups[(r["vocabulary"], r["condition"])].append(r)
            groups[(r["vocabulary"], "ALL")].append(r)
            groups[("ALL", "ALL")].append(r)
    rows = []
    for (vocabulary, condition), rs in groups.items():
        accepted = [r for r in rs if r["meaning"] is not None]
        rows.append({"vocabulary": vocabulary, "condition": condition, "n": len(rs), "false_accepts": len(accepted),
                     "false_confident": sum(_confident(r) for r in accepted),
                     "examples": sorted({f"{r['said']}->{r['text']}" for r in accepted})[:6]})
    return rows


def print_tables(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Print the tables; return them for the JSON."""
    answers_rows = answer_table(records)
    print(f"\nIn-grammar answers (confident = confidence >= {CONFIRM_BELOW}, else confirmed aloud on safety questions)")
    print(f"{'vocabulary':10} {'condition':15} {'n':>5} {'correct':>7} {'conf.ok':>7} {'reject':>7} {'wrong':>7}"
          f" {'conf.wr':>7} {'swap(confirmed)':>15} {'swap(NOT conf.)':>15}")
    for row in sorted(answers_rows, key=lambda r: (r["vocabulary"], r["condition"] != "ALL", r["condition"])):
        n = row["n"]
        print(f"{row['vocabulary']:10} {row['condition']:15} {n:5d} {_pct(row['correct'], n)} "
              f"{_pct(row['correct_confident'], n)} {_pct(row['rejected'], n)} {_pct(row['wrong'], n)} "
              f"{_pct(row['wrong_confident'], n)} {row['swaps_confirmed']:15d} {row['swaps_unconfirmed']:15d}")
    tables: dict[str, Any] = {"answers": answers_rows}
    for kind, title in (("oog", "Out-of-grammar speech"), ("noise", "Non-speech sounds"),
                        ("echo", "Coach's own voice in the background (false commands)")):
        rows = false_accept_table(records, kind)
        tables[kind] = rows
        print(f"\n{title}: false accepts (confident)")
        for row in sorted(rows, key=lambda r: (r["vocabulary"] != "ALL", r["vocabulary"], r["condition"] != "ALL",
                                               r["condition"])):
            n = row["n"]
            print(f"{row['vocabulary']:10} {row['condition']:15} {n:5d} {_pct(row['false_accepts'], n)}"
                  f" ({_pct(row['false_confident'], n)})  {', '.join(row['examples'])}")
    ms = sorted(r["ms"] for r in records)
    timing = {"p50_ms": statistics.median(ms), "p95_ms": ms[int(0.95 * (len(ms) - 1))], "n": len(ms)}
    print(f"\nDecode time per utterance: p50 {timing['p50_ms']:.0f} ms, p95 {timing['p95_ms']:.0f} ms (n={len(ms)})")
    tables["timing"] = timing
    return tables


def main() -> None:
    """Run the grid, print the tables, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="4 voices, clean/digital-silence/babble10/reverb")
    parser.add_argument("--voices", type=int, default=len(VOICES), help="how many of the test voices")
    parser.add_argument("--conditions", default=",".join(CONDITIONS), help="comma-separated condition names")
    parser.add_argument("--noises", type=int, default=10, help="clips of each non-speech kind")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a Tuning field")
    parser.add_argument("--out", type=Path, default=Path("bench-results/recogniser.json"))
    args = parser.parse_args()
    overrides: dict[str, Any] = {}
    for item in args.set:
        name, value = item.split("=", 1)
        kind = type(getattr(Tuning(), name))
        overrides[name] = (value.lower() in ("1", "true", "yes")) if kind is bool else kind(value)
    tuning = Tuning(**overrides)
    voices = VOICES[: 4 if args.quick else args.voices]
    conditions = ["clean", "digital-silence", "babble10", "reverb"] if args.quick else args.conditions.split(",")
    oog_conditions = [c for c in OOG_CONDITIONS if c in conditions]
    rec = Recogniser(tuning=tuning)
    print(f"tuning: {tuning}\nvoices: {', '.join(voices)}", file=sys.stderr)
    records = collect(rec, voices, conditions, oog_conditions, 4 if args.quick else args.noises)
    tables = print_tables(records)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"tuning": dataclasses.asdict(tuning), "voices": list(voices),
                                    "confirm_below": CONFIRM_BELOW, "tables": tables, "records": records}, indent=1))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
