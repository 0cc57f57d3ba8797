"""Hand-written fakes for unit tests of pure logic: a clock that only moves when told, a listener
that replays a script, and a speaker that records."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from voicecoach.dialogue.conversation import AskingPolicy, Conversation
from voicecoach.events import Emitter, Event
from voicecoach.ports import Expect, InputClosed, Sound, Utterance


class FakeClock:
    """Coach time that advances only when something sleeps: a 10-second hold runs instantly."""

    def __init__(self, start: float = 0.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def sleep_until(self, deadline: float) -> None:
        self.t = max(self.t, deadline)

    def real_seconds_until(self, deadline: float | None) -> float | None:
        return None if deadline is None else 0.0


@dataclass(frozen=True)
class Reply:
    """A scripted utterance. ``at`` set: spoken at that clock time (e.g. "stop" mid-hold);
    ``at`` None: the answer to the next question."""

    text: str
    at: float | None = None
    confidence: float | None = None
    rejected: bool = False
    reason: str | None = None


SILENCE = "<silence>"
"""A scripted reply that says nothing: the listener's deadline passes."""


class ScriptedListener:
    """Replays replies; answers without a time wait for a question, timed ones come when due."""

    def __init__(self, clock: FakeClock, replies: list[Reply | str]) -> None:
        self.clock = clock
        self.replies = deque(r if isinstance(r, Reply) else Reply(r) for r in replies)
        self.expectations: list[Expect] = []

    def listen(self, expect: Expect, until: float | None) -> Utterance | None:
        self.expectations.append(expect)
        if not self.replies:
            if until is None or not expect.background:
                raise InputClosed  # the script is over: a question gets the end of input
            self.clock.sleep_until(until)  # while counting, nothing more is said
            return None
        reply = self.replies[0]
        if reply.at is None and expect.background:
            due = None  # an answer for the next question: not heard while counting
        elif reply.at is None:
            due = self.clock.now()
        else:
            due = reply.at
        if due is None or (until is not None and due > until):
            if until is None:
                raise AssertionError(f"listener would wait forever; next reply {reply}")
            self.clock.sleep_until(until)
            return None
        self.replies.popleft()
        if reply.text == SILENCE:
            if until is not None:
                self.clock.sleep_until(until)
            return None
        self.clock.sleep_until(due)
        return Utterance(reply.text, reply.confidence, reply.rejected, reply.reason)


class RecordingSpeaker:
    """Records (time, text) of everything said, and (time, sound, deadline) of every cue sound."""

    lead_seconds = 0.0

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.lines: list[tuple[float, str]] = []
        self.cues: list[tuple[float, Sound, float | None]] = []
        self.hushed: list[float] = []
        self.hushed_after: list[int] = []
        """How many lines had been said at each hush (the order of hushes and lines)."""

    def say(self, text: str) -> None:
        self.lines.append((self.clock.now(), text))

    def say_at(self, deadline: float, text: str) -> None:
        self.clock.sleep_until(deadline)
        self.say(text)

    def cue(self, sound: Sound, deadline: float | None = None) -> None:
        self.cues.append((self.clock.now(), sound, deadline))

    def hush(self) -> None:
        self.hushed.append(self.clock.now())
        self.hushed_after.append(len(self.lines))

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.lines]


@dataclass
class Rig:
    """A conversation wired to fakes, with the events it emitted."""

    clock: FakeClock
    speaker: RecordingSpeaker
    listener: ScriptedListener
    events: list[Event]
    conversation: Conversation

    def of_type(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.type == kind]


def rig(replies: list[Reply | str], *, keyboard: list[Reply | str] | None = None,
        answer_timeout: float | None = None) -> Rig:
    """Build a conversation on fakes that will hear ``replies`` in order."""
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    listener = ScriptedListener(clock, replies)
    events: list[Event] = []
    emit = Emitter(clock.now, [events.append])
    conversation = Conversation(
        speaker=speaker, listener=listener, clock=clock, emit=emit,
        policy=AskingPolicy(answer_timeout_seconds=answer_timeout),
        keyboard=ScriptedListener(clock, keyboard) if keyboard is not None else None,
    )
    return Rig(clock, speaker, listener, events, conversation)


class DayClock:
    """A wall clock for the history that only moves when told: sessions on simulated days."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def next_day(self) -> None:
        self.now += timedelta(days=1)
