"""The history as a table for people, and as JSON and CSV for programs."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from voicecoach.coach.catalogue import exercises
from voicecoach.history.adherence import Adherence, adherence, local_date
from voicecoach.history.records import ExerciseRecord, SessionRecord

COLUMNS = ("#", "date", "outcome", "exercises done", "pain", "ended")
CSV_COLUMNS = ("id", "started_at", "ended_at", "mode", "command", "outcome", "side", "flags", "pain_before",
               "pain_after", "pain_change", "exercises", "seconds_held", "lifts", "how", "exit_code",
               "sessions_that_day", "day_on_rhythm")
DAYS_SHOWN = 14
"""The table's adherence block shows this many days, the last ones."""
_CHANGE_MARK = {"up": " (up)", "down": " (down)", "lowest": ""}


def table(sessions: Sequence[SessionRecord], today: date | None = None) -> str:
    """One line per session: date, outcome, exercises done, pain before -> after, how it ended; then adherence."""
    if not sessions:
        return "No sessions yet."
    rows = [COLUMNS, *([str(s.id), when(s), outcome(s), done(s), pain(s), s.how] for s in sessions)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    if any(e.change in ("up", "down") for s in sessions for e in s.exercises):
        lines.append("(up), (down): the level changed that day, from the sessions before.")
    return "\n".join([*lines, "", *adherence_lines(adherence(sessions, today or _today()))])


def adherence_lines(result: Adherence) -> list[str]:
    """Sessions per day and each exercise done / due against the rhythm, the last days, then the streaks."""
    exercises_ = list(result.rhythm.times_per_day)
    head = ["day", "sessions", *exercises_, "on rhythm"]
    rows = [head]
    for d in result.days[-DAYS_SHOWN:]:
        marks = [f"{d.done.get(e, 0)}/{d.target.get(e, 0)}" if d.target.get(e) or d.done.get(e) else "-"
                 for e in exercises_]
        rhythm = "referred" if d.referred else "yes" if d.on_rhythm else "no" if d.target else "-"
        rows.append([d.day.isoformat(), str(d.sessions), *marks, rhythm])
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [f"Adherence to the rhythm ({result.rhythm.describe()}), done / due each day"
             + (f", the last {DAYS_SHOWN} days:" if len(result.days) > DAYS_SHOWN else ":")]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.append(f"Streak: {result.streak_active} day(s) in a row with exercises, {result.streak_on_rhythm} on the "
                 f"rhythm (longest {result.longest_on_rhythm}).")
    return lines


def _today() -> date:
    return datetime.now().astimezone().date()


def with_adherence(sessions: Sequence[SessionRecord], today: date | None = None) -> list[dict[str, Any]]:
    """The sessions as JSON-ready dicts, each with its day against the rhythm and the streaks at that day's end."""
    result = adherence(sessions, today or _today())
    rows: list[dict[str, Any]] = []
    nth: dict[date, int] = {}
    for s in sessions:
        day = local_date(s)
        nth[day] = nth.get(day, 0) + 1
        active, on_rhythm = result.streaks_through(day)
        body = s.to_dict()
        body["adherence"] = {"session_of_day": nth[day], "day": result.by_day[day].to_dict(),
                             "streak_active_days": active, "streak_on_rhythm_days": on_rhythm}
        rows.append(body)
    return rows


def as_json(sessions: Sequence[SessionRecord], today: date | None = None) -> str:
    """A JSON array of sessions, oldest first, each with its day against the rhythm (``adherence``)."""
    return json.dumps(with_adherence(sessions, today), ensure_ascii=False, indent=2)


def as_csv(sessions: Sequence[SessionRecord], today: date | None = None) -> str:
    """One CSV row per session (the exercises summed up), with a header row."""
    days = adherence(sessions, today or _today()).by_day
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in sessions:
        writer.writerow([
            s.id, s.started_at.isoformat(), s.ended_at.isoformat() if s.ended_at else "", s.mode, s.command,
            s.outcome or "", s.side or "", ";".join(s.flags), _blank(s.pain_before), _blank(s.pain_after),
            _blank(s.pain_change), done(s), round(sum(e.seconds_held for e in s.exercises), 1),
            sum(e.reps_done for e in s.exercises), s.how, _blank(s.exit_code),
            days[local_date(s)].sessions, "yes" if days[local_date(s)].on_rhythm else "no",
        ])
    return out.getvalue()


def when(session: SessionRecord) -> str:
    """The local date and time a session started."""
    return session.started_at.astimezone().strftime("%Y-%m-%d %H:%M")


def outcome(session: SessionRecord) -> str:
    """The triage outcome, or what kind of session it was when there was none."""
    if session.outcome:
        return session.outcome
    return f"({session.command})" if session.command != "session" else "-"


def pain(session: SessionRecord) -> str:
    """Pain before -> after."""
    if session.pain_before is None and session.pain_after is None:
        return "-"
    return f"{_unknown(session.pain_before)} -> {_unknown(session.pain_after)}"


def done(session: SessionRecord) -> str:
    """The exercises begun, each with what was done: "E1 6x10s, E2 3x15s (up), E3 2x10"."""
    begun = [e for e in session.exercises if e.status != "planned"]
    return ", ".join(exercise_done(e) for e in begun) if begun else "-"


def exercise_done(record: ExerciseRecord) -> str:
    """What was done of one exercise: holds x seconds, or sets x lifts; partial work as done/planned."""
    mark = _CHANGE_MARK.get(record.change or "", "")
    if record.status == "skipped":
        return f"{record.exercise} skipped{mark}"
    planned = record.reps * record.sets * _sides(record)
    if record.hold_seconds is not None:
        count = (str(record.holds_done) if record.status == "completed"
                 else f"{record.holds_done}/{planned}")
        amount = f"{count}x{record.hold_seconds}s"
    elif record.status == "completed":
        amount = f"{record.sets_done}x{record.reps}"
    else:
        amount = f"{record.reps_done}/{planned} lifts"
    status = "" if record.status == "completed" else f" {record.status}"
    return f"{record.exercise} {amount}{status}{mark}"


def _sides(record: ExerciseRecord) -> int:
    exercise = exercises().get(record.exercise)
    one_sided = record.per_side or (exercise is not None and exercise.sided)
    return 2 if one_sided and record.side not in ("left", "right") else 1


def _unknown(value: int | None) -> str:
    return "?" if value is None else str(value)


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)
