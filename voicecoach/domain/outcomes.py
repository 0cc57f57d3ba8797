"""Where a triage points (CLINICAL.md section 6) and how an exercise ended, as enums."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """A triage outcome: the red flags, most severe first, then the others (data/outcomes.toml)."""

    EMERGENCY = "EMERGENCY"
    URGENT = "URGENT"
    UNRESOLVED = "UNRESOLVED"
    SEE_DOCTOR = "SEE_DOCTOR"
    PREGNANCY = "PREGNANCY"
    SACROILIITIS_POSSIBLE = "SACROILIITIS_POSSIBLE"
    SI_JOINT = "SI_JOINT"
    LOWER_BACK = "LOWER_BACK"
    INCONCLUSIVE = "INCONCLUSIVE"




class ExerciseStatus(StrEnum):
    """Where an exercise of a session stands."""

    PLANNED = "planned"
    """In today's plan, never begun."""
    STARTED = "started"
    """Under way (or cut off by the end of input, Ctrl-C or a lost device)."""
    COMPLETED = "completed"
    SKIPPED = "skipped"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    """The history's word for one still started when its session ended."""
