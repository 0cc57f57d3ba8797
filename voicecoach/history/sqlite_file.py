"""The history's SQLite file: where it is, opening it (private, WAL, migrated, damaged files moved aside),
what a failure means in words, and deleting it."""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from voicecoach.history.schema import LATEST, MIGRATIONS

FILE_NAME = "history.sqlite3"
BUSY_TIMEOUT_SECONDS = 10.0
"""How long a writer waits for another one before giving up."""

_CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_CANNOT_WRITE = (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_AUTH)


class HistoryError(Exception):
    """The history cannot be used; the message says why and what to do."""


class NewerHistoryError(HistoryError):
    """The file was written by a newer voicecoach; it is left untouched."""


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


def forget(folder: Path) -> list[Path]:
    """Delete the history files of a data folder (with any damaged copies moved aside); returns them."""
    removed = []
    for path in sorted(folder.glob(FILE_NAME + "*")):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


class Damaged(Exception):
    """The file is not a readable SQLite database."""


def connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
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
    """The schema version, after a quick integrity check; raises Damaged for a damaged file."""
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as err:
        if err.sqlite_errorcode & 0xFF in _CORRUPT:
            raise Damaged(str(err)) from err
        raise
    if problems != ["ok"]:
        raise Damaged("it failed SQLite's integrity check")
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


def move_aside(path: Path, now: datetime) -> Path:
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
