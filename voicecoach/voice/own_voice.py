"""Is the person speaking? Frame by frame, the microphone's judgement of what is the person's own voice
(above the room's noise and louder than the coach's echo, voice/echo.py), kept so that the coach can hold
back its next count while what the person says is still being decided (a "stop", or not).
"""

from __future__ import annotations

import threading
from collections import deque

SETTLE_SECONDS = 0.3
"""After the person's voice ends, how long the "stop" spotter may still take to report the word (real
people's stops in ../shared/corpus/real-voices: up to 0.19 s after the end of their speech)."""
MIN_SPEECH_SECONDS = 0.06
"""At least this much of the person's voice in a second makes speech (the spotter's own rule); a click
or a knock does not hold a count back."""


class OwnVoice:
    """The person's own voice on the microphone's clock, as the capture thread judged each frame."""

    def __init__(self, *, window_seconds: float = 1.0, min_speech_seconds: float = MIN_SPEECH_SECONDS) -> None:
        self.window_seconds = window_seconds
        self.min_speech_seconds = min_speech_seconds
        self._frames: deque[tuple[float, float]] = deque()
        """(start, seconds) of the person's own frames in the last window."""
        self._lock = threading.Lock()

    def push(self, start: float, seconds: float, own: bool) -> None:
        """One frame from ``start``: the person's own voice or not."""
        with self._lock:
            if own:
                self._frames.append((start, seconds))
            while self._frames and self._frames[0][0] < start - self.window_seconds:
                self._frames.popleft()

    def undecided(self, now: float, settle: float = SETTLE_SECONDS) -> bool:
        """True while the person speaks, or stopped less than ``settle`` seconds before ``now``: a word
        the spotter may still report."""
        with self._lock:
            if not self._frames:
                return False
            last_start, last_seconds = self._frames[-1]
            end = last_start + last_seconds
            if now - end >= settle:
                return False
            spoken = sum(s for start, s in self._frames if start >= end - self.window_seconds)
            return spoken >= self.min_speech_seconds - 1e-9
