#!/usr/bin/env python3
"""Decide again, with the current thresholds, from the hearings a Moonshine benchmark kept.

    .venv/bin/python scripts/bench_recogniser.py --corpus ../shared/corpus/real-voices --split held-out \\
        --engines moonshine --hearings-out bench-results/heldout-hearings.jsonl ...
    .venv/bin/python scripts/rejudge_recogniser.py bench-results/heldout-hearings*.jsonl

A hearing (free transcript and phrase scores) does not depend on the decision thresholds
(voicecoach/data/moonshine_tuning.toml), so when only those change, the benchmark's figures follow from its
kept hearings without decoding the audio again. Prints the same table and writes the same JSON as
bench_recogniser.py; the times are those measured when the hearings were made. A pain score's second
hearing (voice/moonshine_again.py) is decided from the row's "again"; hearings kept before that existed
have none, so their figures are those without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench_recogniser import CONTEXTS, Tally, print_table, records, want_in
from voicecoach.ports import Utterance
from voicecoach.voice.moonshine_again import after_again
from voicecoach.voice.moonshine_scoring import Verdict, judge


def decided(row: dict[str, Any]) -> Utterance:
    """The utterance the current thresholds make of one kept hearing."""
    if row["audio"]:
        return Utterance("", 0.0, rejected=True)
    expect = CONTEXTS[row["context"]][0]
    v = _judged(row, expect)
    if "again" in row:
        v = after_again(v, _judged(row["again"], expect), expect)
    return Utterance(v.text, v.confidence, v.rejected)


def _judged(row: dict[str, Any], expect: Any) -> Verdict:
    return judge(row["text"], row["lp"], ended=row["ended"], trusted=row["trusted"], scores=row["scores"],
                 expect=expect)


def tallies_of(rows: list[dict[str, Any]], engine: str = "moonshine") -> dict[tuple[str, str, str], Tally]:
    """The benchmark's tallies from kept hearings."""
    out: dict[tuple[str, str, str], Tally] = {}
    for row in rows:
        kind, want = want_in(row["label"], row["context"])
        if kind == "skip":
            continue
        tally = out.setdefault((engine, row["context"], row["condition"]), Tally())
        tally.add(kind, want, decided(row), row["context"], row["label"])
        if row.get("ms") is not None:
            tally.ms.append(row["ms"])
    return out


def main() -> None:
    """Read the hearings, decide, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("hearings", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("bench-results/recogniser-rejudged.json"))
    args = parser.parse_args()
    rows = [json.loads(line) for path in args.hearings for line in path.read_text(encoding="utf-8").splitlines()]
    tallies = tallies_of(rows)
    print_table(tallies)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(records(tallies), indent=1))
    print(f"\n{len(rows)} hearings; wrote {args.out}")


if __name__ == "__main__":
    main()
