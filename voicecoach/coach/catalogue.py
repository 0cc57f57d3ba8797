"""The exercises of data/exercises.toml with their levels, the timing defaults, and plan items made from them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from voicecoach import data
from voicecoach.domain.doses import Dose, Exercise, Kind, PlanItem, PlanStart


@dataclass(frozen=True)
class Timing:
    """The timing defaults of data/exercises.toml [timing]."""

    get_ready_seconds: float
    count_lead_seconds: float
    rest_between_holds_seconds: float
    rest_between_sets_seconds: float
    cadence_seconds: float
    cadence_min_seconds: float
    cadence_max_seconds: float
    cadence_step_seconds: float
    lower_cue_fraction: float
    rest_reminder_min_seconds: float


@cache
def exercises() -> dict[str, Exercise]:
    """All exercises by id."""
    result = {}
    for raw in data.load("exercises")["exercise"]:
        levels = tuple(
            Dose(
                level=lv["name"],
                hold_seconds=lv.get("hold_seconds"),
                reps=lv["reps"],
                sets=lv["sets"],
                per_side=lv.get("per_side", False),
                explain_extra=lv.get("explain_extra", ""),
            )
            for lv in raw["levels"]
        )
        result[raw["id"]] = Exercise(
            id=raw["id"],
            name=raw["name"],
            aliases=tuple(raw["aliases"]),
            kind=Kind(raw["kind"]),
            position=raw["position"],
            sided=raw["sided"],
            explain=raw["explain"],
            go=raw["go"],
            release=raw["release"],
            gentle_note=raw["gentle_note"],
            levels=levels,
        )
    return result


@cache
def timing() -> Timing:
    """The timing defaults."""
    return Timing(**data.load("exercises")["timing"])


def find(name: str) -> Exercise:
    """An exercise by id or alias, case and separators ignored ("e2", "Bridge", "knee-to-chest")."""
    wanted = name.strip().lower().replace("_", "-").replace(" ", "-")
    for exercise in exercises().values():
        names = {exercise.id.lower(), exercise.name.replace(" ", "-"), *exercise.aliases}
        if wanted in {n.lower().replace("_", "-") for n in names}:
            return exercise
    raise KeyError(name)


def plan_item(exercise_id: str, side: str | None = None, start: str = "standard") -> PlanItem:
    """A plan item at a named starting level."""
    exercise = exercises()[exercise_id]
    side_value = (side or "both") if exercise.sided else None
    return PlanItem(exercise, side_value, exercise.level(start), gentle=start == "gentle")


def plan_items(starts: tuple[PlanStart, ...]) -> tuple[PlanItem, ...]:
    """The triage's plan (exercise, side, starting level) with the catalogue's doses."""
    return tuple(plan_item(start.exercise, start.side, start.start) for start in starts)
