#!/usr/bin/env python3
"""Launch to the first exercise by voice: a first session against a quick return (issue 14 part 0).

The real ``voicecoach session`` process in voice mode on a private PulseAudio room (tests/pulse.py), with
a simulated person (tests/simulated_user.py) who answers by voice: real people's recordings
(../shared/corpus/real-voices) where the word is there ("yes", "no", "three"), else espeak-ng ("ready",
"skip"). Nothing is typed. Session 1 is a first session (every question: the full triage); session 2
follows on the same data folder (the quick return: R0, the pain score, the plan). Each is measured from
launching the process to the ``exercise_started`` event, read from the transcript as it is written
(the event is emitted as the first exercise's instructions begin), then ended with SIGTERM (kept in the
history as interrupted, its full triage intact).

    .venv/bin/python scripts/bench_return_voice.py [--out bench-results/return-voice.json]

Prints a table and writes JSON. What it measures is the person's wait, through the real process (speech
played on the speaker in real time, answers recognised from the room); the simulated person answers
0.4 s after the coach starts listening, quicker than most people.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pulse import warm_room  # noqa: E402
from tests.real_voices import RealVoices, corpus_dir  # noqa: E402
from tests.simulated_user import SimulatedUser  # noqa: E402

FIRST = {"O1": "yes", "P1": "no", "K0": "ready", "K1": "no", "K2": "yes", "K3": "yes", "PAIN_BEFORE": "three"}
"""A first session: every red flag and symptom question no, the knee test points to the right SI joint."""
RETURN = {"O1": "yes", "R0": "no", "PAIN_BEFORE": "three"}
"""A quick return: ready, nothing new since last time, pain three."""
LIMIT_SECONDS = 900.0


def one_session(server: str, data_dir: Path, work: Path, answers: dict[str, str], bank: RealVoices | None
                ) -> dict[str, object]:
    """Run one session by voice until its first exercise starts; its figures."""
    work.mkdir(parents=True, exist_ok=True)
    transcript = work / "transcript.jsonl"
    person = SimulatedUser(transcript, answers, work, server=server, bank=bank).start()
    env = {**os.environ, "PULSE_SERVER": server, "VOICECOACH_DATA_DIR": str(data_dir)}
    command = Path(sys.executable).parent / "voicecoach"
    launched = time.monotonic()
    proc = subprocess.Popen([str(command), "session", "--no-display", "--transcript", str(transcript)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            text=True)
    first_exercise = None
    try:
        while proc.poll() is None and time.monotonic() - launched < LIMIT_SECONDS:
            if transcript.exists() and '"exercise_started"' in transcript.read_text():
                first_exercise = time.monotonic() - launched
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
        person.stop()
    events = [json.loads(line) for line in transcript.read_text().splitlines()] if transcript.exists() else []
    asked = [e["id"] for e in events if e["type"] == "asked"]
    heard = [e for e in events if e["type"] == "heard"]
    return {
        "launch_to_first_exercise_s": None if first_exercise is None else round(first_exercise, 2),
        "questions_asked": len(asked),
        "asked_again": len(asked) - len(set(asked)),
        "red_flags_asked": sorted({q for q in asked if q.startswith("R") and q[1:2].isdigit()}),
        "heard": len(heard),
        "not_understood": sum(1 for e in heard if not e.get("accepted", True)),
        "outcome": next((e.get("outcome") for e in events if e["type"] == "outcome"), None),
        "stderr_tail": stderr[-500:] if first_exercise is None else "",
    }


def main() -> int:
    """Run both sessions; print a table; write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "return-voice.json")
    args = parser.parse_args()
    folder = corpus_dir()
    bank = RealVoices(folder, seed=3) if folder is not None else None
    with tempfile.TemporaryDirectory(prefix="voicecoach-return-") as tmp:
        root = Path(tmp)
        with warm_room(root / "pulse") as pulse:
            data_dir = root / "data"
            first = one_session(pulse.server, data_dir, root / "first", FIRST, bank)
            back = one_session(pulse.server, data_dir, root / "return", RETURN, bank)
    rows = [("first session (full triage)", first, "-"), ("quick return, same day", back, "<= 60 s")]
    print(f"{'session':30} {'launch -> 1st exercise':>23} {'questions':>10} {'re-asked':>9} {'goal':>9}")
    for name, r, goal in rows:
        seconds = r["launch_to_first_exercise_s"]
        shown = "not reached" if seconds is None else f"{seconds:.1f} s"
        print(f"{name:30} {shown:>23} {r['questions_asked']:>10} {r['asked_again']:>9} {goal:>9}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                    "real_voices": bank is not None, "first": first, "quick_return": back},
                                   indent=2))
    print(f"wrote {args.out}")
    return 0 if first["launch_to_first_exercise_s"] and back["launch_to_first_exercise_s"] else 1


if __name__ == "__main__":
    sys.exit(main())
