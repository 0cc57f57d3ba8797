"""Rows of the history's SQLite file read back as records (records.py)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import Any

from voicecoach.history.liveness import ProcessId
from voicecoach.history.records import IN_PROGRESS, INTERRUPTED, ExerciseRecord, SessionRecord


def _json_list(text: str | None) -> list[Any]:
    return list(json.loads(text)) if text else []


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def exercise_record(row: sqlite3.Row) -> ExerciseRecord:
    """An exercises row as a record."""
    return ExerciseRecord(
        exercise=row["exercise"], side=row["side"], level=row["level"], gentle=bool(row["gentle"]),
        hold_seconds=row["hold_seconds"], reps=row["reps"], sets=row["sets"], per_side=bool(row["per_side"]),
        status=row["status"], holds_done=row["holds_done"], reps_done=row["reps_done"], sets_done=row["sets_done"],
        hold_durations=tuple(float(d) for d in _json_list(row["hold_durations"])),
        commands=tuple(_json_list(row["commands"])), change=row["change"], change_from=row["change_from"],
    )


def session_record(row: sqlite3.Row, answers: dict[str, str], exercises: list[ExerciseRecord]) -> SessionRecord:
    """A sessions row, with its answers and exercises, as a record; a session whose process is gone
    without ending it reads as interrupted (and its unfinished exercise as cut off)."""
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
