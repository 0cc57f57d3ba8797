"""Named guards: whether a triage question is asked, given the answers so far.

data/triage.toml names these in ``ask_if``; a name that is not here is an error at load time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from voicecoach.domain.answers import Answer
from voicecoach.triage.questions import by_id

Answers = Mapping[str, Answer]
Guard = Callable[[Answers, "TriageContext"], bool]


@dataclass(frozen=True)
class CarriedTriage:
    """The last full triage, carried into a quick return (CLINICAL.md section 1)."""

    answers: Mapping[str, Answer]
    """Its answers outside the red flags (pregnancy, symptoms, knee test, inflammation)."""
    when: datetime
    """When that full triage was."""
    reask: tuple[str, ...] = ()
    """Sections asked again even on a quick return (pregnancy, when it was yes: it changes week by week)."""


class TriageContext:
    """What the triage knows besides this session's answers."""

    def __init__(self, carried_over: str | None = None, quick: CarriedTriage | None = None) -> None:
        self.carried_over = carried_over
        """A red-flag outcome from an earlier session that a doctor has not yet cleared, if any."""
        self.quick = quick
        """A quick return: R0 is asked instead of every red flag, the rest carried over from here."""


def reads_yes(answers: Answers, question_id: str) -> bool:
    """True when the question was answered yes, or unclear where unclear is read as yes."""
    value = answers.get(question_id)
    if value is Answer.YES:
        return True
    return value is Answer.UNCLEAR and by_id(question_id).on_unclear == "yes"


GUARDS: dict[str, Guard] = {
    "red_flag_carried_over": lambda a, ctx: ctx.carried_over is not None,
    "quick_return": lambda a, ctx: ctx.quick is not None and ctx.carried_over is None,
    "r5b_not_no": lambda a, ctx: a.get("R5b") is not Answer.NO,
    "p1_yes": lambda a, ctx: reads_yes(a, "P1"),
    "s4_yes": lambda a, ctx: a.get("S4") is Answer.YES,
    "s4_not_yes": lambda a, ctx: a.get("S4") is not Answer.YES,
    "s8_not_yes": lambda a, ctx: a.get("S8") is not Answer.YES,
    "knee_test_running": lambda a, ctx: a.get("K0") is Answer.READY
    and Answer.SKIPPED not in (a.get("K1"), a.get("K2"), a.get("K3")),
    "inflammation_screen": lambda a, ctx: a.get("S4") is Answer.YES or a.get("A0") is Answer.YES,
    "a1_yes": lambda a, ctx: a.get("A1") is Answer.YES,
}
