"""Named guards: whether a triage question is asked, given the answers so far.

data/triage.toml names these in ``ask_if``; a name that is not here, or a question id a guard reads that
triage.toml does not have, is an error at load time (rules.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from voicecoach.domain.answers import Answer
from voicecoach.triage.questions import by_id

Answers = Mapping[str, Answer]


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


@dataclass(frozen=True)
class Guard:
    """A condition on the answers so far (and the context); ``reads`` names the questions it looks at."""

    reads: tuple[str, ...]
    test: Callable[[Answers, TriageContext], bool]

    def __call__(self, answers: Answers, context: TriageContext) -> bool:
        """Whether the question is asked."""
        return self.test(answers, context)


def answered(question_id: str, *values: Answer) -> Guard:
    """The question got one of ``values``."""
    return Guard((question_id,), lambda a, ctx: a.get(question_id) in values)


def not_answered(question_id: str, value: Answer) -> Guard:
    """The question did not get ``value`` (it may not have been asked)."""
    return Guard((question_id,), lambda a, ctx: a.get(question_id) is not value)


def read_as_yes(question_id: str) -> Guard:
    """The question reads yes (see :func:`reads_yes`)."""
    return Guard((question_id,), lambda a, ctx: reads_yes(a, question_id))


def none_answered(question_ids: tuple[str, ...], value: Answer) -> Guard:
    """None of the questions got ``value``."""
    return Guard(question_ids, lambda a, ctx: all(a.get(q) is not value for q in question_ids))


def all_of(*guards: Guard) -> Guard:
    """Every guard holds."""
    return Guard(tuple(q for g in guards for q in g.reads), lambda a, ctx: all(g(a, ctx) for g in guards))


def any_of(*guards: Guard) -> Guard:
    """At least one guard holds."""
    return Guard(tuple(q for g in guards for q in g.reads), lambda a, ctx: any(g(a, ctx) for g in guards))


GUARDS: dict[str, Guard] = {
    "red_flag_carried_over": Guard((), lambda a, ctx: ctx.carried_over is not None),
    "quick_return": Guard((), lambda a, ctx: ctx.quick is not None and ctx.carried_over is None),
    "r5b_not_no": not_answered("R5b", Answer.NO),
    "p1_yes": read_as_yes("P1"),
    "s4_yes": answered("S4", Answer.YES),
    "s4_not_yes": not_answered("S4", Answer.YES),
    "s8_not_yes": not_answered("S8", Answer.YES),
    "knee_test_running": all_of(answered("K0", Answer.READY), none_answered(("K1", "K2", "K3"), Answer.SKIPPED)),
    "inflammation_screen": any_of(answered("S4", Answer.YES), answered("A0", Answer.YES)),
    "a1_yes": answered("A1", Answer.YES),
}
"""The guards triage.toml may name in ``ask_if``."""
