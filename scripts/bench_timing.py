#!/usr/bin/env python3
"""Measure how true the coach's timing is in real time.

Runs ``voicecoach exercise bridge --text`` in a subprocess and timestamps every line it prints, on
this process's monotonic clock, as it arrives. Reports, per hold, the wall time from "Hold." to the
release ("And lower.") and how late each count came against its schedule (the "Hold." line + n s).

    .venv/bin/python scripts/bench_timing.py                 # real time: 3 holds of 10 s (~55 s)
    .venv/bin/python scripts/bench_timing.py --time-scale 0.2 --holds 2

Prints a table and writes JSON (default: bench-results/timing.json).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HOLD = "Lift your pelvis off the floor... now. Hold."
RELEASE = "And lower."


def run(time_scale: float, holds: int, hold_seconds: int) -> list[tuple[float, str]]:
    """Run the coach; return (arrival time, line) for every line it printed."""
    script = Path(sys.executable).parent / "voicecoach"
    data = tempfile.mkdtemp(prefix="voicecoach-bench-")  # the history is written as in real use, not into yours
    proc = subprocess.Popen(
        [str(script), "exercise", "bridge", "--text", "--time-scale", str(time_scale), "--reps", str(holds),
         "--hold", str(hold_seconds), "--data-dir", data],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.monotonic(), line.rstrip("\n")))

    reader = threading.Thread(target=read)
    reader.start()
    proc.stdin.write("0\n0\n")  # pain before and after
    proc.stdin.close()
    proc.wait()
    reader.join()
    shutil.rmtree(data, ignore_errors=True)
    return lines


def measure(lines: list[tuple[float, str]], time_scale: float, hold_seconds: int) -> list[dict[str, float]]:
    """Per hold: the duration from the hold cue to the release, and the lateness of each count."""
    results = []
    start: float | None = None
    late: list[float] = []
    for at, text in lines:
        if text == HOLD:
            start, late = at, []
        elif start is not None and text.isdigit():
            late.append((at - (start + int(text) * time_scale)) * 1000)
        elif start is not None and text == RELEASE:
            results.append({
                "planned_seconds": hold_seconds * time_scale,
                "measured_seconds": round(at - start, 4),
                "error_ms": round((at - start - hold_seconds * time_scale) * 1000, 2),
                "counts": len(late),
                "count_late_mean_ms": round(statistics.mean(late), 2) if late else 0.0,
                "count_late_max_ms": round(max(late), 2) if late else 0.0,
            })
            start = None
    return results


def main() -> int:
    """Run the benchmark, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--holds", type=int, default=3)
    parser.add_argument("--hold-seconds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("bench-results/timing.json"))
    args = parser.parse_args()
    results = measure(run(args.time_scale, args.holds, args.hold_seconds), args.time_scale, args.hold_seconds)
    print(f"bridge, {args.holds} holds of {args.hold_seconds} s, time scale {args.time_scale}")
    print(f"{'hold':>4} {'planned s':>10} {'measured s':>11} {'error ms':>9} {'counts':>6} "
          f"{'late mean ms':>13} {'late max ms':>12}")
    for i, r in enumerate(results, 1):
        print(f"{i:>4} {r['planned_seconds']:>10.3f} {r['measured_seconds']:>11.4f} {r['error_ms']:>9.2f} "
              f"{r['counts']:>6} {r['count_late_mean_ms']:>13.2f} {r['count_late_max_ms']:>12.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "timing", "time_scale": args.time_scale, "holds": results},
                                   indent=2) + "\n")
    print(f"wrote {args.out}")
    within = all(abs(r["error_ms"]) <= 100 for r in results) and len(results) == args.holds
    print("every hold within 0.1 s of plan:", "yes" if within else "NO")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
