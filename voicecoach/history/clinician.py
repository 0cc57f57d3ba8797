"""The clinician report's content (CLINICAL.md section 9b), as plain values, from the history. Pure.

Question ids and texts come from data/triage.toml, outcomes' "points to" sentences from data/outcomes.toml,
the rhythm from data/rhythm.toml: a question added there appears here without a change to this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from voicecoach import data
from voicecoach.coach.catalogue import exercises
from voicecoach.domain.answers import Answer
from voicecoach.history.adherence import Adherence, adherence, local_date
from voicecoach.history.records import ExerciseRecord, SessionRecord
from voicecoach.history.report import exercise_done
from voicecoach.triage.decision import route_to
from voicecoach.triage.questions import TriageQuestion, questions


@dataclass(frozen=True)
class AnswerRow:
    """The latest answer to one triage question."""

    id: str
    text: str
    section: str
    answer: str
    when: datetime
    red_flag: bool


@dataclass(frozen=True)
class RedFlagAnswer:
    """A red-flag question answered yes (or not answered clearly), and when."""

    id: str
    text: str
    answer: str
    when: datetime
    outcome: str | None


@dataclass(frozen=True)
class DoseRow:
    """One exercise of the plan: the dose planned and, over the sessions shown, done against planned."""

    exercise: str
    name: str
    level: str
    planned: str
    done: int
    planned_total: int
    unit: str
    sessions_completed: int
    sessions_planned: int


@dataclass(frozen=True)
class Step:
    """A progression step taken in a session."""

    when: datetime
    exercise: str
    direction: str
    from_level: str | None
    to_level: str


@dataclass(frozen=True)
class ClinicianReport:
    """Everything the report shows."""

    made_at: datetime
    sessions: tuple[SessionRecord, ...]
    """The sessions shown (after --since and --sessions), oldest first."""
    stored: int
    """Sessions stored in all."""
    first_stored: datetime | None
    latest_outcome: SessionRecord | None
    points_to: str
    answers: tuple[AnswerRow, ...]
    red_flags: tuple[RedFlagAnswer, ...]
    """Over the whole history, not only the sessions shown."""
    doses: tuple[DoseRow, ...]
    steps: tuple[Step, ...]
    adherence: Adherence
    words: dict[str, Any]


def build(history: Sequence[SessionRecord], made_at: datetime, since: date | None = None,
          last: int | None = None) -> ClinicianReport:
    """The report on the sessions from ``since`` on, the ``last`` of them; red flags from the whole history."""
    shown = [s for s in history if since is None or local_date(s) >= since]
    if last is not None:
        shown = shown[-last:] if last > 0 else []
    triaged = [s for s in shown if s.outcome is not None]
    latest = triaged[-1] if triaged else None
    today = made_at.astimezone().date()
    return ClinicianReport(
        made_at=made_at, sessions=tuple(shown), stored=len(history),
        first_stored=history[0].started_at if history else None, latest_outcome=latest,
        points_to=points_to(latest) if latest else "", answers=latest_answers(shown),
        red_flags=red_flags_ever(history), doses=doses(shown), steps=steps(shown),
        adherence=adherence(shown, today), words=data.load("report"))


def points_to(session: SessionRecord) -> str:
    """What a session's answers pointed to, in the words the coach said (never a diagnosis)."""
    spec = data.load("outcomes")["outcome"].get(session.outcome or "", {})
    answers = {qid: Answer(v) for qid, v in session.answers.items() if v in set(Answer)}
    route = route_to(session.outcome or "", answers)
    if route is not None:  # e.g. sharp leg pain: the words that name sciatica as well as the SI joint
        spec = {**spec, **spec["by_route"][route]}
    on_side = f" on the {session.side} side" if session.side in ("left", "right") else ""
    return str(spec.get("points_to", "")).format(on_side=on_side)


def _triage_questions() -> list[TriageQuestion]:
    return list(questions())


def _is_red_flag(question: TriageQuestion) -> bool:
    return question.is_red_flag or question.on_yes is not None


def latest_answers(sessions: Sequence[SessionRecord]) -> tuple[AnswerRow, ...]:
    """Each triage question's latest answer in these sessions, in the order the questions are asked."""
    rows = []
    for q in _triage_questions():
        answered = [s for s in sessions if q.id in s.answers]
        if answered:
            s = answered[-1]
            rows.append(AnswerRow(q.id, q.question.text, q.section, s.answers[q.id], s.started_at, _is_red_flag(q)))
    return tuple(rows)


def red_flags_ever(history: Sequence[SessionRecord]) -> tuple[RedFlagAnswer, ...]:
    """Every red-flag question answered yes or unclear, in any stored session, oldest first."""
    found = []
    flags = [q for q in _triage_questions() if _is_red_flag(q)]
    for s in history:
        for q in flags:
            value = s.answers.get(q.id)
            if value in ("yes", "unclear"):
                found.append(RedFlagAnswer(q.id, q.question.text, value, s.started_at, s.outcome))
    return tuple(found)


def _planned_amount(record: ExerciseRecord) -> tuple[int, int, str]:
    """(done, planned, unit) of one exercise record: holds or lifts."""
    sides = 2 if (record.per_side or _sided(record)) and record.side not in ("left", "right") else 1
    planned = record.reps * record.sets * sides
    if record.hold_seconds is not None:
        return record.holds_done, planned, f"holds of {record.hold_seconds} s"
    return record.reps_done, planned, "lifts"


def _sided(record: ExerciseRecord) -> bool:
    exercise = exercises().get(record.exercise)
    return exercise is not None and exercise.sided


def doses(sessions: Sequence[SessionRecord]) -> tuple[DoseRow, ...]:
    """The latest plan's exercises, each with done against planned over the sessions shown."""
    planned = [s for s in sessions if s.exercises]
    if not planned:
        return ()
    rows = []
    for latest in planned[-1].exercises:
        done = total = completed = times = 0
        for s in sessions:
            for e in s.exercises:
                if e.exercise == latest.exercise:
                    d, p, _ = _planned_amount(e)
                    done, total, times = done + d, total + p, times + 1
                    completed += e.status == "completed"
        exercise = exercises().get(latest.exercise)
        _, per_session, unit = _planned_amount(latest)
        rows.append(DoseRow(
            exercise=latest.exercise, name=exercise.name if exercise else latest.exercise, level=latest.level,
            planned=f"{per_session} {unit}" + (" (gentle start)" if latest.gentle else ""),
            done=done, planned_total=total, unit="holds" if latest.hold_seconds is not None else "lifts",
            sessions_completed=completed, sessions_planned=times))
    return tuple(rows)


def steps(sessions: Sequence[SessionRecord]) -> tuple[Step, ...]:
    """The level changes the progression made, in order."""
    return tuple(Step(s.started_at, e.exercise, e.change, e.change_from, e.level)
                 for s in sessions for e in s.exercises if e.change in ("up", "down", "lowest"))


def done_against_planned(session: SessionRecord) -> str:
    """A session's exercises as done against planned ("E1 3x10s, E3 12/30 lifts stopped")."""
    begun = [e for e in session.exercises if e.status != "planned"]
    return ", ".join(exercise_done(e) for e in begun) if begun else "none"
