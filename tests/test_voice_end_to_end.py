"""Hands-free, end to end: the real `voicecoach` process in voice mode on a private PulseAudio server.

The coach plays into the null sink "speaker"; a loopback carries that into "room" (the coach hears
its own echo, as from a laptop's speakers); the simulated person speaks espeak-ng audio into "room"
when the coach listens; the microphone is room's monitor. Nothing is typed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.pulse import Pulse
from tests.simulated_user import SimulatedUser

SCRIPT = Path(sys.executable).parent / "voicecoach"
NO_RED_FLAGS = {f"R{n}": "no" for n in range(1, 9)}


def run_by_voice(pulse: Pulse, tmp_path: Path, args: list[str], answers: dict[str, str], *,
                 commands: dict | None = None, timeout: float = 600):
    """Run the coach by voice with a simulated person; returns the process, the events, the person."""
    transcript = tmp_path / "transcript.jsonl"
    user = SimulatedUser(transcript, answers, tmp_path, commands=commands or {}).start()
    env = {**os.environ, "PULSE_SERVER": pulse.server, "VOICECOACH_DATA_DIR": str(tmp_path / "data")}
    try:
        proc = subprocess.run(
            [str(SCRIPT), *args, "--transcript", str(transcript), "--no-display", "--json"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, env=env, check=False,
        )
    finally:
        user.stop()
    events = [json.loads(line) for line in transcript.read_text().splitlines()]
    return proc, events, user


def test_a_whole_session_by_voice_alone(pulse: Pulse, tmp_path):
    """Triage by voice to the pregnancy plan (one exercise: knee to chest, both sides), counted aloud."""
    answers = {"O1": "yes", **NO_RED_FLAGS, "P1": "yes", "P2": "yes", "K0": "skip",
               "PAIN_BEFORE": "three", "PAIN_AFTER": "two"}
    proc, events, user = run_by_voice(pulse, tmp_path, ["session"], answers)
    assert "Traceback" not in proc.stderr
    summary = json.loads(proc.stdout)
    assert proc.returncode == 0, (proc.stderr[-2000:], summary)
    assert summary["outcome"] == "PREGNANCY"
    assert all(summary["answers"][q] == "no" for q in NO_RED_FLAGS)
    counts = [e for e in events if e["type"] == "count"]
    assert [c["n"] for c in counts] == list(range(1, 11)) * 6  # 3 holds of 10 s on each side
    heard = [e for e in events if e["type"] == "heard"]
    assert heard and all(e["confidence"] is not None for e in heard)  # everything came from the recogniser
    assert any(e["type"] == "session_end" and e["how"] == "finished" for e in events)


def test_stop_said_during_a_hold_stops_the_counting(pulse: Pulse, tmp_path):
    answers = {"PAIN_BEFORE": "three", "WORSE": "no", "CARRY_ON": "no", "PAIN_AFTER": "three"}
    proc, events, user = run_by_voice(
        pulse, tmp_path, ["exercise", "bridge", "--reps", "1", "--hold", "10"], answers,
        commands={("E2", 1, 4): "stop"},
    )
    assert "Traceback" not in proc.stderr
    counts = [e["n"] for e in events if e["type"] == "count"]
    command = [e for e in events if e["type"] == "command"]
    assert command and command[0]["name"] == "stop", [e for e in events if e["type"] in ("heard", "command")]
    assert max(counts) < 10
    spoken_at = next(t for t, label, words in user.spoken if words == "stop")
    assert spoken_at  # the time the stop began to play; the coach's reaction is measured in the bench
