"""A private PulseAudio server for tests on real audio paths (no sound card needed).

Two null sinks: ``speaker`` (where the coach plays) and ``room`` (what the microphone hears; its
monitor is the default source), a loopback speaker.monitor -> room, as in docs/voice-lab
(FINDINGS.md Q5), and a faint room tone (a microphone is never digitally silent). Devices can be
unplugged and plugged back (:func:`unplug`, :func:`plug_back`) for the fault tests. The server
lives in a temporary folder, answers on its own socket, and is killed by its pid when the tests are done.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SPEAKER = "module-null-sink sink_name=speaker sink_properties=device.description=speaker rate=22050 channels=1"
ROOM = "module-null-sink sink_name=room sink_properties=device.description=room rate=16000 channels=1"
ECHO = "module-loopback source=speaker.monitor sink=room latency_msec=20 source_dont_move=true sink_dont_move=true"
ROOM_TONE = "module-sine sink=room frequency=50"
"""The room's own faint sound: a real microphone is never digitally silent (its noise is always there),
and the coach takes exact zeros for a lost microphone (voicecoach/voice/mic_health.py)."""
ROOM_TONE_VOLUME = "-56dB"
"""module-sine plays at -9 dBFS: this puts the tone at about -65 dBFS, below any room's noise."""
CONFIG = f"""\
load-module module-native-protocol-unix auth-anonymous=1 socket={{socket}}
load-module module-cli-protocol-unix socket={{cli}}
load-module {SPEAKER}
load-module {ROOM}
set-default-sink speaker
set-default-source room.monitor
load-module {ECHO}
load-module {ROOM_TONE}
"""
WARM_UP = 2.2
"""Seconds the loopback takes before room.monitor streams in real time (FINDINGS.md Q5: ~2.0 s)."""


@dataclass(frozen=True)
class Pulse:
    """A running private server."""

    server: str
    """The PULSE_SERVER value that reaches it."""
    folder: Path


def start_pulse(folder: Path) -> tuple[Pulse, subprocess.Popen[bytes]]:
    """Start the server in the foreground (as a child process) and wait until it answers."""
    socket = folder / "native"
    (folder / "home").mkdir(parents=True, exist_ok=True)
    (folder / "run").mkdir(exist_ok=True)
    config = folder / "test.pa"
    config.write_text(CONFIG.format(socket=socket, cli=folder / "cli"))
    env = {**os.environ, "HOME": str(folder / "home"), "PULSE_RUNTIME_PATH": str(folder / "run")}
    env.pop("PULSE_SERVER", None)
    process = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--system=false", "-n",
         "-F", str(config), "--disable-shm=yes", f"--log-target=file:{folder / 'pulse.log'}"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    pulse = Pulse(f"unix:{socket}", folder)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pulseaudio exited: {(folder / 'pulse.log').read_text(errors='replace')[-2000:]}")
        probe = subprocess.run(["pactl", "info"], env={**env, "PULSE_SERVER": pulse.server},
                               capture_output=True, check=False)
        if probe.returncode == 0:
            _quiet_room_tone(pulse)
            return pulse, process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("pulseaudio did not answer within 10 s")


def pactl(pulse: Pulse, *args: str) -> str:
    """Run pactl against ``pulse``; its output."""
    done = subprocess.run(["pactl", *args], env={**os.environ, "PULSE_SERVER": pulse.server},
                          capture_output=True, text=True, check=True, timeout=10)
    return done.stdout


def server_command(pulse: Pulse, command: str) -> str:
    """One command of the server's own command line (pacmd's language, e.g. ``kill-sink-input 3``)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as cli:
        cli.connect(str(pulse.folder / "cli"))
        cli.sendall(command.encode() + b"\n")
        cli.settimeout(0.5)
        reply = b""
        with contextlib.suppress(TimeoutError):
            while chunk := cli.recv(4096):  # the server's answer, then it waits for the next command
                reply += chunk
    return reply.decode(errors="replace")


def unplug(pulse: Pulse, sink: str) -> None:
    """Remove the null sink ``sink`` (and with it its monitor source, and every module feeding or fed by it),
    as when a USB device is pulled out."""
    modules = [line.split("\t") for line in pactl(pulse, "list", "short", "modules").splitlines()]
    for index, name, args, *_ in modules:  # the room's own tone goes with it (PulseAudio would move it)
        if name == "module-sine" and f"sink={sink} " in args + " ":
            pactl(pulse, "unload-module", index)
    for index, name, args, *_ in modules:
        if name == "module-null-sink" and f"sink_name={sink} " in args + " ":
            pactl(pulse, "unload-module", index)
            return
    raise LookupError(f"no null sink {sink!r} to unplug")


def plug_back(pulse: Pulse, *modules: str) -> None:
    """Load ``modules`` (SPEAKER, ROOM, ECHO, ROOM_TONE) again, as when the device is plugged back in."""
    for module in modules:
        pactl(pulse, "load-module", *module.split())
    if ROOM_TONE in modules:
        _quiet_room_tone(pulse)


def _quiet_room_tone(pulse: Pulse) -> None:
    for line in pactl(pulse, "list", "short", "sink-inputs").splitlines():
        if "module-sine" in line:
            pactl(pulse, "set-sink-input-volume", line.split("\t")[0], ROOM_TONE_VOLUME)


@contextlib.contextmanager
def warm_room(folder: Path) -> Iterator[Pulse]:
    """A private server in ``folder``, warmed up; stopped (SIGTERM, then kill) when the block ends."""
    server, process = start_pulse(folder)
    try:
        time.sleep(WARM_UP)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def pulse() -> Iterator[Pulse]:
    """A private PulseAudio, warmed up, with PULSE_SERVER set for this process while it runs."""
    if shutil.which("pulseaudio") is None or shutil.which("pactl") is None:
        pytest.skip("pulseaudio is not installed (scripts/install.sh test installs it): no virtual sound device")
    folder = Path(tempfile.mkdtemp(prefix="voicecoach-pulse-"))
    saved = os.environ.get("PULSE_SERVER")
    try:
        with warm_room(folder) as server:
            os.environ["PULSE_SERVER"] = server.server
            yield server
    finally:
        if saved is None:
            os.environ.pop("PULSE_SERVER", None)
        else:
            os.environ["PULSE_SERVER"] = saved
        shutil.rmtree(folder, ignore_errors=True)
