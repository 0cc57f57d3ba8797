"""What happened in one exercise: planned against done."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voicecoach.domain.doses import PlanItem


@dataclass
class ExerciseReport:
    """Planned and done holds, repetitions and sets of one exercise, and the commands used."""

    item: PlanItem
    status: str = "started"
    """started, completed, skipped or stopped."""
    holds_done: int = 0
    reps_done: int = 0
    sets_done: int = 0
    hold_durations: list[float] = field(default_factory=list)
    """Measured time under load of each hold, pauses excluded."""
    commands: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "exercise": self.item.exercise.id,
            "name": self.item.exercise.name,
            "side": self.item.side,
            "planned": self.item.dose.to_dict(),
            "status": self.status,
            "holds_done": self.holds_done,
            "reps_done": self.reps_done,
            "sets_done": self.sets_done,
            "hold_seconds": [round(d, 2) for d in self.hold_durations],
            "commands": list(self.commands),
        }
