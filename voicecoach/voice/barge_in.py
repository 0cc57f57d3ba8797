"""A "stop" the person says over the coach's own sentence in an exercise, acted on at once.

While the coach counts or rests it is listening, and a spotted "stop" cuts the sound at once. Its sentences
("and down", "Rest for 20 seconds.", the position explained) are said with nobody listening: a hit used to
wait in the capture's queue until the sentence, and the next, had been played out (about 2 s at the
speaker), and one over an exercise's first instruction was dropped. Now the microphone's thread hands each
hit here: while armed, the sound is cut there and then, the speaker says and queues nothing more, and the
next listen returns the "stop" at once. Which hits count is the spotter's business, unchanged.

When it is armed: from ARM_DELAY_SECONDS after an exercise's start (its ExerciseStarted event) and from
each listen in the exercise's background (counting, resting), until a question's listening begins, a word
of the person's is heard, a stop is taken (the listener's :meth:`arm` and :meth:`take`), or the exercise
ends (ExerciseDone). Not again until the counting starts again: the spotter's hits right after a word of
the person's ("no") are often the coach's own next words with the person's voice still in the spotter's
one-second window (seen in scripts/bench.py: a "no" to "Is the pain worse?" followed by a hit 0.05 s
after its utterance). The event sinks are still told of a line skipped between the hit and the listener taking it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from voicecoach.events import Event, ExerciseDone, ExerciseStarted
from voicecoach.voice.spotter import DEBOUNCE_SECONDS, GRACE_SECONDS, Spotted

log = logging.getLogger(__name__)

ARM_DELAY_SECONDS = 1.0
"""An exercise's start arms it this much later: the spotter counts a hit as the person's when their voice
was heard in the second before it, and the person may have just answered the question before the exercise."""


class BargeIn:
    """Shared by the microphone's thread (:meth:`spotted`), the speaker (:attr:`silenced`), the listener
    (:meth:`arm`, :meth:`take`) and the session's events (an event sink: see the module's docstring)."""

    def __init__(self, cut: Callable[[], object], now: Callable[[], float] = time.monotonic) -> None:
        self.cut = cut
        """Silences the coach at once (Player.cut)."""
        self.now = now
        """The microphone's clock (the hits' ``at``)."""
        self.silenced = threading.Event()
        """Set from a hit acted on until the listener takes it: the speaker says and queues nothing."""
        self._lock = threading.Lock()
        self._since: float | None = None
        self._hit: Spotted | None = None
        self._last_at: float | None = None
        """When the last stop acted on was heard: one word reported twice (by the spotter and read in the
        words: voice/echo_stop.py) is one stop."""

    def arm(self, since: float | None) -> None:
        """Act on hits from ``since`` on (microphone clock), or on none (None: a question is being asked,
        and a "stop" is then an answer like any other)."""
        with self._lock:
            self._since = since

    def __call__(self, event: Event) -> None:
        """An event sink: an exercise starts (armed, a moment later: ARM_DELAY_SECONDS) or ends (disarmed)."""
        if isinstance(event, ExerciseStarted):
            self.arm(self.now() + ARM_DELAY_SECONDS + GRACE_SECONDS)
        elif isinstance(event, ExerciseDone):
            self.arm(None)

    def armed(self) -> bool:
        """Whether a stop heard now would silence the coach."""
        with self._lock:
            return self._since is not None and self._hit is None

    def spotted(self, hit: Spotted, *, utterance_start: float | None = None) -> bool:
        """A hit (from the microphone's thread, or read in an utterance's words from ``utterance_start`` to
        the hit); True when the coach was silenced for it."""
        with self._lock:
            if self._since is None or hit.at < self._since - GRACE_SECONDS or self._hit is not None:
                return False
            last = self._last_at
            if last is not None and (abs(hit.at - last) < DEBOUNCE_SECONDS
                                     or (utterance_start is not None and last >= utterance_start)):
                return False  # the same word, reported again
            self._hit, self._last_at = hit, hit.at
            self.silenced.set()
        log.debug("stop at %.2f: the coach falls silent at once", hit.at)
        with contextlib.suppress(Exception):  # a lost speaker is reported on the coach's own thread
            self.cut()
        return True

    def take(self) -> Spotted | None:
        """The hit the coach was silenced for, if any (then forgotten, and the coach may speak again). A stop
        is acted on now (the listener returns it): disarmed until the counting starts again."""
        with self._lock:
            hit, self._hit = self._hit, None
            if hit is not None:
                self._since = None
            self.silenced.clear()
        return hit
