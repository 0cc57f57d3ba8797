"""A question as the dialogue asks it, what kind of reply it wants, and the numbers behind asking."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from voicecoach import data
from voicecoach.ports import Expect, Vocabulary

_ASKING = data.load("asking")


class QuestionKind(StrEnum):
    """What kind of reply a question wants."""

    YES_NO = "yes_no"
    READY = "ready"
    NUMBER = "number"
    CHECK_IN = "check_in"
    """Yes or no, or "check everything" (the quick return's R0)."""


EXPECT = {
    QuestionKind.YES_NO: Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS),
    QuestionKind.READY: Expect.of(Vocabulary.READY, Vocabulary.COMMANDS),
    QuestionKind.NUMBER: Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS),
    QuestionKind.CHECK_IN: Expect.of(Vocabulary.YES_NO, Vocabulary.CHECK_ALL, Vocabulary.COMMANDS),
}
"""What the listener listens for, by the kind of question."""


@dataclass(frozen=True)
class Question:
    """One question as asked: its id, its wording and re-wordings, and how it is handled."""

    id: str
    text: str
    rephrase: tuple[str, ...] = ()
    kind: QuestionKind = QuestionKind.YES_NO
    safety: bool = False
    """Confirm an answer the recogniser is unsure of; offer the keyboard before giving up."""
    skippable: bool = False
    """"skip" is an answer (Answer.SKIPPED)."""
    numbness_refers: bool = True
    """"numb"/"tingling" ends the session with the referral (CLINICAL.md section 8). False for the triage's
    own questions, where the words may answer a red-flag question and are re-asked instead (a referral
    here could be less urgent than the emergency the question is about)."""

    @property
    def confirms_unsure(self) -> bool:
        """An unsure hearing of the answer is confirmed aloud: safety answers, and numbers (a pain
        score decides whether the plan steps down next time)."""
        return self.safety or self.kind is QuestionKind.NUMBER

    def wording(self, attempt: int) -> str:
        """The text for attempt 1, 2, 3...: the question, then its rephrasings."""
        if attempt <= 1 or not self.rephrase:
            return self.text
        return self.rephrase[min(attempt - 2, len(self.rephrase) - 1)]


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
