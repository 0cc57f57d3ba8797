"""What a session takes from the history (the red flag carried over, today's levels) and the sink
that writes the session back: the one thing the composition root needs from this package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voicecoach.coach.catalogue import plan_items
from voicecoach.domain.doses import PlanItem
from voicecoach.events import LevelChanged, SinkHolder
from voicecoach.history.carry_over import carried_over
from voicecoach.history.progression import progress
from voicecoach.history.quick_return import quick_return
from voicecoach.history.recorder import Recorder
from voicecoach.history.records import SessionRecord
from voicecoach.history.store import HistoryStore, WallClock, utc_now
from voicecoach.triage.decision import TriageResult
from voicecoach.triage.guards import TriageContext

Adjusted = tuple[tuple[PlanItem, ...], tuple[LevelChanged, ...]]
"""Today's plan after the progression, and the level changes to announce."""


@dataclass
class HistoryLink:
    """A session's tie to the history; ``detached()`` for a session that neither reads nor keeps any."""

    context: TriageContext
    progression: Callable[[TriageResult], Adjusted] | None = None
    """Today's plan from the triage's and the history (the session's ``Progression``)."""
    recorder: Recorder | None = None

    @classmethod
    def detached(cls) -> HistoryLink:
        """No history: the triage's own levels, nothing carried over, nothing kept (--no-history)."""
        return cls(TriageContext())

    def connect(self, emit: SinkHolder) -> None:
        """Have the session's events written to the history."""
        if self.recorder is not None:
            emit.add(self.recorder)

    def close(self) -> None:
        """Finish writing (a session that never said how it ended is kept as interrupted)."""
        if self.recorder is not None:
            self.recorder.close()
            self.recorder.store.close()


def attach(folder: Path, command: str, *, mode: str, wall_clock: WallClock | None = None,
           warn: Callable[[str], None] = print, full_triage: bool = False) -> HistoryLink:
    """Open the history of a data folder for one session. Raises HistoryError when it cannot be used.

    A ``session`` within a week of a full triage may be a quick return (CLINICAL.md section 1), unless
    ``full_triage`` (--full-triage) asks for every question; ``triage`` always asks every question.
    """
    wall_clock = wall_clock or utc_now
    store = HistoryStore.open(folder, wall_clock=wall_clock, notice=warn)
    past = store.sessions()
    pending = carried_over(past)
    quick = None if full_triage or command != "session" or pending else quick_return(past, wall_clock())
    return HistoryLink(
        context=TriageContext(carried_over=pending, quick=quick),
        progression=_progression(past),
        recorder=Recorder(store, command, mode, warn=warn),
    )


def _progression(past: list[SessionRecord]) -> Callable[[TriageResult], Adjusted]:
    def adjust(result: TriageResult) -> Adjusted:
        return progress(plan_items(result.plan), result.outcome, past)
    return adjust
