"""The coach's narrow port to the person: what it says, the cues it plays, the commands it hears, and the
few questions it asks (the dialogue's Conversation is the adapter behind it)."""

from __future__ import annotations

from typing import Protocol

from voicecoach.domain.answers import Answer, CommandWord
from voicecoach.domain.questions import Question
from voicecoach.ports import Sound


class Prompter(Protocol):
    """Speaking, cueing, hearing commands and asking, as the exercise coach needs them."""

    @property
    def lead(self) -> float:
        """How long before a deadline a count or a cue must be handed over."""

    def say(self, text: str) -> None:
        """Say a sentence, now."""

    def say_at(self, deadline: float, text: str) -> None:
        """Say a short cue (a count) at a deadline."""

    def cue(self, sound: Sound, deadline: float | None = None) -> None:
        """Play a cue sound, now or at a deadline."""

    def hush(self) -> None:
        """Fall silent at once: what plays and what is queued is cut."""

    def hear_command(self, until: float) -> CommandWord | None:
        """The next command before the deadline, or None. Raises DeviceReturned after a lost device came back."""

    def ask(self, question: Question) -> Answer | int | None:
        """Ask until understood or out of attempts; the answer."""

    def wait_for_resume(self) -> float:
        """Paused until the person resumes; the seconds spent paused. "stop" raises SessionOver."""

    def numbness(self) -> None:
        """New numbness or tingling: the referral (raises SessionOver)."""
