"""What the live terminal view shows, as a pure value: :func:`apply` folds each event into a :class:`ViewState`.

Time enters only as the ``now`` argument (a reading of whatever clock the display was given), so the
rest timer is tested with plain numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from voicecoach import data
from voicecoach.coach import catalogue
from voicecoach.domain.questions import QuestionKind
from voicecoach.events import (
    Answered,
    Asked,
    CommandHeard,
    Count,
    Event,
    ExerciseDone,
    ExerciseStarted,
    Heard,
    HoldDone,
    Rest,
    Said,
    SessionEnd,
    SetDone,
)
from voicecoach.triage import questions


class Phase(StrEnum):
    """Where the session is, as the screen shows it."""

    TRIAGE = "triage"
    """Questions: the opening, the triage, the pain scores."""
    EXERCISE = "exercise"
    REST = "rest"
    PAUSED = "paused"
    DONE = "done"


@dataclass(frozen=True)
class HeardLine:
    """The last thing the listener caught."""

    text: str
    accepted: bool
    """Understood in its context."""
    confidence: float | None
    """The recogniser's 0-1 confidence; None when typed."""


@dataclass(frozen=True)
class ViewState:
    """Everything the panel draws; changed only by :func:`apply` and :func:`at`."""

    now: float = 0.0
    """The display clock's reading when the state was last brought up to date."""
    phase: Phase = Phase.TRIAGE
    question: str | None = None
    """The question waiting for an answer."""
    question_id: str | None = None
    question_in_pause: bool = False
    """The question was asked while paused (after "stop": is the pain worse?), so it is what to answer."""
    exercise: str | None = None
    """The exercise's name ("bridge")."""
    side: str | None = None
    """left, right or both."""
    exercise_done: str | None = None
    """How the exercise shown ended (completed, skipped, stopped); None while it is under way."""
    hold_seconds: int | None = None
    """Seconds per hold; None for a repetition exercise."""
    per_set: int = 0
    """Holds in a set, or repetitions in a set."""
    set: int = 0
    sets: int = 0
    hold: int | None = None
    """Which hold of the set (hold exercises)."""
    count: int | None = None
    """The last number counted: a second of a hold, or a repetition. None before the first count."""
    set_finished: bool = False
    """The current set has ended (so a rest now is a rest between sets)."""
    rest_seconds: float | None = None
    rest_ends_at: float | None = None
    """Display-clock time the rest ends; a pause moves it back, as the coach does."""
    paused_at: float | None = None
    before_pause: Phase | None = None
    said: str | None = None
    heard: HeardLine | None = None
    ended: str | None = None
    """How the session ended (SessionEnd.how)."""

    @property
    def rest_left(self) -> int | None:
        """Whole seconds of rest left (rounded up, never below 0); None when not resting."""
        if self.rest_ends_at is None:
            return None
        until = self.paused_at if self.paused_at is not None else self.now
        return max(0, math.ceil(round(self.rest_ends_at - until, 6)))

    @property
    def hint(self) -> str:
        """What the person can say right now."""
        hints = _words()["hint"]
        if self.phase is Phase.DONE:
            return str(hints["done"])
        if self.phase is Phase.PAUSED and not self.question_in_pause:
            return str(hints["paused"])
        if self.question_id is not None:
            return str(hints[_answer_kind(self.question_id)])
        return str(hints["exercise" if self.exercise and not self.exercise_done else "idle"])


def at(state: ViewState, now: float) -> ViewState:
    """The state at a later clock reading (the rest timer moves on)."""
    return state if state.now == now else replace(state, now=now)


def apply(state: ViewState, event: Event, now: float) -> ViewState:
    """The state after one event, received at clock reading ``now``."""
    state = at(state, now)
    match event:
        case Said(text=text):
            return _said(replace(state, said=text), text)
        case Heard():
            return replace(state, heard=HeardLine(event.text, event.accepted, event.confidence))
        case Asked():
            if state.exercise_done is not None:  # the pain score after, or before the next exercise
                state = replace(state, phase=Phase.TRIAGE, exercise=None, side=None, exercise_done=None, sets=0)
            return replace(state, question=event.text, question_id=event.id,
                           question_in_pause=state.phase is Phase.PAUSED)
        case Answered():
            return replace(state, question=None, question_id=None, question_in_pause=False)
        case ExerciseStarted():
            return _started(state, event)
        case Count():
            return replace(
                state, phase=Phase.EXERCISE, set=event.set, side=event.side or state.side, hold=event.hold,
                count=event.n, set_finished=False, rest_seconds=None, rest_ends_at=None, paused_at=None,
                before_pause=None,
            )
        case HoldDone():
            return replace(state, hold=event.hold, set=event.set)
        case SetDone():
            return replace(state, set=event.set, set_finished=True)
        case Rest():
            return replace(state, phase=Phase.REST, rest_seconds=event.seconds, rest_ends_at=now + event.seconds)
        case CommandHeard(name="pause" | "stop"):
            # After "stop" the coach asks whether the pain is worse; the rest timer waits, as the coach's does.
            return _paused(state)
        case CommandHeard(name="resume"):
            return _resumed(state)
        case ExerciseDone():
            return replace(
                state, phase=Phase.EXERCISE, exercise_done=event.status, count=None, rest_seconds=None,
                rest_ends_at=None, paused_at=None, before_pause=None,
            )
        case SessionEnd():
            return replace(state, phase=Phase.DONE, question=None, question_id=None, paused_at=None, ended=event.how)
    return state


def _started(state: ViewState, event: ExerciseStarted) -> ViewState:
    exercise = catalogue.exercises().get(event.exercise)
    return replace(
        state, phase=Phase.EXERCISE, exercise=exercise.name if exercise else event.exercise, side=event.side,
        hold_seconds=event.dose.hold_seconds, per_set=event.dose.reps, set=1, sets=event.dose.sets, hold=None,
        count=None, set_finished=False,
        rest_seconds=None, rest_ends_at=None, exercise_done=None,
    )


def _said(state: ViewState, text: str) -> ViewState:
    """The pause and the resume are only visible as what the coach says when a question is paused."""
    talk = data.load("phrases")["exercise"]
    if text == talk["paused"]:
        return _paused(state)
    if text == talk["resumed"]:
        return _resumed(state)
    return state


def _paused(state: ViewState) -> ViewState:
    if state.phase in (Phase.PAUSED, Phase.DONE):
        return state
    return replace(state, phase=Phase.PAUSED, before_pause=state.phase, paused_at=state.now)


def _resumed(state: ViewState) -> ViewState:
    if state.phase is not Phase.PAUSED:
        return state
    ends_at = state.rest_ends_at
    if ends_at is not None and state.paused_at is not None:
        ends_at += state.now - state.paused_at
    return replace(state, phase=state.before_pause or Phase.TRIAGE, before_pause=None, paused_at=None,
                   rest_ends_at=ends_at)


def _answer_kind(question_id: str) -> str:
    """yes_no, number, ready, ready_or_skip (the knee test) or check_in (R0): which hint fits the question."""
    kinds = _words()["question"]
    if question_id in kinds["number"]:
        return "number"
    if question_id in kinds["ready"]:
        return "ready"
    try:
        question = questions.by_id(question_id).question
    except KeyError:  # the coach's own questions (WORSE, CARRY_ON, HIGH_PAIN, ...) are yes/no
        return "yes_no"
    if question.kind is QuestionKind.READY:
        return "ready_or_skip" if question.skippable else "ready"
    if question.kind is QuestionKind.CHECK_IN:
        return "check_in"
    return "yes_no"


def _words() -> dict[str, Any]:
    return data.load("display")


def words(section: str, key: str) -> str:
    """A label or text of data/display.toml."""
    return str(_words()[section][key])
