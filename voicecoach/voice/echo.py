"""Telling the person's voice from the coach's echo by level: the player knows what it played and how
loud, and the echo comes back a fixed fraction of that (the room's echo gain, learned as it plays).

A frame of the microphone is the person's, even over the coach's own words, when it is clearly louder
than the echo of what was played around then. Playback times and microphone stamps differ by the
device buffers and the room (tens of ms, more on a busy machine), so "around then" is a window, and
the loudest played 10 ms in it is what is compared. Measured through the real process in
scripts/bench.py ("stop" said over a count).
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

import numpy as np


class PlayedLevels(Protocol):
    """The player's log, as this needs it."""

    def level(self, start: float, end: float) -> float:
        """The loudest 10 ms played between ``start`` and ``end`` (RMS; 0 when nothing played)."""


class EchoJudge:
    """Says whether a microphone frame holds more than the coach's own echo."""

    def __init__(self, played: PlayedLevels, *, lag_seconds: float = 0.35, lead_seconds: float = 0.05,
                 margin_db: float = 6.0, start_gain: float = 1.0, min_level: float = 200.0,
                 keep: int = 300) -> None:
        self.played = played
        self.lag_seconds = lag_seconds
        """How long after it was played the echo may still be in a frame (device buffers, the room)."""
        self.lead_seconds = lead_seconds
        self.margin = 10 ** (margin_db / 20)
        """How much louder than the predicted echo a frame must be to be the person's."""
        self.start_gain = start_gain
        """The echo gain assumed before any was measured (1: the echo as loud as what was played)."""
        self.min_level = min_level
        self._ratios: deque[float] = deque(maxlen=keep)

    @property
    def gain(self) -> float:
        """The echo's level over the played level: the 90th percentile of what loud frames measured (the
        echo's peaks against the loudest played 10 ms near them), once enough were measured."""
        if len(self._ratios) < 20:
            return self.start_gain
        return float(np.percentile(self._ratios, 90))

    def louder_than_echo(self, start: float, seconds: float, level: float, *, loud: bool = True) -> bool:
        """True when the frame (from ``start``, RMS ``level``) is clearly louder than the coach's echo;
        ``loud``: the frame stands above the room's noise (only those teach the echo's gain)."""
        reference = self.played.level(start - self.lag_seconds, start + seconds + self.lead_seconds)
        if reference < self.min_level:
            return True
        louder = level > self.gain * reference * self.margin
        if loud and not louder:
            self._ratios.append(level / reference)
        return louder
