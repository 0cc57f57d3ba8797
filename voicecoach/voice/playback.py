"""Scheduled playback: each clip starts at an absolute time, clips never overlap, and a log says
when the coach's own voice was in the air.

A :class:`Player` decides *when* (queueing a clip after the one before it); a Sink (voice/sink.py)
puts the samples out at that time: the sound device (voice/device_sink.py) or an in-memory timeline
(voice/render_sink.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from voicecoach.voice.pcm import Clip
from voicecoach.voice.playback_log import PlaybackLog
from voicecoach.voice.sink import Sink

GAP = 0.0
"""Seconds of silence between two queued clips (their own lead-in and tail already separate them)."""


@dataclass(frozen=True)
class Playback:
    """A clip handed to the player: when it starts and ends, and how late it was against its deadline."""

    start: float
    end: float
    late: float
    """Seconds after the requested time (0 when on time or when no time was requested)."""
    sink: Sink

    def wait(self) -> None:
        """Return once the clip has been played out."""
        self.sink.sleep_until(self.end)


class Player:
    """Plays clips on a sink at absolute times, one after another, never two at once."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.log = PlaybackLog()
        self._busy_until = float("-inf")
        self._lock = threading.Lock()

    @property
    def latency(self) -> float:
        """Seconds from handing a clip over to its first sample being heard (at best)."""
        return max(0.0, self.sink.earliest() - self.sink.now())

    def play(self, clip: Clip, at: float | None = None) -> Playback:
        """Queue ``clip`` to start at sink time ``at`` (None: as soon as possible) and return at once.

        A clip never starts before the previous one has ended: it waits for it.
        """
        if clip.rate != self.sink.rate:
            clip = clip.resampled(self.sink.rate)
        with self._lock:
            earliest = self.sink.earliest()
            wanted = earliest if at is None else at
            start = max(wanted, earliest, self._busy_until + GAP)
            start = self.sink.schedule(clip.samples, start)
            end = start + clip.seconds
            self._busy_until = end
            self.log.add(start, end, clip)
        return Playback(start, end, max(0.0, start - wanted) if at is not None else 0.0, self.sink)

    def replace_sink(self, sink: Sink) -> Sink:
        """Play on ``sink`` from now on (the device reopened after a loss); returns the old sink, to be
        closed. What was queued on the old one is not played again."""
        with self._lock:
            old, self.sink = self.sink, sink
            self._busy_until = float("-inf")
        return old

    def cut(self) -> float:
        """Silence at once: what plays is cut off and what is queued is dropped (a "stop" was heard).

        Returns the time silence is heard (the device's own buffer, a few tens of ms, still plays out);
        the next clip may start from then.
        """
        with self._lock:
            silent = self.sink.cut()
            self._busy_until = min(self._busy_until, silent)
            self.log.cut(silent)
        return silent

    def wait(self) -> None:
        """Return once everything queued has been played out."""
        with self._lock:
            end = self._busy_until
        if end > float("-inf"):
            self.sink.sleep_until(end)

    def close(self) -> None:
        """Release the sink."""
        self.sink.close()
