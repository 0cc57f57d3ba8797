"""Pure timing: when each count of a hold or a repetition is due, and the pace of repetitions.

Deadlines are absolute: each is computed from the start of the hold or repetition, never from the
time the previous count happened to be said, so a slow speaker cannot make the counts drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CueKind(StrEnum):
    """What happens at a cue's time."""

    COUNT = "count"
    LOWER = "lower"
    RELEASE = "release"


@dataclass(frozen=True)
class Cue:
    """Something to say at an absolute time."""

    at: float
    kind: CueKind
    n: int = 0


def hold_cues(start: float, hold_seconds: int, done: int = 0) -> list[Cue]:
    """The counts of a hold that began at ``start`` (1 at start+1 ... N at start+N), then release.

    ``done`` counts already said are left out (carrying on after a pause).
    """
    counts = [Cue(start + n, CueKind.COUNT, n) for n in range(done + 1, hold_seconds + 1)]
    return [*counts, Cue(start + hold_seconds, CueKind.RELEASE, hold_seconds)]


def rep_cues(start: float, n: int, cadence: float, lower_fraction: float) -> list[Cue]:
    """Repetition ``n`` starting at ``start``: its count, then the cue to lower."""
    return [Cue(start, CueKind.COUNT, n), Cue(start + lower_fraction * cadence, CueKind.LOWER, n)]


@dataclass(frozen=True)
class Pace:
    """Seconds per repetition, changed by "slower" and "faster" in steps within bounds."""

    seconds: float
    minimum: float
    maximum: float
    step: float

    def slower(self) -> Pace | None:
        """One step slower, or None at the slowest."""
        if self.seconds + self.step > self.maximum + 1e-9:
            return None
        return Pace(round(self.seconds + self.step, 3), self.minimum, self.maximum, self.step)

    def faster(self) -> Pace | None:
        """One step faster, or None at the fastest."""
        if self.seconds - self.step < self.minimum - 1e-9:
            return None
        return Pace(round(self.seconds - self.step, 3), self.minimum, self.maximum, self.step)


def rest_reminder_at(start: float, seconds: float, reminder_min_seconds: float) -> float | None:
    """When to say "10 seconds left" in a rest, or None for a rest too short to need it."""
    if seconds < reminder_min_seconds:
        return None
    return start + seconds - 10.0
