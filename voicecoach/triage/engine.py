"""The triage engine: which question comes next, and when the triage is over. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from voicecoach.dialogue.understanding import Answer
from voicecoach.triage.decision import (
    ACT_NOW,
    RED_FLAG_ORDER,
    TriageResult,
    decide,
    red_flag_outcome,
    worst_possible,
)
from voicecoach.triage.guards import GUARDS, TriageContext
from voicecoach.triage.questions import TriageQuestion, questions


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
            if q.id in answers:
                continue
            if q.ask_if is None or GUARDS[q.ask_if](answers, self.context):
                return q
        return None

    def result(self, answers: Mapping[str, Answer]) -> TriageResult:
        """The outcome of the answers given."""
        return decide(answers, self.context)

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
        remaining = [q for q in questions() if q.is_red_flag and q.id not in answers]
        if found is None:
            return False
        if not remaining:
            return True
        if found not in ACT_NOW:
            return False
        severity = RED_FLAG_ORDER.index
        return all(severity(worst_possible(q) or found) >= severity(found) for q in remaining)
