"""The triage engine: which question comes next, and when the triage is over. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from voicecoach.domain.answers import Answer
from voicecoach.triage.decision import (
    ACT_NOW,
    RED_FLAG_ORDER,
    TriageResult,
    decide,
    red_flag_outcome,
    worst_possible,
)
from voicecoach.triage.guards import GUARDS, TriageContext
from voicecoach.triage.questions import TriageQuestion, by_id, questions


class TriageEngine:
    """Given the answers so far, say what to ask next; when nothing is left, give the result."""

    def __init__(self, context: TriageContext | None = None) -> None:
        self.context = context or TriageContext()
        unknown = {q.ask_if for q in questions() if q.ask_if and q.ask_if not in GUARDS}
        if unknown:
            raise ValueError(f"triage.toml names guards that do not exist: {sorted(unknown)}")

    def next_question(self, answers: Mapping[str, Answer]) -> TriageQuestion | None:
        """The next question to ask, or None when the triage is over."""
        if self._stopped_by_red_flag(answers):
            return None
        for q in questions():
            if q.id in answers or not self._in_play(q, answers):
                continue
            if q.ask_if is None or GUARDS[q.ask_if](answers, self.context):
                return q
        return None

    def is_quick(self, answers: Mapping[str, Answer]) -> bool:
        """True on a quick return whose check-in (R0) was answered no: the rest is carried over."""
        return self.context.quick is not None and answers.get("R0") is Answer.NO

    def result(self, answers: Mapping[str, Answer]) -> TriageResult:
        """The outcome of the answers given (on a quick return, with the carried answers under them)."""
        quick = self.context.quick
        if quick is not None and self.is_quick(answers):
            carried = {qid: a for qid, a in quick.answers.items() if by_id(qid).section not in quick.reask}
            return decide({**carried, **answers}, self.context)
        return decide(answers, self.context)

    def _in_play(self, question: TriageQuestion, answers: Mapping[str, Answer]) -> bool:
        """Whether a question belongs to this triage: all of them, except on a quick return whose
        check-in was no (then only the sections re-asked). Yes, unclear or "check everything" to R0
        asks everything, as a full triage."""
        quick = self.context.quick
        if quick is None or question.id == "R0" or "R0" not in answers:
            return True
        return not self.is_quick(answers) or question.section in quick.reask

    def _stopped_by_red_flag(self, answers: Mapping[str, Answer]) -> bool:
        """True when a red flag ends the triage before the other questions.

        A carried-over red flag that a doctor has not cleared (C1 not yes) ends it at once. An
        EMERGENCY or URGENT answer ends it as soon as no red-flag question left could give a more
        severe outcome: the person should act now. UNRESOLVED and SEE_DOCTOR let every red flag be
        asked, so that the referral advice is complete.
        """
        if self.context.carried_over is not None and "C1" in answers and answers["C1"] is not Answer.YES:
            return True
        found = red_flag_outcome(answers, self.context)
        remaining = [q for q in questions() if q.is_red_flag and q.id not in answers
                     and (q.ask_if is None or GUARDS[q.ask_if](answers, self.context))]
        if found is None:
            return False
        if not remaining:
            return True
        if found not in ACT_NOW:
            return False
        severity = RED_FLAG_ORDER.index
        return all(severity(worst_possible(q) or found) >= severity(found) for q in remaining)
