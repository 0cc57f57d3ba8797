"""The player's log: when each clip played and what it was, on the sink's clock.

The microphone's echo gate reads the spans, the echo judge (voice/echo.py) the levels, and the "stop"
spotter's second opinion the samples: the coach's echo is a delayed, quieter copy of what it played.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from voicecoach.voice.pcm import Clip, Samples


@dataclass
class PlaybackLog:
    """When each clip played and what it was, on the sink's clock: the microphone's echo gate and the
    "stop" spotter's second opinion read it (the coach's echo is a delayed copy of what it played)."""

    _intervals: list[tuple[float, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    keep: int = 200
    """Only the latest intervals are kept."""
    _sounds: list[tuple[float, Clip]] = field(default_factory=list)
    keep_sounds: int = 12
    """The samples of only the latest clips are kept (what played in the last seconds)."""

    def add(self, start: float, end: float, clip: Clip | None = None) -> None:
        """Record a clip playing from ``start`` to ``end`` (with its samples, for :meth:`played`)."""
        with self._lock:
            self._intervals.append((start, end))
            del self._intervals[: -self.keep]
            if clip is not None:
                self._sounds.append((start, clip))
                del self._sounds[: -self.keep_sounds]

    def level(self, start: float, end: float) -> float:
        """The loudest 10 ms of what the coach played between ``start`` and ``end`` (RMS, 16-bit; 0: nothing)."""
        with self._lock:
            sounds = list(self._sounds)
            ends = {s: e for s, e in self._intervals}
        loudest = 0.0
        for begun, clip in sounds:
            ended = ends.get(begun, begun + clip.seconds)
            if ended <= start or begun >= end:
                continue
            envelope = _envelope(clip)
            lo = max(0, int((start - begun) / ENVELOPE_SECONDS))
            hi = min(len(envelope), int((min(end, ended) - begun) / ENVELOPE_SECONDS) + 1)
            if hi > lo:
                loudest = max(loudest, float(envelope[lo:hi].max()))
        return loudest

    def played(self, start: float, seconds: float, rate: int) -> Samples:
        """What the coach played from ``start`` for ``seconds``, at ``rate`` (silence where nothing was)."""
        with self._lock:
            sounds = list(self._sounds)
            intervals = {s: e for s, e in self._intervals}
        out = np.zeros(max(0, round(seconds * rate)), dtype=np.float64)
        for begun, clip in sounds:
            ended = min(begun + clip.seconds, intervals.get(begun, begun + clip.seconds))
            if ended <= start or begun >= start + seconds:
                continue
            part = clip.resampled(rate).samples.astype(np.float64)
            part = part[: max(0, round((ended - begun) * rate))]
            offset = round((begun - start) * rate)
            lo, hi = max(0, offset), min(len(out), offset + len(part))
            if hi > lo:
                out[lo:hi] += part[lo - offset : hi - offset]
        return np.clip(out, -32768, 32767).astype(np.int16)

    def playing(self, at: float, tail: float = 0.0) -> bool:
        """True when a clip is playing at ``at``, or ended less than ``tail`` seconds before it."""
        with self._lock:
            return any(start <= at <= end + tail for start, end in reversed(self._intervals))

    def cut(self, at: float) -> None:
        """Nothing plays after ``at``: clips are shortened, clips that had not begun are forgotten."""
        with self._lock:
            self._intervals = [(start, min(end, at)) for start, end in self._intervals if start < at]
            self._sounds = [(start, clip) for start, clip in self._sounds if start < at]

    def intervals(self) -> list[tuple[float, float]]:
        """Every (start, end) kept, oldest first."""
        with self._lock:
            return list(self._intervals)


ENVELOPE_SECONDS = 0.01
_ENVELOPES: dict[int, tuple[Clip, np.ndarray[Any, np.dtype[np.float64]]]] = {}


def _envelope(clip: Clip) -> np.ndarray[Any, np.dtype[np.float64]]:
    """RMS of each 10 ms of a clip (cached: the same count clip plays many times)."""
    known = _ENVELOPES.get(id(clip))
    if known is not None and known[0] is clip:
        return known[1]
    n = max(1, round(ENVELOPE_SECONDS * clip.rate))
    x = clip.samples.astype(np.float64)
    x = np.concatenate([x, np.zeros(-len(x) % n)])
    envelope: np.ndarray[Any, np.dtype[np.float64]] = np.sqrt((x.reshape(-1, n) ** 2).mean(axis=1))
    if len(_ENVELOPES) > 500:
        _ENVELOPES.clear()
    _ENVELOPES[id(clip)] = (clip, envelope)
    return envelope
