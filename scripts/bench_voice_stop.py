#!/usr/bin/env python3
"""Measure, end to end by voice, how soon the coach acts on "stop" said during a hold.

A private PulseAudio server stands in for the sound card (tests/pulse.py); the real `voicecoach`
process counts a bridge hold by voice; a simulated person (tests/simulated_user.py) answers the pain
question and says "stop" in the pause after a count. Latency is from the end of the spoken word (the
moment its last sample was handed to the room, plus the measured ~13 ms path to the microphone) to
the coach's `command` event; the coach's next words follow it at once.

    .venv/bin/python scripts/bench_voice_stop.py --trials 3    # prints a table, writes bench-results/voice_stop.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.pulse import warm_room
from tests.simulated_user import SimulatedUser

SCRIPT = Path(sys.executable).parent / "voicecoach"
ROOM_PATH_SECONDS = 0.013
"""paplay into the room sink to the microphone's read (docs/voice-lab FINDINGS Q5, median 13 ms)."""
VOICES = ("en+m3", "en-gb-x-rp", "en-us+f1", "en+m7", "en+f5")


def trial(voice: str, count: int, workdir: Path, server: str) -> dict[str, object]:
    """One session: returns when stop was said and when the coach acted on it."""
    transcript = workdir / "t.jsonl"
    answers = {"PAIN_BEFORE": "three", "WORSE": "no", "CARRY_ON": "no", "PAIN_AFTER": "three"}
    user = SimulatedUser(transcript, answers, workdir, voice=voice, commands={("E2", 1, count): "stop"}).start()
    env = {**os.environ, "PULSE_SERVER": server, "VOICECOACH_DATA_DIR": str(workdir / "data")}
    proc = subprocess.run(
        [str(SCRIPT), "exercise", "bridge", "--reps", "1", "--transcript", str(transcript), "--no-display",
         "--no-history"], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=300, check=False)
    user.stop()
    said = [(t, d) for (t, label, _), d in zip(user.spoken, user.durations, strict=True) if label.startswith("count")]
    commands = [e for _, e in user.seen if e["type"] == "command"]
    row: dict[str, object] = {"voice": voice, "count": count, "exit_code": proc.returncode,
                              "heard": bool(commands and commands[0]["name"] == "stop")}
    if said and row["heard"]:
        start, duration = said[0]
        word_end = start + duration + ROOM_PATH_SECONDS
        acted = commands[0]["t"] + user.session_to_monotonic()
        row["latency_s"] = round(acted - word_end, 3)
    return row


def main() -> int:
    """Run the trials, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench-results/voice_stop.json"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder, warm_room(Path(folder) / "pulse") as pulse:
        os.environ["PULSE_SERVER"] = pulse.server
        for i in range(args.trials):
            workdir = Path(folder) / f"trial{i}"
            workdir.mkdir()
            rows.append(trial(VOICES[i % len(VOICES)], 3 + i % 5, workdir, pulse.server))
            print(rows[-1], flush=True)
    latencies = [float(r["latency_s"]) for r in rows if "latency_s" in r]  # type: ignore[arg-type]
    print(f"{'voice':<12}{'after count':>12}{'heard':>7}{'latency s':>11}")
    for r in rows:
        latency = f"{r['latency_s']:.3f}" if "latency_s" in r else "-"
        print(f"{r['voice']:<12}{r['count']:>12}{'yes' if r['heard'] else 'NO':>7}{latency:>11}")
    if latencies:
        print(f"stop heard {len(latencies)}/{len(rows)}; latency median {statistics.median(latencies):.3f} s, "
              f"max {max(latencies):.3f} s; within 0.5 s: {sum(x <= 0.5 for x in latencies)}/{len(rows)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "voice_stop", "rows": rows}, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
