"""The Sink port: where the player's samples go, on the sink's own clock (seconds).

Two adapters: the sound device (voice/device_sink.py, PyAudio) and an in-memory timeline
(voice/render_sink.py, for tests and benchmarks).
"""

from __future__ import annotations

from typing import Protocol

from voicecoach.voice.pcm import Samples

RATE = 22050
"""The player's sample rate: espeak-ng's own, so speech is never resampled."""


class Sink(Protocol):
    """Where samples go, on its own clock (seconds)."""

    rate: int

    def now(self) -> float:
        """The sink's clock."""

    def earliest(self) -> float:
        """The earliest time a sample handed over now can be heard."""

    def schedule(self, samples: Samples, start: float) -> float:
        """Play ``samples`` from ``start`` (or as soon after as possible); returns the real start."""

    def sleep_until(self, t: float) -> None:
        """Wait until the sink's clock reaches ``t``; raises OutputDeviceError if the device failed."""

    def cut(self) -> float:
        """Drop every sample not yet handed to the device; returns the time silence is heard."""

    def close(self) -> None:
        """Stop and release the device."""
