"""The one stream of typed events: everything that happens in a session is one of these.

The transcript file, the terminal display, the history store and the tests all read this stream.
Every event has ``t`` (seconds since the session started, on the coach's clock) and a ``type``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Protocol, get_type_hints

from voicecoach.domain.doses import Dose, PlanEntry
from voicecoach.domain.endings import How
from voicecoach.domain.outcomes import ExerciseStatus, Outcome
from voicecoach.event_codec import decode, encode

_TYPES: dict[str, type[Event]] = {}
"""Every event class by its ``type``, for reading a transcript back."""


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of all events."""

    type: ClassVar[str] = "event"
    t: float = field(default=0.0, compare=False)
    """Seconds since the session started, stamped by the :class:`Emitter`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _TYPES[cls.type] = cls

    def to_dict(self) -> dict[str, Any]:
        """The event as a JSON-ready dict, ``t`` and ``type`` first."""
        body = {f.name: encode(getattr(self, f.name)) for f in fields(self) if f.name != "t"}
        return {"t": round(self.t, 3), "type": self.type, **body}

    @staticmethod
    def from_dict(body: dict[str, Any]) -> Event:
        """An event read back from :meth:`to_dict` (a transcript line); fields it does not know are ignored.

        Raises ValueError for an unknown ``type`` or a value that does not fit its field.
        """
        cls = _TYPES.get(str(body.get("type")))
        if cls is None:
            raise ValueError(f"not an event type: {body.get('type')!r}")
        hints = get_type_hints(cls)
        known = {f.name: f for f in fields(cls) if f.init}
        values = {name: decode(hints[name], body[name]) for name in known if name in body}
        try:
            return cls(**values)
        except TypeError as err:
            raise ValueError(f"a {cls.type} event without all its fields: {err}") from err


@dataclass(frozen=True, kw_only=True)
class Said(Event):
    """The coach said (or printed) a line."""

    type: ClassVar[str] = "said"
    text: str


@dataclass(frozen=True, kw_only=True)
class Asked(Event):
    """The coach asked a question."""

    type: ClassVar[str] = "asked"
    id: str
    """CLINICAL.md question id, or PAIN_BEFORE, PAIN_AFTER, WORSE, CARRY_ON, READY, CONFIRM..."""
    text: str
    attempt: int
    """1 for the first time the question is asked, 2 and 3 for the re-asks."""


@dataclass(frozen=True, kw_only=True)
class Listening(Event):
    """The coach has said its piece and now waits for an answer (not sent while counting or resting)."""

    type: ClassVar[str] = "listening"
    expect: tuple[str, ...]
    """The vocabularies that fit the answer (yes_no, number, ready, commands)."""


@dataclass(frozen=True, kw_only=True)
class Heard(Event):
    """The listener delivered an utterance (spoken or typed)."""

    type: ClassVar[str] = "heard"
    text: str
    confidence: float | None = None
    """The recogniser's confidence from 0 to 1; None when typed."""
    accepted: bool
    """Whether it was understood in the current context."""
    meaning: str | int | None = None
    """What the words meant here: yes, no, ready, skipped, a number or a command name; None when nothing fit."""
    reason: str | None = None
    """Why the recogniser rejected it (its evidence, e.g. "a decoy or another meaning wins"); None otherwise."""


@dataclass(frozen=True, kw_only=True)
class Answered(Event):
    """A question got its final answer."""

    type: ClassVar[str] = "answered"
    id: str
    value: str | int | None
    """yes, no, unclear, skipped, ready, or a pain score."""


@dataclass(frozen=True, kw_only=True)
class OutcomeReached(Event):
    """The triage reached an outcome."""

    type: ClassVar[str] = "outcome"
    outcome: Outcome
    side: str | None
    advice: tuple[str, ...]
    """Advice ids, in the order they are spoken."""
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ExerciseStarted(Event):
    """An exercise began."""

    type: ClassVar[str] = "exercise_started"
    exercise: str
    side: str | None
    dose: Dose
    """level, hold_seconds, reps, sets, per_side."""


@dataclass(frozen=True, kw_only=True)
class Count(Event):
    """One count of a hold (a second) or of a set (a repetition)."""

    type: ClassVar[str] = "count"
    exercise: str
    n: int
    set: int
    hold: int | None = None
    """Which hold of the set this second belongs to (hold exercises)."""
    rep: int | None = None
    """Which repetition (rep exercises), equal to n."""
    side: str | None = None
    scheduled: float
    """The deadline the count was scheduled for, on the same clock as ``t``."""


@dataclass(frozen=True, kw_only=True)
class HoldDone(Event):
    """A hold ended with its release."""

    type: ClassVar[str] = "hold_done"
    exercise: str
    set: int
    hold: int
    side: str | None
    held_seconds: float
    """Time under load, pauses excluded."""


@dataclass(frozen=True, kw_only=True)
class SetDone(Event):
    """A set ended."""

    type: ClassVar[str] = "set_done"
    exercise: str
    set: int
    side: str | None
    reps: int
    duration_seconds: float


@dataclass(frozen=True, kw_only=True)
class Rest(Event):
    """A rest began."""

    type: ClassVar[str] = "rest"
    exercise: str
    set: int
    seconds: float


@dataclass(frozen=True, kw_only=True)
class CommandHeard(Event):
    """The person gave a command (stop, pause, resume, repeat, skip, slower, faster, help, how_many_left)."""

    type: ClassVar[str] = "command"
    name: str
    exercise: str | None = None


@dataclass(frozen=True, kw_only=True)
class ExerciseDone(Event):
    """An exercise ended, completed or not."""

    type: ClassVar[str] = "exercise_done"
    exercise: str
    status: ExerciseStatus
    """completed, skipped, stopped (started: cut off by the end of input, Ctrl-C or a lost device)."""


@dataclass(frozen=True, kw_only=True)
class PainScore(Event):
    """A 0-10 pain score."""

    type: ClassVar[str] = "pain_score"
    when: str
    """before or after."""
    value: int | None


@dataclass(frozen=True, kw_only=True)
class SessionEnd(Event):
    """The session ended."""

    type: ClassVar[str] = "session_end"
    how: How
    """finished, stopped, referred, interrupted, no_input."""
    exit_code: int


@dataclass(frozen=True, kw_only=True)
class LevelChanged(Event):
    """The progression moved an exercise to another level for today (CLINICAL.md section 9)."""

    type: ClassVar[str] = "level_change"
    exercise: str
    from_level: str
    to_level: str
    direction: str
    """up, down, or lowest (pain rose but the exercise is already at its lowest level)."""
    reason: str
    """What in the history led to it, e.g. "3 sessions without more pain" or "pain rose by 2"."""
    said: str
    """The sentence that announces it."""


@dataclass(frozen=True, kw_only=True)
class DeviceFault(Event):
    """Voice mode: a sound device stopped working (``lost``), works again (``back``), or did not come
    back in time (``gone``)."""

    type: ClassVar[str] = "device"
    state: str
    devices: tuple[str, ...]
    """The devices concerned, in words ("microphone", "speaker")."""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class PlanMade(Event):
    """Today's plan, as it will be coached (after any progression): one dict per plan item."""

    type: ClassVar[str] = "plan"
    items: tuple[PlanEntry, ...]
    """Each written as exercise, name, side, gentle, dose (level, hold_seconds, reps, sets, per_side)."""


EventSink = Callable[[Event], None]
"""Anything that takes events: a list's ``append``, the transcript writer, the display."""


class SinkHolder(Protocol):
    """Something sinks can be added to: the Emitter, or the queue that runs slow sinks on their own thread."""

    def add(self, sink: EventSink) -> None:
        """Add a sink."""


class Emitter:
    """Stamps events with the clock's time and hands them to every sink."""

    def __init__(self, now: Callable[[], float], sinks: list[EventSink] | None = None) -> None:
        self._now = now
        self._start = now()
        self._sinks: list[EventSink] = list(sinks or [])

    def add(self, sink: EventSink) -> None:
        """Add a sink; it receives every event emitted from now on."""
        self._sinks.append(sink)

    def elapsed(self) -> float:
        """Seconds since the emitter was made (the session's start)."""
        return self._now() - self._start

    def since_start(self, clock_time: float) -> float:
        """Convert a clock reading into seconds since the session started."""
        return clock_time - self._start

    def __call__(self, event: Event) -> None:
        """Stamp an event with the time and deliver it to every sink."""
        stamped = replace(event, t=self.elapsed())
        for sink in self._sinks:
            sink(stamped)

