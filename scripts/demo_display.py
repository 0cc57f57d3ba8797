"""Show the live terminal view: replays a coached exercise (with a pause, a rejected word and a stop) on this
terminal, SPEED times faster than real time.

    .venv/bin/python scripts/demo_display.py [SPEED]      # default 4; Ctrl-C gives the terminal back
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes import Reply, rig
from voicecoach.adapters.display import TerminalDisplay
from voicecoach.coach.catalogue import plan_item
from voicecoach.session import Session


def main() -> None:
    """Record the events of a scripted session on fakes, then play them to the display in scaled real time."""
    speed = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0
    replies: list[Reply | str] = [
        "3", Reply("pause", at=20.0), Reply("resume", at=26.0), Reply("mumble", at=38.0, confidence=0.3, rejected=True),
        Reply("stop", at=70.0, confidence=0.9), "no", "yes", "2",
    ]
    r = rig(replies)
    Session(r.conversation).run("exercise", [plan_item("E2"), plan_item("E3")])
    start = time.monotonic()

    def session_time() -> float:
        return (time.monotonic() - start) * speed

    with TerminalDisplay(sys.stdout, clock=session_time) as display:
        display.start_ticker()
        try:
            for event in r.events:
                while (wait := (event.t - session_time()) / speed) > 0:
                    time.sleep(min(wait, 0.05))
                display(event)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
