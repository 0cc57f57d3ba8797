"""A question as the dialogue asks it, and what kind of reply it wants."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class QuestionKind(StrEnum):
    """What kind of reply a question wants."""

    YES_NO = "yes_no"
    READY = "ready"
    NUMBER = "number"
    CHECK_IN = "check_in"
    """Yes or no, or "check everything" (the quick return's R0)."""


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
