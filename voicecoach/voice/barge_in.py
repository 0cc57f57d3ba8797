"""A "stop" the person says over the coach's own sentence, acted on at once.

While the coach counts or rests, the listener is listening and a spotted "stop" cuts the sound at once. A
sentence inside the exercise ("And relax.", "Rest for 20 seconds.") is said with nobody listening: the hit
used to wait in the capture's queue until the sentence, and any sentence after it, had been played out
(about 2 s at the speaker). Now the microphone's thread hands the hit here as it comes: when the listener
would act on it (the last listen was one in the background, during the exercise, and the hit came after it
began), the sound is cut there and then, nothing more is said or queued, and the next listen returns the
"stop" at once. Which hits count is unchanged (the spotter's rules), and so is when they count, with one
addition: from the start of an exercise (its ExerciseStarted event), so that a stop over its first
instruction, said before any listening in the exercise, is acted on too (before, it was dropped).
The event sinks are still told of a line skipped between the hit and the listener taking it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from voicecoach.events import Event, ExerciseStarted
from voicecoach.voice.spotter import Spotted

log = logging.getLogger(__name__)

GRACE_SECONDS = 0.3
"""A hit this long before the exercise's listening began still counts (the listener's SPOT_GRACE_SECONDS)."""


class BargeIn:
    """Shared by the microphone's thread (:meth:`spotted`), the speaker (:attr:`silenced`), the listener
    (:meth:`arm`, :meth:`take`) and the session's events (an event sink: an exercise's start arms it)."""

    def __init__(self, cut: Callable[[], object], now: Callable[[], float] = time.monotonic) -> None:
        self.cut = cut
        self.now = now
        """The microphone's clock (the hits' ``at``)."""
        """Silences the coach at once (Player.cut)."""
        self.silenced = threading.Event()
        """Set from a hit acted on until the listener takes it: the speaker says and queues nothing."""
        self._lock = threading.Lock()
        self._since: float | None = None
        self._hit: Spotted | None = None

    def arm(self, since: float | None) -> None:
        """Act on hits from ``since`` on (microphone clock; the start of the exercise's listening), or on
        none (None: a question is being asked, and a "stop" is then an answer like any other)."""
        with self._lock:
            self._since = since

    def __call__(self, event: Event) -> None:
        """An event sink: an exercise has started (its first instruction follows, with nobody listening)."""
        if isinstance(event, ExerciseStarted):
            self.arm(self.now())

    def spotted(self, hit: Spotted) -> bool:
        """A hit from the microphone's thread; True when the coach was silenced for it."""
        with self._lock:
            if self._since is None or hit.at < self._since - GRACE_SECONDS or self._hit is not None:
                return False
            self._hit = hit
            self.silenced.set()
        log.debug("stop at %.2f: the coach falls silent at once", hit.at)
        with contextlib.suppress(Exception):  # a lost speaker is reported on the coach's own thread
            self.cut()
        return True

    def take(self) -> Spotted | None:
        """The hit the coach was silenced for, if any (then forgotten, and the coach may speak again)."""
        with self._lock:
            hit, self._hit = self._hit, None
            self.silenced.clear()
        return hit
