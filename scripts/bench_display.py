#!/usr/bin/env python3
"""Measure what the live terminal view costs the process: CPU time per event, per frame drawn, and per tick
of its 4 Hz ticker, drawing on a terminal 80 x 25 (what an unsized pseudo-terminal gets).

The display runs on the event queue's thread, after the count's sound is scheduled, so it never delays a count
directly; but it shares the interpreter with the audio threads, so its CPU time is what it can take from them.
Replays the events of a scripted session (fakes: knee to chest both sides, bridge, back extension, with a pause,
a word not understood and a stop) into the display, as fast as it takes them, several times.

    .venv/bin/python scripts/bench_display.py [--repeat 5] [--out bench-results/display.json]

Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes import Reply, rig
from voicecoach.adapters.display import TerminalDisplay
from voicecoach.coach.catalogue import plan_item
from voicecoach.events import Count, Event
from voicecoach.session import Session


class Terminal(io.StringIO):
    """A terminal, as far as the display can tell; it counts the characters written."""

    def isatty(self) -> bool:
        return True


def session_events() -> list[Event]:
    """The events of one scripted session."""
    replies: list[Reply | str] = [
        "3", Reply("pause", at=20.0), Reply("resume", at=26.0), Reply("mumble", at=38.0, confidence=0.3, rejected=True),
        Reply("stop", at=70.0, confidence=0.9), "no", "yes", "2",
    ]
    r = rig(replies)
    Session(r.conversation).run("exercise", [plan_item("E1", "both"), plan_item("E2"), plan_item("E3")])
    return list(r.events)


def replay(events: list[Event]) -> dict[str, float]:
    """Feed the events to a fresh display; CPU microseconds per event, per count, per idle tick, and output."""
    now = [0.0]
    out = Terminal()
    display = TerminalDisplay(out, clock=lambda: now[0], width=80, env={"TERM": "xterm-256color", "LINES": "25"})
    per_event, per_count = [], []
    for event in events:
        now[0] = event.t
        start = time.thread_time()
        display(event)
        spent = (time.thread_time() - start) * 1e6
        per_event.append(spent)
        if isinstance(event, Count):
            per_count.append(spent)
    ticks = []
    display.enabled = True  # the session has ended and closed it; ticks of an open display that draw nothing
    for _ in range(2000):
        start = time.thread_time()
        display.tick(now[0])
        ticks.append((time.thread_time() - start) * 1e6)
    return {
        "events": len(events),
        "first_event_us": per_event[0],
        "event_mean_us": statistics.mean(per_event[1:]),
        "count_mean_us": statistics.mean(per_count),
        "count_max_us": max(per_count),
        "idle_tick_mean_us": statistics.mean(ticks),
        "characters_written": len(out.getvalue()),
    }


def main() -> None:
    """Replay, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench-results/display.json"))
    args = parser.parse_args()
    events = session_events()
    runs = [replay(events) for _ in range(args.repeat)]
    keys = [key for key in runs[0] if key != "events"]
    summary = {key: round(statistics.median(run[key] for run in runs), 1) for key in keys}
    summary["first_event_us_first_run"] = round(runs[0]["first_event_us"], 1)
    print(f"live view, {len(events)} events, {args.repeat} runs (medians; CPU time of the drawing thread)")
    print(f"{'figure':<34}{'value':>12}")
    for key, value in summary.items():
        print(f"{key:<34}{value:>12}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
        "events": len(events), "repeat": args.repeat, "summary": summary, "runs": runs,
    }, indent=2) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
