"""CLINICAL.md section 9: today's level of each planned exercise, from the history. Pure.

The rules and their numbers are in data/progression.toml (read its header for the exact reading of
"completed" and of the gentle track).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from voicecoach import data
from voicecoach.domain.doses import Dose, Exercise, Kind, PlanItem
from voicecoach.events import LevelChanged
from voicecoach.history.records import ExerciseRecord, SessionRecord
from voicecoach.thresholds import PAIN_RISE_STEP_DOWN


@dataclass(frozen=True)
class Rules:
    """The numbers of data/progression.toml."""

    sessions_to_step_up: int
    top_level: dict[str, dict[str, str]]
    """Outcome -> exercise id -> the highest level its plan may reach."""
    pain_rise: int = PAIN_RISE_STEP_DOWN


@cache
def load_rules() -> Rules:
    """The progression rules."""
    raw = data.load("progression")
    return Rules(sessions_to_step_up=raw["sessions_to_step_up"], top_level=raw.get("top_level", {}))


@dataclass(frozen=True)
class Step:
    """Where one exercise stands after its history."""

    level: int
    """Index into the exercise's levels for today."""
    from_level: int
    """The level it was last done at."""
    direction: str | None
    """up, down, lowest (pain rose at the lowest level), or None (no change)."""
    streak: int = 0
    """Sessions in a row at that level, completed without more pain."""
    rise: int = 0
    """How far pain rose in the last session (down and lowest)."""


def progress(plan: Sequence[PlanItem], outcome: str, history: Sequence[SessionRecord],
             rules: Rules | None = None) -> tuple[tuple[PlanItem, ...], tuple[LevelChanged, ...]]:
    """Today's plan with each exercise at its level from the history, and the changes to announce."""
    rules = rules or load_rules()
    items, changes = [], []
    for item in plan:
        step = step_for(item, outcome, history, rules)
        if step is None:
            items.append(item)
            continue
        exercise = item.exercise
        items.append(replace(item, dose=exercise.levels[step.level]))
        if step.direction is not None:
            changes.append(_announce(exercise, step))
    return tuple(items), tuple(changes)


def step_for(item: PlanItem, outcome: str, history: Sequence[SessionRecord], rules: Rules) -> Step | None:
    """The history's level for one plan item; None when the history has nothing on its track."""
    exercise = item.exercise
    done = [(session, record) for session in history if not session.in_progress
            for record in session.exercises if _counts(exercise, item, record)]
    if not done:
        return None
    top = len(exercise.levels) - 1
    cap = rules.top_level.get(outcome, {}).get(exercise.id)
    if cap is not None:
        top = min(top, exercise.level_index(cap))
    last_session, last = done[-1]
    current = exercise.level_index(last.level)
    rise = last_session.pain_change
    if rise is not None and rise >= rules.pain_rise:
        if current == 0:
            return Step(0, 0, "lowest", rise=rise)
        return Step(min(current - 1, top), current, "down", rise=rise)
    streak = 0
    for session, record in reversed(done):
        if record.level != last.level or not _went_well(session, record):
            break
        streak += 1
    if streak >= rules.sessions_to_step_up and current < top:
        return Step(current + 1, current, "up", streak=streak)
    return Step(min(current, top), current, None, streak=streak)


def _counts(exercise: Exercise, item: PlanItem, record: ExerciseRecord) -> bool:
    """A record on this item's track, begun, at a catalogue dose (not a custom --hold/--reps/--sets)."""
    if record.exercise != exercise.id or record.gentle != item.gentle or record.status == "planned":
        return False
    try:
        dose = exercise.level(record.level)
    except KeyError:
        return False
    return (dose.hold_seconds, dose.reps, dose.sets, dose.per_side) == (
        record.hold_seconds, record.reps, record.sets, record.per_side)


def _went_well(session: SessionRecord, record: ExerciseRecord) -> bool:
    """Completed, and the pain score after was not higher than before."""
    change = session.pain_change
    return record.status == "completed" and change is not None and change <= 0


def _announce(exercise: Exercise, step: Step) -> LevelChanged:
    phrases: dict[str, Any] = data.load("phrases")["progress"]
    before, after = exercise.levels[step.from_level], exercise.levels[step.level]
    assert step.direction is not None
    said = phrases[step.direction].format(
        name=exercise.name[:1].upper() + exercise.name[1:], streak=step.streak, delta=step.rise,
        before=amount(exercise, before), after=amount(exercise, after))
    reason = (f"{step.streak} sessions in a row without more pain" if step.direction == "up"
              else f"pain rose by {step.rise}")
    return LevelChanged(exercise=exercise.id, from_level=before.level, to_level=after.level,
                        direction=step.direction, reason=reason, said=said)


def amount(exercise: Exercise, dose: Dose) -> str:
    """A level as spoken: "10 lifts", "15-second holds", "the single-leg bridge"."""
    phrases: dict[str, Any] = data.load("phrases")["progress"]
    if dose.per_side:
        return str(phrases["one_sided"].format(level=dose.level))
    if exercise.kind is Kind.HOLD:
        return str(phrases["holds"].format(seconds=dose.hold_seconds))
    return str(phrases["lifts"].format(reps=dose.reps))
