"""The coach's mouth and ears over the Speaker and Listener ports: every line said and heard also becomes
an event; a sound device lost mid-sentence or mid-count is dealt with here (the Conversation waits for it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from voicecoach import data
from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import Answer, CommandWord, Meaning
from voicecoach.events import EventSink, Heard, Listening, Said
from voicecoach.ports import (
    Clock,
    DeviceLost,
    DeviceReturned,
    Expect,
    Listener,
    Sound,
    Speaker,
    Utterance,
    Vocabulary,
)

if TYPE_CHECKING:
    from voicecoach.dialogue.device_return import DeviceReturn

_COMMANDS_ONLY = Expect.of(Vocabulary.COMMANDS, background=True)


@dataclass
class Channel:
    """Says, cues and listens; tells every line said and heard to the event sinks."""

    speaker: Speaker
    listener: Listener
    clock: Clock
    emit: EventSink
    device_return: DeviceReturn | None = None
    """Voice mode: a lost device is waited for and the person offered to carry on (None: a loss ends
    the session)."""
    _lost: DeviceLost | None = field(default=None, init=False)
    """A device lost while a count or cue was queued: dealt with at the next listen."""
    _returned: float | None = field(default=None, init=False)
    """A device came back during a sentence: the next background listen restarts what was under way."""

    def say(self, text: str) -> None:
        """Say a sentence (again, after a lost speaker came back and the person chose to carry on)."""
        self.emit(Said(text=text))
        while True:
            try:
                self.speaker.say(text)
                return
            except DeviceLost as lost:
                try:
                    self._recover(lost)
                except DeviceReturned as back:
                    self._returned = back.away_seconds
                    self.emit(Said(text=text))

    def say_at(self, deadline: float, text: str) -> None:
        """Say a short cue at a deadline: the sound is scheduled first, then the sinks are told."""
        try:
            self.speaker.say_at(deadline, text)
        except DeviceLost as lost:
            self._defer(lost)
        self.emit(Said(text=text))

    def cue(self, sound: Sound, deadline: float | None = None) -> None:
        """Play a cue sound (now, or at a deadline)."""
        try:
            self.speaker.cue(sound, deadline)
        except DeviceLost as lost:
            self._defer(lost)

    def _defer(self, lost: DeviceLost) -> None:
        """A count or cue could not be queued: the coach goes on to listen, where the loss is dealt with."""
        if self.device_return is None:
            raise lost
        self._lost = self._lost or lost

    def hush(self) -> None:
        """Fall silent at once: what plays and what is queued (a count) is cut."""
        self.speaker.hush()

    @property
    def lead(self) -> float:
        """How long before a deadline the speaker must be given a count or a cue."""
        try:
            return self.speaker.lead_seconds
        except DeviceLost as lost:  # dealt with at the next listen, which comes at once
            self._defer(lost)
            return 0.0

    def hear_command(self, until: float) -> CommandWord | None:
        """Listen for a command until the deadline; None when it passes with no command.

        Always with a deadline: listening in the background (answers kept for the next question) with
        no end would wait for ever on a line that is not a command (the pause hang of issue 13).
        Raises DeviceReturned when a lost device came back and the person chose to carry on: the hold,
        repetition or rest under way starts again where it was.
        """
        if self._returned is not None:
            away, self._returned = self._returned, None
            raise DeviceReturned(away)
        while True:
            heard = self._listen(_COMMANDS_ONLY, until)
            if heard is None:
                return None
            utterance, meaning = heard
            self._heard(utterance, meaning, accepted=isinstance(meaning, CommandWord))
            if isinstance(meaning, CommandWord):
                return meaning
            if not utterance.rejected:
                self.say(data.load("phrases")["exercise"]["not_a_command"])

    def _listen(self, expect: Expect, until: float | None) -> tuple[Utterance, Meaning | None] | None:
        """The next utterance and what it means (None for speech the recogniser rejected)."""
        if self._lost is not None:
            lost, self._lost = self._lost, None
            self._recover(lost)
        if not expect.background:
            self.emit(Listening(expect=tuple(sorted(v.value for v in expect.vocabularies))))
        try:
            utterance = self.listener.listen(expect, until)
        except DeviceLost as lost:
            self._recover(lost)
        if utterance is None:
            return None
        return utterance, None if utterance.rejected else understand(utterance.text, expect)

    def _heard(self, utterance: Utterance, meaning: Meaning | None, *, accepted: bool) -> None:
        self.emit(Heard(text=utterance.text, confidence=utterance.confidence, accepted=accepted,
                        meaning=_label(meaning), reason=utterance.reason))

    def _recover(self, lost: DeviceLost) -> NoReturn:
        """A lost device with no way to wait for it ends the session (the Conversation waits for it)."""
        raise lost


def _label(meaning: Meaning | None) -> str | int | None:
    """A meaning as the transcript writes it: "yes", 3, "stop"."""
    if isinstance(meaning, CommandWord):
        return meaning.command.value
    return meaning.value if isinstance(meaning, Answer) else meaning
