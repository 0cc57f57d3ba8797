"""The event sink that writes a session into the history as it happens.

Each meaningful event is committed at once, so a session cut off at any moment (Ctrl-C, end of
input, a crash, SIGKILL) keeps everything up to that moment. A write that fails (a full disk) is
reported once and the session carries on unsaved: the coach never stops mid-exercise for the disk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from voicecoach.events import (
    Answered,
    CommandHeard,
    Count,
    Event,
    ExerciseDone,
    ExerciseStarted,
    HoldDone,
    LevelChanged,
    OutcomeReached,
    PainScore,
    PlanMade,
    SessionEnd,
    SetDone,
)
from voicecoach.history.liveness import ProcessId
from voicecoach.history.records import INTERRUPTED, ExerciseRecord
from voicecoach.history.store import HistoryStore, explain


class _Row:
    """An exercise row being written: its id and what it holds so far."""

    def __init__(self, row_id: int, record: ExerciseRecord) -> None:
        self.id = row_id
        self.record = record
        self.counting: tuple[str | None, int, int] | None = None
        """The repetition being counted (side, set, number), not yet done."""


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
        self._rows: list[_Row] = []
        self._current: _Row | None = None

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
        sid = self.session_id
        match event:
            case Answered():
                self.store.answer(sid, event.id, event.value, event.t)
            case OutcomeReached():
                self.store.outcome(sid, event.outcome, event.side, event.flags, event.advice)
            case PainScore():
                self.store.pain(sid, event.when, event.value)
            case PlanMade():
                for item in event.items:
                    self._add(_planned(item))
            case LevelChanged():
                row = self._find(event.exercise, "planned")
                if row is not None:
                    self._save(row, change=event.direction, change_from=event.from_level)
            case ExerciseStarted():
                self._started(event)
            case Count(rep=int(rep)) if self._current is not None:
                # A repetition is done when the next one is counted (a resumed one is counted again).
                key = (event.side, event.set, rep)
                if self._current.counting not in (None, key):
                    self._rep_done(self._current)
                self._current.counting = key
            case HoldDone() if self._current is not None:
                record = self._current.record
                self._save(self._current, holds_done=record.holds_done + 1,
                           hold_durations=(*record.hold_durations, event.held_seconds))
            case SetDone() if self._current is not None:
                if self._current.counting is not None:
                    self._rep_done(self._current)
                self._save(self._current, sets_done=self._current.record.sets_done + 1)
            case CommandHeard() if self._current is not None:
                self._save(self._current, commands=(*self._current.record.commands, event.name))
            case ExerciseDone() if self._current is not None:
                self._save(self._current, status=event.status)
                self._current = None
            case SessionEnd():
                self._end(event.how, event.exit_code)

    def _started(self, event: ExerciseStarted) -> None:
        row = self._find(event.exercise, "planned")
        if row is None:  # no plan event came first: record the exercise as it began
            row = self._add(_planned({"exercise": event.exercise, "side": event.side, "dose": event.dose,
                                      "gentle": event.dose.get("level") == "gentle"}))
        self._current = row
        self._save(row, status="started")

    def _rep_done(self, row: _Row) -> None:
        row.counting = None
        self._save(row, reps_done=row.record.reps_done + 1)

    def _add(self, record: ExerciseRecord) -> _Row:
        assert self.session_id is not None
        row = _Row(self.store.add_exercise(self.session_id, len(self._rows), record), record)
        self._rows.append(row)
        return row

    def _find(self, exercise: str, status: str) -> _Row | None:
        return next((r for r in self._rows if r.record.exercise == exercise and r.record.status == status), None)

    def _save(self, row: _Row, **changes: Any) -> None:
        assert self.session_id is not None
        row.record = replace(row.record, **changes)
        self.store.save_exercise(self.session_id, row.id, row.record)


def _planned(item: dict[str, Any]) -> ExerciseRecord:
    """A plan item's dict (PlanItem.to_dict) as a planned exercise record."""
    dose = item["dose"]
    return ExerciseRecord(
        exercise=item["exercise"], side=item.get("side"), level=dose["level"], gentle=bool(item.get("gentle")),
        hold_seconds=dose.get("hold_seconds"), reps=dose["reps"], sets=dose["sets"],
        per_side=bool(dose.get("per_side")), status="planned",
    )
