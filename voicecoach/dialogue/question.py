"""What the listener listens for by the kind of question, and the numbers behind asking."""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach.domain.questions import QuestionKind
from voicecoach.ports import Expect, Vocabulary

EXPECT = {
    QuestionKind.YES_NO: Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS),
    QuestionKind.READY: Expect.of(Vocabulary.READY, Vocabulary.COMMANDS),
    QuestionKind.NUMBER: Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS),
    QuestionKind.CHECK_IN: Expect.of(Vocabulary.YES_NO, Vocabulary.CHECK_ALL, Vocabulary.COMMANDS),
}
"""What the listener listens for, by the kind of question."""


@dataclass
class AskingPolicy:
    """The numbers behind asking."""

    attempts: int = 3
    """The first asking plus the re-asks."""
    number_attempts: int = 2
    """A number (a pain score) is asked this many times; then it is narrowed down by yes/no."""
    answer_timeout_seconds: float | None = None
    """Silence this long counts as not understood; None waits without limit (typed input)."""
    confirm_below: float = 0.6
    """A safety answer with a recogniser confidence below this is confirmed aloud."""
    keyboard_timeout_seconds: float = 60.0
