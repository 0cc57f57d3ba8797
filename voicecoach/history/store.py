"""The history store: one SQLite file in the data folder, written as a session goes.

WAL journal and a busy timeout let two sessions write at once; every write is its own short
``BEGIN IMMEDIATE`` transaction, so whatever was written before a crash or a SIGKILL is kept.
The file (and SQLite's -wal and -shm files, which take its mode) is readable by the user alone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from voicecoach.history.liveness import ProcessId
from voicecoach.history.records import INTERRUPTED, ExerciseRecord, SessionRecord
from voicecoach.history.rows import exercise_record, session_record
from voicecoach.history.sqlite_file import (
    BUSY_TIMEOUT_SECONDS,
    FILE_NAME,
    Damaged,
    HistoryError,
    NewerHistoryError,
    connect,
    explain,
    forget,
    history_file,
    move_aside,
)

__all__ = ["FILE_NAME", "HistoryError", "HistoryStore", "NewerHistoryError", "WallClock", "explain", "forget",
           "history_file", "utc_now"]

WallClock = Callable[[], datetime]
"""The date and time now, timezone-aware (injected in tests to simulate days)."""


def utc_now() -> datetime:
    """The real wall clock."""
    return datetime.now(UTC)


class HistoryStore:
    """The sessions of one data folder."""

    def __init__(self, connection: sqlite3.Connection, path: Path, wall_clock: WallClock) -> None:
        self.connection = connection
        self.path = path
        self.wall_clock = wall_clock

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, *, wall_clock: WallClock = utc_now, notice: Callable[[str], None] = print,
             busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> HistoryStore:
        """Open (creating or migrating) the history of a data folder.

        A damaged file is moved aside (``notice`` says where) and a fresh one started. Raises
        NewerHistoryError for a file from a newer version (left untouched) and HistoryError for
        anything else the user must fix (a full disk, no permission).
        """
        path = history_file(folder)
        try:
            try:
                connection = connect(path, busy_timeout)
            except Damaged as damaged:
                aside = move_aside(path, wall_clock())
                notice(f"The history file {path} was damaged ({damaged}); it was moved to {aside.name} "
                       "and a new history was started.")
                connection = connect(path, busy_timeout)
            store = cls(connection, path, wall_clock)
            store.close_orphans()
        except NewerHistoryError:
            raise
        except Damaged as damaged:
            raise HistoryError(f"The history in {path} is damaged ({damaged}) and could not be replaced.") from None
        except (sqlite3.Error, OSError) as err:
            raise HistoryError(explain(err, path)) from err
        return store

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            if self.connection.in_transaction:
                with suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def _now(self) -> str:
        return self.wall_clock().astimezone(UTC).isoformat()

    # --- writing a session --------------------------------------------------------------------

    def begin(self, command: str, mode: str, process: ProcessId) -> int:
        """A new session row, in progress; returns its id."""
        now = self._now()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO sessions (started_at, last_event_at, mode, command, pid, host, process_start)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now, now, mode, command, process.pid, process.host, process.start))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def answer(self, session_id: int, question_id: str, value: str | int | None, t: float) -> None:
        """Keep an answer (a question asked twice keeps both, in order)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO answers (session_id, seq, question_id, value, t) VALUES"
                " (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM answers WHERE session_id = ?), ?, ?, ?)",
                (session_id, session_id, question_id, None if value is None else str(value), t))
            self._touch(db, session_id)

    def outcome(self, session_id: int, outcome: str, side: str | None, flags: Sequence[str],
                advice: Sequence[str]) -> None:
        """Keep the triage outcome."""
        self._update_session(session_id, outcome=outcome, side=side, flags=json.dumps(list(flags)),
                             advice=json.dumps(list(advice)))

    def pain(self, session_id: int, when: str, value: int | None) -> None:
        """Keep a pain score (``when`` is before or after)."""
        if when not in ("before", "after"):
            raise ValueError(f"pain score 'when' must be before or after, not {when!r}")
        self._update_session(session_id, **{f"pain_{when}": value})

    def end(self, session_id: int, how: str, exit_code: int | None) -> None:
        """The session ended: how, and its exit code; exercises still under way were cut off."""
        now = self._now()
        with self._transaction() as db:
            db.execute("UPDATE sessions SET how = ?, exit_code = ?, ended_at = ?, last_event_at = ? WHERE id = ?",
                       (how, exit_code, now, now, session_id))
            db.execute("UPDATE exercises SET status = ? WHERE session_id = ? AND status = 'started'",
                       (INTERRUPTED, session_id))

    def add_exercise(self, session_id: int, position: int, record: ExerciseRecord) -> int:
        """A planned (or begun) exercise; returns its row id."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO exercises (session_id, position, exercise, side, level, gentle, hold_seconds, reps,"
                " sets, per_side, change, change_from, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, position, record.exercise, record.side, record.level, int(record.gentle),
                 record.hold_seconds, record.reps, record.sets, int(record.per_side), record.change,
                 record.change_from, record.status))
            self._touch(db, session_id)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def save_exercise(self, session_id: int, row_id: int, record: ExerciseRecord) -> None:
        """Keep how far an exercise got."""
        with self._transaction() as db:
            db.execute(
                "UPDATE exercises SET status = ?, holds_done = ?, reps_done = ?, sets_done = ?, hold_durations = ?,"
                " commands = ?, change = ?, change_from = ? WHERE id = ?",
                (record.status, record.holds_done, record.reps_done, record.sets_done,
                 json.dumps([round(d, 3) for d in record.hold_durations]), json.dumps(list(record.commands)),
                 record.change, record.change_from, row_id))
            self._touch(db, session_id)

    def _update_session(self, session_id: int, **fields: Any) -> None:
        columns = ", ".join(f"{name} = ?" for name in fields)  # names come from this module only
        with self._transaction() as db:
            db.execute(f"UPDATE sessions SET {columns} WHERE id = ?", (*fields.values(), session_id))
            self._touch(db, session_id)

    def _touch(self, db: sqlite3.Connection, session_id: int) -> None:
        db.execute("UPDATE sessions SET last_event_at = ? WHERE id = ?", (self._now(), session_id))

    def close_orphans(self) -> int:
        """Mark interrupted every session whose process is gone without ending it; returns how many."""
        rows = self.connection.execute(
            "SELECT id, pid, host, process_start FROM sessions WHERE how IS NULL").fetchall()
        gone = [row[0] for row in rows if not ProcessId(row[1], row[2], row[3]).running()]
        if gone:
            with self._transaction() as db:
                for session_id in gone:
                    db.execute("UPDATE sessions SET how = ?, ended_at = last_event_at WHERE id = ? AND how IS NULL",
                               (INTERRUPTED, session_id))
                    db.execute("UPDATE exercises SET status = ? WHERE session_id = ? AND status = 'started'",
                               (INTERRUPTED, session_id))
        return len(gone)

    # --- reading ------------------------------------------------------------------------------

    def sessions(self, since: date | None = None) -> list[SessionRecord]:
        """Every session, oldest first; ``since``: those that started on that local date or later.

        Raises HistoryError when the file cannot be read.
        """
        try:
            return self._sessions(since)
        except sqlite3.Error as err:
            raise HistoryError(explain(err, self.path)) from err

    def _sessions(self, since: date | None) -> list[SessionRecord]:
        db = self.connection
        answers: dict[int, dict[str, str]] = {}
        for session_id, qid, value in db.execute(
                "SELECT session_id, question_id, value FROM answers ORDER BY session_id, seq"):
            answers.setdefault(session_id, {})[qid] = value
        exercises: dict[int, list[ExerciseRecord]] = {}
        for row in db.execute("SELECT * FROM exercises ORDER BY session_id, position, id"):
            exercises.setdefault(row["session_id"], []).append(exercise_record(row))
        found = []
        for row in db.execute("SELECT * FROM sessions ORDER BY started_at, id"):
            record = session_record(row, answers.get(row["id"], {}), exercises.get(row["id"], []))
            if since is None or record.started_at.astimezone().date() >= since:
                found.append(record)
        return found
