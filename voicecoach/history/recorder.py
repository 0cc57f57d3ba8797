"""The event sink that writes a session into the history as it happens.

Each meaningful event is committed at once, so a session cut off at any moment (Ctrl-C, end of
input, a crash, SIGKILL) keeps everything up to that moment. A write that fails (a full disk) is
reported once and the session carries on unsaved: the coach never stops mid-exercise for the disk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from voicecoach.events import Answered, Event, OutcomeReached, PainScore, SessionEnd
from voicecoach.history.liveness import ProcessId
from voicecoach.history.records import INTERRUPTED
from voicecoach.history.store import HistoryStore, explain
from voicecoach.record import Tally, step


class Recorder:
    """Writes one session's events to a HistoryStore."""

    def __init__(self, store: HistoryStore, command: str, mode: str, *,
                 process: ProcessId | None = None, warn: Callable[[str], None] = print) -> None:
        self.store = store
        self.command = command
        self.mode = mode
        self.process = process or ProcessId.current()
        self.warn = warn
        self.session_id: int | None = None
        self.ended = False
        self.failed = False
        self.tally = Tally()
        """The session record as far as it has been written (the one fold of the events)."""
        self._rows: list[int] = []
        """The store's row id of each exercise in ``tally.exercises``."""

    def __call__(self, event: Event) -> None:
        """Record one event (a failure to write is reported once, then recording stops)."""
        if not (self.failed or self.ended):
            self._safely(self._record, event)

    def close(self) -> None:
        """End the session as interrupted if nothing said how it ended (an error escaped the session)."""
        if self.session_id is not None and not (self.ended or self.failed):
            self._safely(self._end, INTERRUPTED, None)

    def _safely(self, write: Callable[..., None], *args: Any) -> None:
        try:
            write(*args)
        except (sqlite3.Error, OSError) as err:
            self.failed = True
            self.warn(f"{explain(err, self.store.path)} The session goes on, but from here on it is not saved.")

    def _end(self, how: str, exit_code: int | None) -> None:
        assert self.session_id is not None
        self.store.end(self.session_id, how, exit_code)
        self.ended = True

    def _record(self, event: Event) -> None:
        if self.session_id is None:
            self.session_id = self.store.begin(self.command, self.mode, self.process)
        sid, before = self.session_id, self.tally
        self.tally = step(before, event)
        match event:
            case Answered():
                self.store.answer(sid, event.id, event.value, event.t)
            case OutcomeReached():
                self.store.outcome(sid, event.outcome.value, event.side, event.flags, event.advice)
            case PainScore():
                self.store.pain(sid, event.when, event.value)
        for index, record in enumerate(self.tally.exercises):
            if index == len(self._rows):
                self._rows.append(self.store.add_exercise(sid, index, record))
            elif record != before.exercises[index]:
                self.store.save_exercise(sid, self._rows[index], record)
        if isinstance(event, SessionEnd):
            self._end(event.how.value, event.exit_code)
