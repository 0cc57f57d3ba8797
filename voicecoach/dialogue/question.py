"""What the listener listens for by the kind of question, and the numbers behind asking."""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach import data
from voicecoach.domain.questions import QuestionKind
from voicecoach.ports import Expect, Vocabulary

_ASKING = data.load("asking")

EXPECT = {
    QuestionKind.YES_NO: Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS),
    QuestionKind.READY: Expect.of(Vocabulary.READY, Vocabulary.COMMANDS),
    QuestionKind.NUMBER: Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS),
    QuestionKind.CHECK_IN: Expect.of(Vocabulary.YES_NO, Vocabulary.CHECK_ALL, Vocabulary.COMMANDS),
}
"""What the listener listens for, by the kind of question."""


@dataclass
class AskingPolicy:
    """The numbers behind asking (their defaults are data/asking.toml's)."""

    attempts: int = int(_ASKING["attempts"])
    """The first asking plus the re-asks."""
    number_attempts: int = int(_ASKING["number_attempts"])
    """A number (a pain score) is asked this many times; then it is narrowed down by yes/no."""
    answer_timeout_seconds: float | None = None
    """Silence this long counts as not understood; None waits without limit (typed input)."""
    confirm_below: float = float(_ASKING["confirm_below"])
    """A safety answer with a recogniser confidence below this is confirmed aloud."""
    keyboard_timeout_seconds: float = float(_ASKING["keyboard_timeout_seconds"])
