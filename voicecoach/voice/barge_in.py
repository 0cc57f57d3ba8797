"""A "stop" the person says over the coach's own sentence in an exercise, acted on at once.

While the coach counts or rests it is listening, and a spotted "stop" cuts the sound at once. Its sentences
("and down", "Rest for 20 seconds.", the position explained) are said with nobody listening: a hit used to
wait in the capture's queue until the sentence, and the next, had been played out (about 2 s at the
speaker), and one over an exercise's first instruction was dropped. Now the microphone's thread hands each
hit here: while armed, the sound is cut there and then, the speaker says and queues nothing more, and the
next listen returns the "stop" at once. Which hits count is the spotter's business, unchanged.

Armed from an exercise's start (its ExerciseStarted event) to its end (ExerciseDone), except while the
person answers a question: the listener disarms it for a question's listening, where "stop" is an answer
like any other, and the coach's next line in the exercise arms it again. The event sinks are still told of
a line skipped between the hit and the listener taking it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from voicecoach.events import Event, ExerciseDone, ExerciseStarted, Said
from voicecoach.voice.spotter import DEBOUNCE_SECONDS, Spotted

log = logging.getLogger(__name__)

GRACE_SECONDS = 0.3
"""A hit this long before it was armed still counts (the listener's SPOT_GRACE_SECONDS)."""


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
        self._in_exercise = False

    def arm(self, since: float | None) -> None:
        """Act on hits from ``since`` on (microphone clock), or on none (None: a question is being asked,
        and a "stop" is then an answer like any other)."""
        with self._lock:
            self._since = since

    def __call__(self, event: Event) -> None:
        """An event sink: an exercise starts (armed) or ends (disarmed); a line the coach says in it after
        a question arms it again."""
        if isinstance(event, ExerciseStarted):
            self._in_exercise = True
            self.arm(self.now())
        elif isinstance(event, ExerciseDone):
            self._in_exercise = False
            self.arm(None)
        elif isinstance(event, Said) and self._in_exercise:
            with self._lock:
                if self._since is None:
                    self._since = self.now()

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
        """The hit the coach was silenced for, if any (then forgotten, and the coach may speak again)."""
        with self._lock:
            hit, self._hit = self._hit, None
            self.silenced.clear()
        return hit
