"""Walk the triage engine with an answer for each question id (no audio, no text)."""

from voicecoach.coach.catalogue import plan_items
from voicecoach.domain.answers import Answer
from voicecoach.triage.engine import TriageEngine
from voicecoach.triage.guards import TriageContext
from voicecoach.triage.questions import questions

Y, N, U, S, R = Answer.YES, Answer.NO, Answer.UNCLEAR, Answer.SKIPPED, Answer.READY

RED_FLAGS = [q.id for q in questions() if q.is_red_flag]
"""Every red-flag question id, in asking order (R1-R10 with R4b, R5b, R5c)."""
ASKED_RED_FLAGS = [q.id for q in questions() if q.is_red_flag and q.ask_if is None]
"""The red flags asked when every one is answered no (R5c follows only a yes or unclear R5b)."""
NO_RED_FLAGS = "no\n" * len(ASKED_RED_FLAGS)
"""Typed lines answering every red flag no."""

DEFAULTS = {"K0": R, "K1": Y, "K2": Y, "K3": Y}
"""Unless a test says otherwise: every question answered no, and the knee test done without pain."""


def walk(given: dict[str, Answer] | None = None, carried_over: str | None = None):
    """Answer each question the engine asks from ``given`` (else the defaults, else no).

    Returns the ids asked, in order, and the result.
    """
    given = given or {}
    engine = TriageEngine(TriageContext(carried_over=carried_over))
    answers: dict[str, Answer] = {}
    asked = []
    while (q := engine.next_question(answers)) is not None:
        asked.append(q.id)
        answers[q.id] = given.get(q.id, DEFAULTS.get(q.id, N))
        assert len(asked) < 100, "the triage does not end"
    return asked, engine.result(answers)


def plan_of(result):
    return [(item.exercise.id, item.side, item.dose.level) for item in plan_items(result.plan)]
