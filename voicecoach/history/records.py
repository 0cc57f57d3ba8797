"""What the history holds, as plain values: one record per session, one per exercise in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

IN_PROGRESS = "in_progress"
"""The ``how`` of a session whose process is still running."""
INTERRUPTED = "interrupted"
"""The ``how`` of a session that ended without saying so (Ctrl-C, SIGTERM, a crash, SIGKILL)."""


@dataclass(frozen=True)
class ExerciseRecord:
    """One exercise of a session: planned against done."""

    exercise: str
    side: str | None
    level: str
    """The level name of the dose (custom doses from --hold/--reps/--sets keep the name they started from)."""
    gentle: bool
    """The plan started it gently (its own progression track)."""
    hold_seconds: int | None
    reps: int
    sets: int
    per_side: bool
    status: str
    """planned (never begun), started (under way), completed, skipped, stopped, interrupted (cut off)."""
    holds_done: int = 0
    reps_done: int = 0
    sets_done: int = 0
    hold_durations: tuple[float, ...] = ()
    commands: tuple[str, ...] = ()
    change: str | None = None
    """How the progression changed it for this session: up, down, lowest; None: unchanged."""
    change_from: str | None = None
    """The level it would have had without the change."""
    name: str = field(default="", compare=False)
    """The exercise's name as the plan gave it (for ``--json``; the history keeps the id)."""

    @property
    def seconds_held(self) -> float:
        """Total time under load of its holds."""
        return sum(self.hold_durations)

    def to_report_dict(self) -> dict[str, Any]:
        """The exercise as the session's ``--json`` summary has always written it."""
        return {
            "exercise": self.exercise,
            "name": self.name,
            "side": self.side,
            "planned": {"level": self.level, "hold_seconds": self.hold_seconds, "reps": self.reps, "sets": self.sets,
                        "per_side": self.per_side},
            "status": self.status,
            "holds_done": self.holds_done,
            "reps_done": self.reps_done,
            "sets_done": self.sets_done,
            "hold_seconds": [round(d, 2) for d in self.hold_durations],
            "commands": list(self.commands),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "exercise": self.exercise,
            "side": self.side,
            "level": self.level,
            "gentle": self.gentle,
            "planned": {"hold_seconds": self.hold_seconds, "reps": self.reps, "sets": self.sets,
                        "per_side": self.per_side},
            "status": self.status,
            "holds_done": self.holds_done,
            "reps_done": self.reps_done,
            "sets_done": self.sets_done,
            "hold_seconds_done": [round(d, 2) for d in self.hold_durations],
            "commands": list(self.commands),
            "change": self.change,
            "change_from": self.change_from,
        }


@dataclass(frozen=True)
class SessionRecord:
    """One session as stored."""

    id: int
    started_at: datetime
    """Timezone-aware."""
    ended_at: datetime | None
    mode: str
    command: str
    how: str
    """finished, stopped, referred, no_input, interrupted, or in_progress."""
    exit_code: int | None = None
    outcome: str | None = None
    side: str | None = None
    flags: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    answers: dict[str, str] = field(default_factory=dict)
    """Question id -> the last answer given (yes, no, unclear, skipped, ready, or a number)."""
    pain_before: int | None = None
    pain_after: int | None = None
    exercises: tuple[ExerciseRecord, ...] = ()

    @property
    def pain_change(self) -> int | None:
        """After minus before, when both were given."""
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before

    @property
    def in_progress(self) -> bool:
        """True while the session's process still runs it."""
        return self.how == IN_PROGRESS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``history --json``)."""
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "mode": self.mode,
            "command": self.command,
            "outcome": self.outcome,
            "side": self.side,
            "flags": list(self.flags),
            "advice": list(self.advice),
            "answers": dict(self.answers),
            "pain_before": self.pain_before,
            "pain_after": self.pain_after,
            "pain_change": self.pain_change,
            "exercises": [e.to_dict() for e in self.exercises],
            "how": self.how,
            "exit_code": self.exit_code,
        }
