"""The exercises of data/exercises.toml, their levels and doses, and plan items."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from functools import cache
from typing import Any

from voicecoach import data


class Kind(StrEnum):
    """How an exercise is counted."""

    HOLD = "hold"
    """Each repetition is a hold, counted in seconds."""
    REPS = "reps"
    """Repetitions counted at a cadence."""


@dataclass(frozen=True)
class Dose:
    """How much of an exercise: the numbers the coach counts."""

    level: str
    hold_seconds: int | None
    """Seconds per hold; None for rep exercises."""
    reps: int
    """Holds in a set (hold exercises), or repetitions in a set."""
    sets: int
    per_side: bool = False
    """Done on each side in turn (one-sided levels such as the single-leg bridge)."""
    explain_extra: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The dose as JSON-ready data."""
        body = asdict(self)
        body.pop("explain_extra")
        return body


@dataclass(frozen=True)
class Exercise:
    """One exercise from the catalogue."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: Kind
    position: str
    sided: bool
    explain: str
    go: str
    release: str
    gentle_note: str
    levels: tuple[Dose, ...]

    def level(self, name: str) -> Dose:
        """The dose of a named level ("gentle", "standard", ...)."""
        for dose in self.levels:
            if dose.level == name:
                return dose
        raise KeyError(f"{self.id} has no level {name!r}")

    def level_index(self, name: str) -> int:
        """Position of a level in the progression."""
        return self.levels.index(self.level(name))


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


@dataclass(frozen=True)
class PlanItem:
    """An exercise as planned for today: which side, which dose."""

    exercise: Exercise
    side: str | None
    """left, right or both for one-sided exercises; None otherwise."""
    dose: Dose
    gentle: bool = False

    def sides(self) -> list[str | None]:
        """The sides to work through, in order."""
        one_sided = self.exercise.sided or self.dose.per_side
        if not one_sided:
            return [None]
        if self.side in ("left", "right"):
            return [self.side]
        return ["left", "right"]

    def to_dict(self) -> dict[str, Any]:
        """The plan item as JSON-ready data."""
        return {
            "exercise": self.exercise.id,
            "name": self.exercise.name,
            "side": self.side,
            "gentle": self.gentle,
            "dose": self.dose.to_dict(),
        }

    def with_dose(self, **changes: Any) -> PlanItem:
        """A copy with some dose numbers changed (the CLI's --hold, --reps, --sets)."""
        return replace(self, dose=replace(self.dose, **changes))


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
