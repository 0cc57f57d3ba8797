"""One pure fold of the event stream into the session record (what the history keeps, ``--json`` prints
and a transcript replays into). The recorder, the session's report and the tests all use it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from voicecoach.domain.doses import PlanEntry
from voicecoach.domain.endings import How
from voicecoach.domain.outcomes import ExerciseStatus, Outcome
from voicecoach.events import (
    Answered,
    CommandHeard,
    Count,
    Event,
    ExerciseDone,
    ExerciseStarted,
    HoldDone,
    LevelChanged,
    OutcomeReached,
    PainScore,
    PlanMade,
    SessionEnd,
    SetDone,
)
from voicecoach.history.records import ExerciseRecord


@dataclass(frozen=True)
class Tally:
    """A session's record as far as its events go."""

    answers: dict[str, str | None] = field(default_factory=dict)
    """Question id -> the last answer given, as the history keeps it (text; None: no number given)."""
    outcome: Outcome | None = None
    side: str | None = None
    flags: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    pain_before: int | None = None
    pain_after: int | None = None
    exercises: tuple[ExerciseRecord, ...] = ()
    """Every exercise of today's plan, in order, planned against done."""
    how: How | None = None
    exit_code: int | None = None
    current: int | None = None
    """The index in ``exercises`` of the exercise under way."""
    counting: tuple[str | None, int, int] | None = None
    """The repetition being counted (side, set, number), not yet done: it is done when the next one is
    counted or its set ends (one counted again after a pause is the same repetition)."""

    @property
    def begun(self) -> tuple[ExerciseRecord, ...]:
        """The exercises that were begun, in order (the ``--json`` summary's exercises)."""
        return tuple(e for e in self.exercises if e.status != ExerciseStatus.PLANNED)


def fold(events: Iterable[Event], tally: Tally | None = None) -> Tally:
    """The session record the events give (from ``tally`` on, when given)."""
    result = tally or Tally()
    for event in events:
        result = step(result, event)
    return result


def step(tally: Tally, event: Event) -> Tally:
    """The record after one more event. Pure."""
    match event:
        case Answered():
            value = None if event.value is None else str(event.value)
            return replace(tally, answers={**tally.answers, event.id: value})
        case OutcomeReached():
            return replace(tally, outcome=event.outcome, side=event.side, flags=event.flags, advice=event.advice)
        case PainScore(when="before"):
            return replace(tally, pain_before=event.value)
        case PainScore(when="after"):
            return replace(tally, pain_after=event.value)
        case PlanMade():
            return replace(tally, exercises=(*tally.exercises, *(_planned(item) for item in event.items)))
        case LevelChanged():
            index = _find_planned(tally, event.exercise)
            return tally if index is None else _change(tally, index, change=event.direction,
                                                       change_from=event.from_level)
        case ExerciseStarted():
            return _started(tally, event)
        case SessionEnd():
            return replace(tally, how=event.how, exit_code=event.exit_code)
    return tally if tally.current is None else _under_way(tally, tally.current, event)


def _under_way(tally: Tally, index: int, event: Event) -> Tally:
    """An event about the exercise under way."""
    record = tally.exercises[index]
    match event:
        case Count(rep=int(rep)):
            key = (event.side, event.set, rep)
            done = tally.counting not in (None, key)
            changed = _change(tally, index, reps_done=record.reps_done + 1) if done else tally
            return replace(changed, counting=key)
        case HoldDone():
            return _change(tally, index, holds_done=record.holds_done + 1,
                           hold_durations=(*record.hold_durations, event.held_seconds))
        case SetDone():
            reps_done = record.reps_done + (tally.counting is not None)
            return replace(_change(tally, index, reps_done=reps_done, sets_done=record.sets_done + 1), counting=None)
        case CommandHeard():
            return _change(tally, index, commands=(*record.commands, event.name))
        case ExerciseDone():
            return replace(_change(tally, index, status=event.status), current=None, counting=None)
    return tally


def _started(tally: Tally, event: ExerciseStarted) -> Tally:
    index = _find_planned(tally, event.exercise)
    if index is None:  # no plan event came first: the exercise as it began
        entry = PlanEntry(event.exercise, event.exercise, event.side, event.dose.level == "gentle", event.dose)
        tally = replace(tally, exercises=(*tally.exercises, _planned(entry)))
        index = len(tally.exercises) - 1
    return replace(_change(tally, index, status=ExerciseStatus.STARTED), current=index, counting=None)


def _find_planned(tally: Tally, exercise: str) -> int | None:
    return next((i for i, e in enumerate(tally.exercises)
                 if e.exercise == exercise and e.status == ExerciseStatus.PLANNED), None)


def _change(tally: Tally, index: int, **changes: object) -> Tally:
    exercises = list(tally.exercises)
    exercises[index] = replace(exercises[index], **changes)  # type: ignore[arg-type]
    return replace(tally, exercises=tuple(exercises))


def _planned(item: PlanEntry) -> ExerciseRecord:
    """A plan entry as a planned exercise record."""
    dose = item.dose
    return ExerciseRecord(
        exercise=item.exercise, side=item.side, level=dose.level, gentle=item.gentle, hold_seconds=dose.hold_seconds,
        reps=dose.reps, sets=dose.sets, per_side=dose.per_side, status=ExerciseStatus.PLANNED, name=item.name,
    )
