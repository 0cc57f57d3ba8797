"""The history store: one SQLite file in the data folder, written as a session goes.

WAL journal and a busy timeout let two sessions write at once; every write is its own short
``BEGIN IMMEDIATE`` transaction, so whatever was written before a crash or a SIGKILL is kept.
The file (and SQLite's -wal and -shm files, which take its mode) is readable by the user alone.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from voicecoach.history.liveness import ProcessId
from voicecoach.history.records import IN_PROGRESS, INTERRUPTED, ExerciseRecord, SessionRecord
from voicecoach.history.schema import LATEST, MIGRATIONS

FILE_NAME = "history.sqlite3"
BUSY_TIMEOUT_SECONDS = 10.0
"""How long a writer waits for another one before giving up."""

WallClock = Callable[[], datetime]
"""The date and time now, timezone-aware (injected in tests to simulate days)."""

_CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_CANNOT_WRITE = (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_AUTH)


class HistoryError(Exception):
    """The history cannot be used; the message says why and what to do."""


class NewerHistoryError(HistoryError):
    """The file was written by a newer voicecoach; it is left untouched."""


def utc_now() -> datetime:
    """The real wall clock."""
    return datetime.now(UTC)


def history_file(folder: Path) -> Path:
    """Where the history lives in a data folder."""
    return folder / FILE_NAME


def explain(err: BaseException, path: Path) -> str:
    """A one-line message for a failure to read or write the history."""
    code = getattr(err, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == sqlite3.SQLITE_FULL or getattr(err, "errno", None) == errno.ENOSPC:
        return f"The disk is full: the history in {path} cannot be saved. Free some space, or use --no-history."
    if primary in _CANNOT_WRITE or isinstance(err, PermissionError):
        return f"Cannot write the history in {path}: {err}. Check the folder, or use --no-history."
    if primary in _CORRUPT:
        return f"The history in {path} is damaged ({err}); it will be moved aside the next time voicecoach starts."
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return f"The history in {path} stayed busy (another voicecoach is writing to it). Try again."
    return f"The history in {path} cannot be used: {err}."


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
                connection = _connect(path, busy_timeout)
            except _Damaged as damaged:
                aside = _move_aside(path, wall_clock())
                notice(f"The history file {path} was damaged ({damaged}); it was moved to {aside.name} "
                       "and a new history was started.")
                connection = _connect(path, busy_timeout)
            store = cls(connection, path, wall_clock)
            store.close_orphans()
        except NewerHistoryError:
            raise
        except _Damaged as damaged:
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
            exercises.setdefault(row["session_id"], []).append(_exercise(row))
        found = []
        for row in db.execute("SELECT * FROM sessions ORDER BY started_at, id"):
            record = _session(row, answers.get(row["id"], {}), exercises.get(row["id"], []))
            if since is None or record.started_at.astimezone().date() >= since:
                found.append(record)
        return found


def forget(folder: Path) -> list[Path]:
    """Delete the history files of a data folder (with any damaged copies moved aside); returns them."""
    removed = []
    for path in sorted(folder.glob(FILE_NAME + "*")):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


class _Damaged(Exception):
    """The file is not a readable SQLite database."""


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Connect, check, and bring the schema up to date, waiting out other processes doing the same.

    SQLite's busy timeout does not cover every step here: switching a new file to WAL and reading the
    schema while another process creates it can fail with "database is locked" at once, so the whole
    opening is retried until the timeout.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            return _connect_once(path, busy_timeout)
        except sqlite3.OperationalError as err:
            if err.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _connect_once(path: Path, busy_timeout: float) -> sqlite3.Connection:
    _create_private(path)
    # check_same_thread=False: a session's events are written on the event thread (adapters/queued.py),
    # one thread at a time, while the store is opened and closed on the main thread.
    connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    try:
        version = _check(connection)
        if version > LATEST:
            raise NewerHistoryError(
                f"The history in {path} was written by a newer version of voicecoach (schema {version}; this "
                f"version knows up to {LATEST}). It was left as it is: update voicecoach, or use --no-history.")
        _make_private(path)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        if version < LATEST:
            _migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _check(connection: sqlite3.Connection) -> int:
    """The schema version, after a quick integrity check; raises _Damaged for a damaged file."""
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as err:
        if err.sqlite_errorcode & 0xFF in _CORRUPT:
            raise _Damaged(str(err)) from err
        raise
    if problems != ["ok"]:
        raise _Damaged("it failed SQLite's integrity check")
    return version


def _migrate(connection: sqlite3.Connection) -> None:
    """Apply the missing migrations in one transaction (re-reading the version inside it, so two
    processes opening a new file at once do not both migrate)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        for script in MIGRATIONS[version:]:
            for statement in _statements(script):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {LATEST}")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of a script (executescript would commit the open transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {pending!r}")


def _create_private(path: Path) -> None:
    """Create the file readable by the user alone (SQLite gives its -wal and -shm files the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _make_private(path: Path) -> None:
    """Take away what others may do with a file made some other way (copied in, restored...)."""
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(FileNotFoundError):
            if each.stat().st_mode & 0o077:
                each.chmod(0o600)


def _move_aside(path: Path, now: datetime) -> Path:
    """Rename a damaged file (and its -wal and -shm) out of the way; returns the new name."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    return aside


def _json_list(text: str | None) -> list[Any]:
    return list(json.loads(text)) if text else []


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _exercise(row: sqlite3.Row) -> ExerciseRecord:
    return ExerciseRecord(
        exercise=row["exercise"], side=row["side"], level=row["level"], gentle=bool(row["gentle"]),
        hold_seconds=row["hold_seconds"], reps=row["reps"], sets=row["sets"], per_side=bool(row["per_side"]),
        status=row["status"], holds_done=row["holds_done"], reps_done=row["reps_done"], sets_done=row["sets_done"],
        hold_durations=tuple(float(d) for d in _json_list(row["hold_durations"])),
        commands=tuple(_json_list(row["commands"])), change=row["change"], change_from=row["change_from"],
    )


def _session(row: sqlite3.Row, answers: dict[str, str], exercises: list[ExerciseRecord]) -> SessionRecord:
    how = row["how"]
    ended = _when(row["ended_at"])
    if how is None:
        running = ProcessId(row["pid"], row["host"], row["process_start"]).running()
        how = IN_PROGRESS if running else INTERRUPTED
        if not running:
            ended = _when(row["last_event_at"])
            exercises = [_cut_off(e) for e in exercises]
    started = _when(row["started_at"])
    assert started is not None
    return SessionRecord(
        id=row["id"], started_at=started, ended_at=ended, mode=row["mode"], command=row["command"], how=how,
        exit_code=row["exit_code"], outcome=row["outcome"], side=row["side"],
        flags=tuple(_json_list(row["flags"])), advice=tuple(_json_list(row["advice"])), answers=answers,
        pain_before=row["pain_before"], pain_after=row["pain_after"], exercises=tuple(exercises),
    )


def _cut_off(record: ExerciseRecord) -> ExerciseRecord:
    return replace(record, status=INTERRUPTED) if record.status == "started" else record
