"""Event sinks on their own thread: the coach hands an event over and goes on at once.

A count is scheduled on the speaker first and only then told to the sinks (issue 15, point 4), but
the coach's next deadline follows a second later: a history commit waiting on a busy database (up to
its 10 s timeout), a slow terminal or a full disk must not hold it up. Events reach every sink in the
order they were emitted; ``close()`` delivers what is left before the sinks are closed.
"""

from __future__ import annotations

import logging
import queue
import threading

from voicecoach.events import Event, EventSink

log = logging.getLogger(__name__)

_DONE = object()


class QueuedSinks:
    """Hands events to its sinks, in order, on a background thread."""

    def __init__(self, sinks: list[EventSink] | None = None) -> None:
        self._sinks: list[EventSink] = list(sinks or [])
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._deliver, name="voicecoach-events", daemon=True)
        self._thread.start()
        self._closed = False

    def add(self, sink: EventSink) -> None:
        """Add a sink: it receives every event handed over from now on."""
        self._queue.put((self._sinks.append, sink))

    def __call__(self, event: Event) -> None:
        """Queue one event for every sink; returns at once."""
        self._queue.put(event)

    def close(self) -> None:
        """Deliver every queued event, then stop the thread (waits as long as the sinks take)."""
        if not self._closed:
            self._closed = True
            self._queue.put(_DONE)
            self._thread.join()

    def _deliver(self) -> None:
        while (item := self._queue.get()) is not _DONE:
            if isinstance(item, tuple):
                add, sink = item
                add(sink)
                continue
            for sink in self._sinks:
                try:
                    sink(item)  # type: ignore[arg-type]
                except Exception:  # one broken sink must not silence the others (each reports its own faults)
                    log.exception("an event sink failed on %r", item)
