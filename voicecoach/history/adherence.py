"""CLINICAL.md section 9b: adherence to the seed's rhythm, day by day, from the history. Pure.

A day's target is the rhythm (data/rhythm.toml) of each exercise planned that day, or, on a day without a
session, of the plan in force (the last one made). An exercise counts for a day each time a session completed
it (done to the end). A day whose last triage ended in a referral has no target: the person was told to see
a doctor, not to exercise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from voicecoach import data
from voicecoach.history.records import SessionRecord


@dataclass(frozen=True)
class Rhythm:
    """How many times a day each exercise should be done."""

    times_per_day: dict[str, int]
    reminder_times: tuple[str, ...] = ()

    def describe(self) -> str:
        """"E1 3 a day, E2 2 a day, E3 2 a day"."""
        return ", ".join(f"{e} {n} a day" for e, n in self.times_per_day.items())


@cache
def load_rhythm() -> Rhythm:
    """The rhythm of data/rhythm.toml."""
    raw = data.load("rhythm")
    return Rhythm(times_per_day=dict(raw["times_per_day"]), reminder_times=tuple(raw.get("reminder_times", ())))


@cache
def _red_flag_outcomes() -> frozenset[str]:
    outcomes: dict[str, Any] = data.load("outcomes")["outcome"]
    return frozenset(name for name, spec in outcomes.items() if spec.get("red_flag"))


def referred(session: SessionRecord) -> bool:
    """The session's triage sent the person to a doctor (a red flag, or an unanswered safety question)."""
    return session.how == "referred" or session.outcome in _red_flag_outcomes()


@dataclass(frozen=True)
class Day:
    """One calendar day against the rhythm."""

    day: date
    sessions: int
    """Sessions that day in which an exercise was begun."""
    done: dict[str, int]
    """Exercise id -> sessions that completed it that day."""
    target: dict[str, int]
    """Exercise id -> times the rhythm asks for (empty: nothing was due)."""
    referred: bool = False
    """The day's last triage sent the person to a doctor: nothing was due."""

    @property
    def on_rhythm(self) -> bool:
        """Every exercise due that day was done as often as the rhythm asks."""
        return bool(self.target) and all(self.done.get(e, 0) >= n for e, n in self.target.items())

    @property
    def active(self) -> bool:
        """An exercise was begun that day."""
        return self.sessions > 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"date": self.day.isoformat(), "sessions": self.sessions, "done": dict(self.done),
                "target": dict(self.target), "referred": self.referred, "on_rhythm": self.on_rhythm}


@dataclass(frozen=True)
class Adherence:
    """The days from the first session to today, with the streaks ending today."""

    days: tuple[Day, ...]
    rhythm: Rhythm
    streak_active: int = 0
    """Days in a row, up to today, with an exercise begun (today counts once it has one)."""
    streak_on_rhythm: int = 0
    """Days in a row, up to today, on the rhythm (today counts once it is)."""
    longest_on_rhythm: int = 0
    by_day: dict[date, Day] = field(default_factory=dict)

    def streaks_through(self, day: date) -> tuple[int, int]:
        """(Days in a row with exercises, days in a row on the rhythm) as they stood at the end of ``day``."""
        upto = [d for d in self.days if d.day <= day]
        return _streak(upto, lambda d: d.active, lenient=False), _streak(upto, lambda d: d.on_rhythm, lenient=False)

    @property
    def days_due(self) -> int:
        """Days on which exercises were due (not referred)."""
        return sum(1 for d in self.days if d.target)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"rhythm": dict(self.rhythm.times_per_day), "days": [d.to_dict() for d in self.days],
                "streak_active_days": self.streak_active, "streak_on_rhythm_days": self.streak_on_rhythm,
                "longest_on_rhythm_days": self.longest_on_rhythm,
                "days_on_rhythm": sum(d.on_rhythm for d in self.days), "days_due": self.days_due}


def adherence(sessions: Sequence[SessionRecord], today: date, rhythm: Rhythm | None = None) -> Adherence:
    """Each day from the first session's to ``today`` (local dates), against the rhythm."""
    rhythm = rhythm or load_rhythm()
    by_date: dict[date, list[SessionRecord]] = {}
    for s in sessions:
        by_date.setdefault(local_date(s), []).append(s)
    if not by_date:
        return Adherence((), rhythm)
    first = min(by_date)
    last = max(today, *by_date)
    days: list[Day] = []
    in_force: dict[str, int] = {}
    was_referred = False
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        todays = by_date.get(day, [])
        plan = [e.exercise for s in todays for e in s.exercises]
        if plan:
            in_force = {e: rhythm.times_per_day.get(e, 1) for e in dict.fromkeys(plan)}
        triaged = [s for s in todays if s.outcome is not None or s.how == "referred"]
        if triaged:
            was_referred = referred(triaged[-1])
        done: dict[str, int] = {}
        for s in todays:
            for e in {e.exercise for e in s.exercises if e.status == "completed"}:
                done[e] = done.get(e, 0) + 1
        active = sum(1 for s in todays if any(e.status != "planned" for e in s.exercises))
        target = {} if was_referred else dict(in_force)
        days.append(Day(day, active, dict(sorted(done.items())), target, was_referred))
    return Adherence(tuple(days), rhythm, streak_active=_streak(days, lambda d: d.active),
                     streak_on_rhythm=_streak(days, lambda d: d.on_rhythm),
                     longest_on_rhythm=_longest(days), by_day={d.day: d for d in days})


def local_date(session: SessionRecord) -> date:
    """The local calendar day a session started on."""
    return session.started_at.astimezone().date()


def _streak(days: Sequence[Day], good: Callable[[Day], bool], lenient: bool = True) -> int:
    """Days in a row ending with the last; ``lenient``: the last day (today) does not break it while not yet good."""
    run = list(days)
    if lenient and run and not good(run[-1]):
        run = run[:-1]
    count = 0
    for d in reversed(run):
        if not good(d):
            break
        count += 1
    return count


def _longest(days: Sequence[Day]) -> int:
    best = current = 0
    for d in days:
        current = current + 1 if d.on_rhythm else 0
        best = max(best, current)
    return best
