"""What a reminder says: which exercises of the plan in force are still due today against the rhythm. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from voicecoach.coach.catalogue import exercises
from voicecoach.history.adherence import Rhythm, load_rhythm, local_date, referred
from voicecoach.history.records import SessionRecord


class Kind(StrEnum):
    """What the reminder is about."""

    FIRST = "first"
    """No session yet: time for a first one (it starts with the safety questions)."""
    DUE = "due"
    """Some exercises of the plan are not yet done as often today as the rhythm asks."""
    DONE = "done"
    """Everything due today is done: nothing to show."""
    DOCTOR = "doctor"
    """The last triage sent the person to a doctor: no exercises, see the doctor instead."""


@dataclass(frozen=True)
class Due:
    """One exercise still due today."""

    exercise: str
    name: str
    done: int
    target: int


@dataclass(frozen=True)
class Reminder:
    """What to tell the person, and why."""

    kind: Kind
    due: tuple[Due, ...] = ()

    @property
    def text(self) -> str:
        """The notification's words."""
        match self.kind:
            case Kind.FIRST:
                return "Time for your back exercises: run voicecoach. It asks a few safety questions first."
            case Kind.DOCTOR:
                return ("No exercises for now: your last answers needed a doctor's check. Please see a doctor "
                        "before you exercise again; voicecoach will ask whether a doctor has cleared you.")
            case Kind.DONE:
                return "All of today's exercises are done. Well done."
            case _:
                items = ", ".join(f"{d.name} ({d.done} of {d.target} today)" for d in self.due)
                return f"Time for your exercises: {items}. Start with: voicecoach"

    @property
    def shown(self) -> bool:
        """Whether this reminder needs showing at all."""
        return self.kind is not Kind.DONE


def what_is_due(history: Sequence[SessionRecord], today: date, rhythm: Rhythm | None = None) -> Reminder:
    """The reminder for ``today`` from the history (oldest first) and the rhythm."""
    rhythm = rhythm or load_rhythm()
    finished = [s for s in history if not s.in_progress]
    triaged = [s for s in finished if s.outcome is not None or s.how == "referred"]
    if triaged and referred(triaged[-1]):
        return Reminder(Kind.DOCTOR)
    planned = [s for s in finished if s.exercises]
    if not planned:
        return Reminder(Kind.FIRST)
    plan = list(dict.fromkeys(e.exercise for e in planned[-1].exercises))
    todays = [s for s in finished if local_date(s) == today]
    due = []
    for exercise_id in plan:
        target = rhythm.times_per_day.get(exercise_id, 1)
        done = sum(1 for s in todays if any(e.exercise == exercise_id and e.status == "completed"
                                            for e in s.exercises))
        if done < target:
            exercise = exercises().get(exercise_id)
            due.append(Due(exercise_id, exercise.name if exercise else exercise_id, done, target))
    return Reminder(Kind.DUE, tuple(due)) if due else Reminder(Kind.DONE)
