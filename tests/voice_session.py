"""Running the real `voicecoach` process by voice on a private PulseAudio server while a test does
things to the sound system (unplugs a device, restarts the server) at chosen moments of the session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.pulse import Pulse
from tests.simulated_user import SimulatedUser

SCRIPT = Path(sys.executable).parent / "voicecoach"
FAST_SPEECH = ["--rate", "230"]
"""Fault tests speak faster (a real option, 80-450 words a minute) to keep CI short."""


def events_in(transcript: Path) -> list[dict[str, Any]]:
    """The events written so far (a last line still being written is left out)."""
    if not transcript.exists():
        return []
    events = []
    for line in transcript.read_text().splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            break
    return events


@dataclass
class VoiceSession:
    """One coach process by voice with a simulated person in the room; ``wait_for`` follows its transcript."""

    pulse: Pulse
    workdir: Path
    args: list[str]
    answers: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    commands: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.transcript = self.workdir / "transcript.jsonl"
        self.data = self.workdir / "data"
        self.environ = {**os.environ, "PULSE_SERVER": self.pulse.server, "VOICECOACH_DATA_DIR": str(self.data),
                        **self.env}
        self.user = SimulatedUser(self.transcript, self.answers, self.workdir, commands=self.commands,
                                  server=self.pulse.server)
        self.process: subprocess.Popen[str] | None = None
        self.stdout = self.stderr = ""

    def start(self) -> VoiceSession:
        """Start the person, then the coach."""
        self.user.start()
        self.process = subprocess.Popen(
            [str(SCRIPT), *self.args, "--transcript", str(self.transcript), "--no-display", "--json"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.environ,
        )
        return self

    def __enter__(self) -> VoiceSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Never leave a coach running into the next test (it would talk to that test's coach)."""
        if self.process is not None and self.process.returncode is None:
            if self.process.poll() is None:
                self.process.kill()
            self.finish(timeout=10)

    def events(self) -> list[dict[str, Any]]:
        """The transcript so far."""
        return events_in(self.transcript)

    def wait_for(self, found: Callable[[dict[str, Any]], bool], timeout: float = 120) -> dict[str, Any]:
        """The first event ``found`` accepts (waiting for it); AssertionError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hit = next((e for e in self.events() if found(e)), None)
            if hit is not None:
                return hit
            assert self.process is not None
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        assert self.process is not None
        if self.process.poll() is None:
            self.process.kill()
        _, err = self.finish(timeout=10)
        last = [e for e in self.events()][-15:]
        raise AssertionError(f"no such event; the last events: {last}; the coach said: {err[-3000:]}")

    def finish(self, timeout: float = 180) -> tuple[int, str]:
        """Wait for the coach to end; its exit code and stderr."""
        assert self.process is not None
        try:
            self.stdout, self.stderr = self.process.communicate(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.communicate()
            self.user.stop()
        return self.process.returncode, self.stderr

    def summary(self) -> dict[str, Any]:
        """The --json summary the coach printed."""
        return dict(json.loads(self.stdout))

    def history(self) -> list[dict[str, Any]]:
        """``voicecoach history --json`` for this session's data folder."""
        done = subprocess.run([str(SCRIPT), "history", "--json"], capture_output=True, text=True, env=self.environ,
                              check=True, timeout=60)
        return list(json.loads(done.stdout))


def count(n: int) -> Callable[[dict[str, Any]], bool]:
    """Matches the count ``n`` of a hold."""
    return lambda e: e["type"] == "count" and e["n"] == n


def device(state: str) -> Callable[[dict[str, Any]], bool]:
    """Matches a device event (lost, back, gone)."""
    return lambda e: e["type"] == "device" and e["state"] == state
