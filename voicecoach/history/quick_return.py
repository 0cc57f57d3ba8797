"""CLINICAL.md section 1, a quick return: whether today's session may ask the one check-in question
R0 instead of every red flag, and what it carries over from the last full triage. Pure.

A full triage is needed at least every ``window_days`` (data/progression.toml), after any red-flag
outcome or referral, after a pain rise of 2 or more, after a check-in (R0) that was not a clear no,
and after any red flag answered yes or left unclear, even in a session that was cut off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from voicecoach import data
from voicecoach.domain.answers import Answer
from voicecoach.history.records import SessionRecord
from voicecoach.thresholds import PAIN_RISE_STEP_DOWN
from voicecoach.triage.decision import RED_FLAG_ORDER
from voicecoach.triage.guards import GUARDS, CarriedTriage, TriageContext
from voicecoach.triage.questions import questions

CARRIED_SECTIONS = ("pregnancy", "symptoms", "knee_test", "inflammation")
"""The answers a quick return carries over; the red flags never are."""


@dataclass(frozen=True)
class ReturnRules:
    """The numbers of data/progression.toml's [quick_return]."""

    window_days: float
    pain_rise: int = PAIN_RISE_STEP_DOWN


@cache
def load_return_rules() -> ReturnRules:
    """The quick-return rules."""
    raw = data.load("progression")["quick_return"]
    return ReturnRules(window_days=float(raw["window_days"]))


def quick_return(history: Sequence[SessionRecord], now: datetime,
                 rules: ReturnRules | None = None) -> CarriedTriage | None:
    """The last full triage to carry into a quick return, or None when today needs a full triage."""
    rules = rules or load_return_rules()
    done = [s for s in history if not s.in_progress]
    full_at = [i for i, s in enumerate(done) if is_full_triage(s)]
    if not full_at:
        return None
    full = done[full_at[-1]]
    age = now - full.started_at
    if not timedelta(0) <= age < timedelta(days=rules.window_days):
        return None
    for index, session in enumerate(done[full_at[-1]:]):
        if _needs_full_triage(session, rules, after=index > 0):
            return None
    carried = {qid: Answer(value) for qid, value in full.answers.items() if _carried(qid)}
    pregnant = carried.get("P1") in (Answer.YES, Answer.UNCLEAR)
    return CarriedTriage(answers=carried, when=full.started_at, reask=("pregnancy",) if pregnant else ())


def is_full_triage(session: SessionRecord) -> bool:
    """A triage that asked every red flag, each answered no, and reached an outcome that is not one."""
    if session.outcome is None or session.outcome in RED_FLAG_ORDER:
        return False
    answers = _parsed(session.answers)
    context = TriageContext()
    for q in questions():
        if not q.is_red_flag or not (q.ask_if is None or GUARDS[q.ask_if](answers, context)):
            continue
        if q.id not in answers or (q.on_yes is not None and answers[q.id] is not Answer.NO):
            return False
    return True


def _needs_full_triage(session: SessionRecord, rules: ReturnRules, *, after: bool) -> bool:
    """True when this session (the full triage itself, or one after it) calls for a full triage next."""
    if session.outcome in RED_FLAG_ORDER or session.how == "referred":
        return True
    change = session.pain_change
    if change is not None and change >= rules.pain_rise:
        return True
    if not after:
        return False
    red_flags = {q.id for q in questions() if q.is_red_flag and q.on_yes is not None}
    if any(session.answers.get(qid) in ("yes", "unclear") for qid in red_flags):
        return True
    return "R0" in session.answers and session.answers["R0"] != "no"


def _carried(question_id: str) -> bool:
    return any(q.id == question_id and q.section in CARRIED_SECTIONS for q in questions())


def _parsed(answers: Mapping[str, str]) -> dict[str, Answer]:
    parsed = {}
    for qid, value in answers.items():
        try:
            parsed[qid] = Answer(value)
        except ValueError:  # a number (a pain score) or an id of another kind
            continue
    return parsed
