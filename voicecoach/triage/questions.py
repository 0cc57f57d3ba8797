"""The triage questions of data/triage.toml as typed objects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from voicecoach import data
from voicecoach.domain.questions import Question, QuestionKind


@dataclass(frozen=True)
class TriageQuestion:
    """A triage question with its clinical rules."""

    question: Question
    section: str
    ask_if: str | None = None
    """Name of a guard in guards.py; None: always asked."""
    on_yes: str | None = None
    """Red flags: the outcome a yes gives."""
    on_unclear: str | None = None
    """UNRESOLVED for red flags; "yes" where an unclear answer is read as yes."""
    topic: str | None = None
    """Red flags: the words for conditional advice."""

    @property
    def id(self) -> str:
        """The CLINICAL.md id."""
        return self.question.id

    @property
    def is_red_flag(self) -> bool:
        """True for the red-flag questions (R1-R10 and their parts R4b, R5b, R5c)."""
        return self.section == "red_flags"


@cache
def questions() -> tuple[TriageQuestion, ...]:
    """All triage questions in asking order."""
    result = []
    for raw in data.load("triage")["question"]:
        kind = QuestionKind(raw.get("kind", "yes_no"))
        question = Question(
            id=raw["id"],
            text=raw["text"],
            rephrase=tuple(raw.get("rephrase", ())),
            kind=kind,
            safety=bool(raw.get("safety", False)),
            skippable=raw["section"] == "knee_test",
            numbness_refers=False,
        )
        result.append(
            TriageQuestion(
                question=question,
                section=raw["section"],
                ask_if=raw.get("ask_if"),
                on_yes=raw.get("on_yes"),
                on_unclear=raw.get("on_unclear"),
                topic=raw.get("topic"),
            )
        )
    return tuple(result)


def by_id(question_id: str) -> TriageQuestion:
    """Look a question up by its id."""
    for q in questions():
        if q.id == question_id:
            return q
    raise KeyError(question_id)
