"""Exercises, their doses and today's plan, as plain values (the catalogue loads them from data)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any


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
    explain_extra: str = field(default="", compare=False)
    """Words added to the explanation at this level (not part of the numbers, not in events)."""

    def to_dict(self) -> dict[str, Any]:
        """The dose as JSON-ready data."""
        body = asdict(self)
        body.pop("explain_extra")
        return body

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> Dose:
        """A dose read back from :meth:`to_dict` (a transcript line)."""
        return cls(level=body["level"], hold_seconds=body.get("hold_seconds"), reps=body["reps"],
                   sets=body["sets"], per_side=bool(body.get("per_side", False)))


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
        return self.entry().to_dict()

    def entry(self) -> PlanEntry:
        """The plan item as events carry it (the exercise by id and name)."""
        return PlanEntry(self.exercise.id, self.exercise.name, self.side, self.gentle, self.dose)

    def with_dose(self, **changes: Any) -> PlanItem:
        """A copy with some dose numbers changed (the CLI's --hold, --reps, --sets)."""
        return replace(self, dose=replace(self.dose, **changes))


@dataclass(frozen=True)
class PlanStart:
    """An exercise as an outcome plans it (outcomes.toml): which, on which side, from which level."""

    exercise: str
    side: str | None
    """left, right or both as the triage found it; the catalogue drops it for exercises done on both sides."""
    start: str
    """The level to start from ("gentle", "standard")."""


@dataclass(frozen=True)
class PlanEntry:
    """A plan item as the events carry it: the exercise by id and name, its side and dose."""

    exercise: str
    name: str
    side: str | None
    gentle: bool
    dose: Dose

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: exercise, name, side, gentle, dose."""
        return {"exercise": self.exercise, "name": self.name, "side": self.side, "gentle": self.gentle,
                "dose": self.dose.to_dict()}

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> PlanEntry:
        """A plan entry read back from :meth:`to_dict`."""
        return cls(body["exercise"], body.get("name", body["exercise"]), body.get("side"),
                   bool(body.get("gentle")), Dose.from_dict(body["dose"]))
