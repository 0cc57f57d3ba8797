"""The boundary of the core: something that speaks, something that listens, and a clock.

The triage engine, the dialogue and the exercise coach only see these protocols; adapters
(text, voice) stand behind them. Nothing here imports an audio library.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Vocabulary(StrEnum):
    """A group of words the listener should listen for."""

    YES_NO = "yes_no"
    NUMBER = "number"
    READY = "ready"
    COMMANDS = "commands"
    CHECK_ALL = "check_all"
    """"check everything": on a quick return, ask every question (CLINICAL.md section 1)."""


@dataclass(frozen=True)
class Expect:
    """What the coach is listening for right now."""

    vocabularies: frozenset[Vocabulary]
    background: bool = False
    """True while the coach counts or rests: only commands matter, and a text line that is not a
    command is left for the next question when input is scripted (piped)."""

    @classmethod
    def of(cls, *vocabularies: Vocabulary, background: bool = False) -> Expect:
        """Build an expectation from vocabularies."""
        return cls(frozenset(vocabularies), background)


class Sound(StrEnum):
    """A cue sound the coach plays (a chime, not words)."""

    GET_READY = "get_ready"
    START = "start"
    RELEASE = "release"
    REST_OVER = "rest_over"
    SET_DONE = "set_done"


@dataclass(frozen=True)
class Utterance:
    """What the listener caught: typed text, or a recogniser's hypothesis."""

    text: str
    confidence: float | None = None
    """0 to 1 where the recogniser gives one; None for typed text (certain)."""
    rejected: bool = False
    """True when a recogniser heard speech but judged it outside the vocabulary."""
    reason: str | None = None
    """Why it was rejected, in the recogniser's words (its evidence); None when accepted or typed."""


class InputClosed(Exception):
    """The input has ended (end of file on stdin, or the listener is gone for good)."""


class DeviceLost(Exception):
    """A sound device stopped working mid-session (unplugged, or taken by another program).

    The message says what happened and what to do, in words for the user.
    """

    device: str = "sound device"
    """Which device, in words: "microphone", "speaker"."""


class DeviceReturned(Exception):
    """A lost sound device works again and the person chose to carry on: what was under way (a hold,
    a rest, a question) starts again where it was."""

    def __init__(self, away_seconds: float) -> None:
        super().__init__(f"the device was away for {away_seconds:.1f} s")
        self.away_seconds = away_seconds
        """Coach-clock seconds from the loss to the person's "yes" (a rest is extended by this)."""


class DeviceWatch(Protocol):
    """Voice mode: knows which sound devices are failing and waits for them to work again."""

    def failing(self) -> tuple[str, ...]:
        """The devices not working now, in words ("microphone", "speaker"); empty when all work."""

    def wait_for_return(self, seconds: float) -> bool:
        """True once every device works again; False when ``seconds`` (real time) pass first."""


class Speaker(Protocol):
    """Something that speaks: a voice, or a terminal that prints."""

    def say(self, text: str) -> None:
        """Speak a sentence; returns when it has been spoken."""

    def say_at(self, deadline: float, text: str) -> None:
        """Speak a short cue (a count) so that it starts at ``deadline`` on the coach's clock.

        A voice returns as soon as the words are queued (the coach goes back to listening); it must
        be called at least ``lead_seconds`` before the deadline for the words to start on time.
        """

    def cue(self, sound: Sound, deadline: float | None = None) -> None:
        """Play a cue sound at ``deadline`` (None: now, after anything already queued); returns at once."""

    def hush(self) -> None:
        """Fall silent at once: cut what is playing and drop what is queued (the person said stop)."""

    @property
    def lead_seconds(self) -> float:
        """How long before a deadline ``say_at`` and ``cue`` must be called (0 for text)."""


class Listener(Protocol):
    """Something that listens: a microphone and a recogniser, or a keyboard."""

    def listen(self, expect: Expect, until: float | None) -> Utterance | None:
        """Return the next utterance, or None when ``until`` (clock time) passes first.

        ``until=None`` waits without a time limit. Raises :class:`InputClosed` when no more
        input can come.
        """


class Clock(Protocol):
    """Coach time in seconds. Deadlines are absolute readings of this clock."""

    def now(self) -> float:
        """The current time."""

    def sleep_until(self, deadline: float) -> None:
        """Return once ``now() >= deadline``."""

    def real_seconds_until(self, deadline: float | None) -> float | None:
        """Real seconds until a coach-time deadline (None: no deadline); 0 once it has passed.

        Adapters that block on real devices (a keyboard, a microphone) wait this long; a fake clock says 0.
        """
