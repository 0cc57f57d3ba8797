"""An in-memory Sink: the audio a coached exercise would play, rendered on a (fake) clock."""

from __future__ import annotations

from typing import Any

import numpy as np

from voicecoach.voice.pcm import Clip, Samples
from voicecoach.voice.sink import RATE


class RenderSink:
    """An in-memory timeline on a given clock: a clip scheduled at time t lands at sample t * rate.

    With a fake clock, a whole coached exercise renders instantly to the audio it would play.
    """

    def __init__(self, clock: Any, rate: int = RATE, latency: float = 0.0) -> None:
        self.clock = clock
        self.rate = rate
        self.latency = latency
        self._buffer = np.zeros(0, dtype=np.int32)

    def now(self) -> float:
        """See Sink."""
        return float(self.clock.now())

    def earliest(self) -> float:
        """See Sink."""
        return self.now() + self.latency

    def schedule(self, samples: Samples, start: float) -> float:
        """See Sink."""
        first = round(start * self.rate)
        if first < 0:
            raise ValueError("a render timeline starts at time 0")
        end = first + len(samples)
        if end > len(self._buffer):
            self._buffer = np.concatenate([self._buffer, np.zeros(end - len(self._buffer), dtype=np.int32)])
        self._buffer[first:end] += samples
        return first / self.rate

    def sleep_until(self, t: float) -> None:
        """See Sink."""
        self.clock.sleep_until(t)

    def cut(self) -> float:
        """See Sink: the timeline is silent from the earliest time a sample handed over now is heard."""
        at = self.earliest()
        self._buffer[max(0, round(at * self.rate)):] = 0
        return at

    def close(self) -> None:
        """See Sink."""

    def rendered(self) -> Clip:
        """Everything played so far, as one clip from time 0."""
        return Clip(np.clip(self._buffer, -32768, 32767).astype(np.int16), self.rate)
