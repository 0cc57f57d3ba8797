"""What the ``history`` and ``forget`` commands do, so that the CLI only parses and calls."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path

from voicecoach.history import report
from voicecoach.history.liveness import ProcessId
from voicecoach.history.records import SessionRecord
from voicecoach.history.store import HistoryStore, forget, history_file

__all__ = ["Format", "forget", "read", "render", "stored_sessions"]


class Format(StrEnum):
    """How ``history`` prints."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def read(folder: Path, since: date | None = None, warn: Callable[[str], None] = print) -> list[SessionRecord]:
    """The sessions of a data folder (none when there is no history yet). Raises HistoryError."""
    if not history_file(folder).exists():
        return []
    store = HistoryStore.open(folder, notice=warn)
    try:
        return store.sessions(since)
    finally:
        store.close()


def render(sessions: list[SessionRecord], how: Format) -> str:
    """The sessions as a table, JSON or CSV."""
    match how:
        case Format.JSON:
            return report.as_json(sessions)
        case Format.CSV:
            return report.as_csv(sessions).rstrip("\n")
        case _:
            return report.table(sessions)


def stored_sessions(folder: Path) -> tuple[int | None, list[int]]:
    """(How many sessions are kept, the ids of those still running), read without changing anything.

    The count is None when the file cannot be read (damaged, or from a newer version); 0 without a file.
    """
    path = history_file(folder)
    if not path.exists():
        return 0, []
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None, []
    try:
        count = int(connection.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
        open_rows = connection.execute("SELECT id, pid, host, process_start FROM sessions WHERE how IS NULL")
        running = [row[0] for row in open_rows if ProcessId(row[1], row[2], row[3]).running()]
    except sqlite3.Error:
        return None, []
    finally:
        connection.close()
    return count, running
