#!/usr/bin/env python3
"""Write the README's performance section from scripts/bench.py's JSON (with its date and machine).

    .venv/bin/python scripts/bench_readme.py                      # bench-results/bench.json -> README.md
    .venv/bin/python scripts/bench_readme.py --check              # exit 1 if the README is out of date

The section lies between the markers ``<!-- bench:start -->`` and ``<!-- bench:end -->``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def section(result: dict[str, Any]) -> str:
    """The generated Markdown (between the markers)."""
    lines = [
        START,
        f"Measured by `scripts/bench.py` on {result['date']} ({result['machine']}; load average "
        f"{result['load_average_before'][0]} before, {result['load_average_after'][0]} after). "
        f"Where: {result['where']}, the coach's echo in the room at {result['echo_db']} dB, the person's words "
        "real people's recordings (../shared/corpus/real-voices).",
    ]
    if result.get("note"):
        lines.append(f"Note: {result['note']}.")
    lines += ["", "| figure | measured | goal | met |", "|---|---|---|---|"]
    for row in result["table"]:
        met = "-" if row["met"] is None else ("yes" if row["met"] else "**no**")
        lines.append(f"| {row['figure']} | {row['measured']} | {row['goal']} | {met} |")
    recogniser = result.get("recogniser")
    if recogniser:
        lines += ["", f"Recognition: `{recogniser['command']}` (exit {recogniser['exit_code']}), "
                  f"figures in `{recogniser['json']}`."]
    lines.append(END)
    return "\n".join(lines)


def main() -> int:
    """Replace the section; with --check only compare."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results" / "bench.json")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = args.readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{args.readme} has no {START} ... {END} section", file=sys.stderr)
        return 2
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    updated = before + section(json.loads(args.json.read_text(encoding="utf-8"))) + after
    if args.check:
        return 0 if updated == text else 1
    args.readme.write_text(updated, encoding="utf-8")
    print(f"updated {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
