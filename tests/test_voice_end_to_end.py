"""Hands-free, end to end: the real `voicecoach` process in voice mode on a private PulseAudio server.

The coach plays into the null sink "speaker"; a loopback carries that into "room" (the coach hears
its own echo, as from a laptop's speakers); the simulated person speaks espeak-ng audio into "room"
when the coach listens; the microphone is room's monitor. Nothing is typed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pulse import WARM_UP, Pulse, start_pulse
from tests.simulated_user import SimulatedUser
from tests.triage_helpers import ASKED_RED_FLAGS

SCRIPT = Path(sys.executable).parent / "voicecoach"
NO_RED_FLAGS = {qid: "no" for qid in ASKED_RED_FLAGS}


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
    # Twelve red-flag questions (CLINICAL.md R1-R10 with R4b, R5b), each maybe confirmed aloud: on a loaded
    # 2-core machine the whole session by voice has taken up to ~10 minutes (a hang detector, not a speed check).
    proc, events, user = run_by_voice(pulse, tmp_path, ["session"], answers, timeout=900)
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


def test_losing_the_sound_server_mid_hold_saves_the_session_and_says_what_to_do(tmp_path):
    """The sound devices vanish (the sound server dies) during a hold: a clear message, exit 6, no
    traceback, and the session kept in the history, marked interrupted."""
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed (scripts/install.sh test installs it): no sound server to lose")
    server, process = start_pulse(tmp_path / "pulse")
    time.sleep(WARM_UP)
    transcript = tmp_path / "transcript.jsonl"
    data = tmp_path / "data"
    saved = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server.server  # the simulated person's paplay reaches this server
    user = SimulatedUser(transcript, {"PAIN_BEFORE": "three"}, tmp_path).start()
    env = {**os.environ, "VOICECOACH_DATA_DIR": str(data), "VOICECOACH_DEVICE_WAIT": "2"}
    coach = subprocess.Popen(
        [str(SCRIPT), "exercise", "bridge", "--reps", "1", "--transcript", str(transcript), "--no-display"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(
            json.loads(line)["type"] == "count" for line in _lines(transcript)
        ):
            time.sleep(0.1)
        process.kill()  # the sound server (and with it every device) is gone
        process.wait()
        out, err = coach.communicate(timeout=60)
    finally:
        user.stop()
        if coach.poll() is None:
            coach.kill()
        if saved is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = saved
    assert "Traceback" not in err, err[-3000:]
    assert coach.returncode == 6, (coach.returncode, err[-2000:])
    assert "stopped working" in err or "sound output failed" in err, err[-2000:]
    assert "Everything so far is kept" in err and "--text" in err
    events = [json.loads(line) for line in _lines(transcript)]
    assert events[-1]["type"] == "session_end" and events[-1]["how"] == "interrupted"
    history = subprocess.run([str(SCRIPT), "history", "--json"], capture_output=True, text=True, env=env, check=True)
    (session,) = json.loads(history.stdout)
    assert session["how"] == "interrupted"


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
