"""CLINICAL.md section 6: from the answers to an outcome, its side, flags, advice and plan.

Pure functions of the answers: the same answers always give the same result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from voicecoach import data
from voicecoach.domain.answers import Answer
from voicecoach.domain.doses import PlanStart
from voicecoach.domain.outcomes import RED_FLAG_ORDER, Outcome
from voicecoach.triage.guards import TriageContext, reads_yes
from voicecoach.triage.questions import TriageQuestion, questions

_INFLAMMATION_CRITERIA = ("A2", "A3", "A4", "A5", "A6")


@dataclass(frozen=True)
class Advice:
    """A piece of advice: a stable id and the words spoken."""

    id: str
    text: str


@dataclass(frozen=True)
class TriageResult:
    """Where the answers point, and what follows for today."""

    outcome: Outcome
    side: str | None
    points_to: str
    flags: tuple[str, ...] = ()
    advice: tuple[Advice, ...] = ()
    plan: tuple[PlanStart, ...] = ()
    """The exercises as the outcome plans them; the coach's catalogue gives their doses."""
    answers: Mapping[str, Answer] = field(default_factory=dict)
    max_supine_seconds: float | None = None
    """Pregnancy after 20 weeks: the longest time on the back at a stretch."""

    @property
    def red_flag(self) -> bool:
        """True when the outcome stops the exercises."""
        return self.outcome in RED_FLAG_ORDER

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable outcome of CLINICAL.md section 6."""
        return {
            "outcome": self.outcome,
            "side": self.side,
            "points_to": self.points_to,
            "flags": list(self.flags),
            "plan": [asdict(item) for item in self.plan],
            "advice": [{"id": a.id, "text": a.text} for a in self.advice],
            "answers": {qid: str(value) for qid, value in self.answers.items()},
            "max_supine_seconds": self.max_supine_seconds,
        }


@cache
def _outcomes() -> dict[str, Any]:
    return data.load("outcomes")


def red_flag_outcome(answers: Mapping[str, Answer], context: TriageContext) -> str | None:
    """The most severe red-flag outcome the answers give so far, or None."""
    found = []
    if context.carried_over is not None and "C1" in answers and answers["C1"] is not Answer.YES:
        found.append(context.carried_over)
    for q in questions():
        if not q.is_red_flag or q.id not in answers:
            continue
        if answers[q.id] is Answer.YES and q.on_yes:
            found.append(q.on_yes)
        elif answers[q.id] is Answer.UNCLEAR and q.on_unclear:
            found.append(q.on_unclear)
    return most_severe(found)


def most_severe(outcomes: list[str]) -> str | None:
    """The most severe of some red-flag outcomes, or None if there are none."""
    ranked = [o for o in RED_FLAG_ORDER if o in outcomes]
    return ranked[0] if ranked else None


def worst_possible(question: TriageQuestion) -> str | None:
    """The most severe outcome a red-flag question could still give (its yes, or UNRESOLVED)."""
    return most_severe([o for o in (question.on_yes, question.on_unclear) if o])


def knee_test(answers: Mapping[str, Answer]) -> str:
    """The seed's self-test: "left", "right" (the failing side), "back", "inconclusive" or "skipped"."""
    if answers.get("K0") is not Answer.READY:
        return "skipped"
    right, left, both = (answers.get(k) for k in ("K1", "K2", "K3"))
    if Answer.SKIPPED in (right, left, both):
        return "skipped"
    if right is Answer.NO and left is Answer.YES:
        return "right"
    if left is Answer.NO and right is Answer.YES:
        return "left"
    if right is Answer.YES and left is Answer.YES and both is Answer.NO:
        return "back"
    return "inconclusive"


def inflammatory_back_pain(answers: Mapping[str, Answer]) -> bool:
    """ASAS 2009: chronic back pain (A1) with at least 4 of the 5 criteria A2..A6."""
    met = sum(answers.get(a) is Answer.YES for a in _INFLAMMATION_CRITERIA)
    return answers.get("A1") is Answer.YES and met >= 4


def side_of_pain(answers: Mapping[str, Answer]) -> str:
    """The side for E1: the knee test's failing side, else S8 (left) / S8b (right), else both."""
    knee = knee_test(answers)
    if knee in ("left", "right"):
        return knee
    if answers.get("S8") is Answer.YES:
        return "left"
    if answers.get("S8b") is Answer.YES:
        return "right"
    return "both"


def flags(answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """The flags that add advice (and plan changes) to a non-red-flag outcome."""
    found = []
    if inflammatory_back_pain(answers):
        found.append("inflammatory_back_pain")
    if answers.get("S4") is Answer.YES:
        found.append("leg_pain")
    if answers.get("S6") is Answer.YES:
        found.append("misstep")
    if answers.get("S7") is Answer.YES:
        found.append("overuse")
    if reads_yes(answers, "P1") and reads_yes(answers, "P2"):
        found.append("late_pregnancy")
    return tuple(found)


def outcome_of(answers: Mapping[str, Answer], context: TriageContext) -> str:
    """CLINICAL.md's decision order; the first match wins."""
    red = red_flag_outcome(answers, context)
    if red is not None:
        return red
    if reads_yes(answers, "P1"):
        return "PREGNANCY"
    s4, s5 = answers.get("S4"), answers.get("S5")
    if (s4 is Answer.YES and s5 is Answer.YES) or inflammatory_back_pain(answers):
        return "SACROILIITIS_POSSIBLE"
    knee = knee_test(answers)
    s1_path = answers.get("S1") is Answer.YES and Answer.YES in (answers.get("S2"), answers.get("S3"))
    if knee in ("left", "right") or (knee in ("inconclusive", "skipped") and s1_path):
        return "SI_JOINT"
    if knee == "back":
        return "LOWER_BACK"
    return "INCONCLUSIVE"


def route_to(outcome: str, answers: Mapping[str, Answer]) -> str | None:
    """How an outcome with several routes was reached (outcomes.toml ``by_route``), or None.

    SACROILIITIS_POSSIBLE through sharp pain down the leg (S4 and S5) is "sharp_leg_pain": its words
    are honest that an irritated nerve (sciatica) may be the cause as well as the SI joint.
    """
    if outcome == "SACROILIITIS_POSSIBLE" and answers.get("S4") is Answer.YES and answers.get("S5") is Answer.YES:
        return "sharp_leg_pain"
    return None


def decide(answers: Mapping[str, Answer], context: TriageContext) -> TriageResult:
    """The full result: outcome, side, flags, advice and today's plan."""
    outcome = Outcome(outcome_of(answers, context))  # a name outcomes.toml does not know fails here
    spec = _outcomes()["outcome"][outcome]
    if spec.get("red_flag"):
        return TriageResult(
            outcome=outcome,
            side=None,
            points_to=spec["points_to"],
            advice=_red_flag_advice(outcome, answers),
            answers=dict(answers),
        )
    route = route_to(outcome, answers)
    if route is not None:
        spec = {**spec, **spec["by_route"][route]}
    said_already = set(spec.get("supersedes", ()))
    side = side_of_pain(answers)
    found = flags(answers)
    on_side = f" on the {side} side" if side in ("left", "right") else ""
    advice_ids = list(spec["advice"])
    plan = [PlanStart(p["exercise"], side if p["side"] == "painful" else "both", p["start"]) for p in spec["plan"]]
    max_supine = None
    for flag in found:
        rule = _outcomes()["flag"][flag]
        advice_ids += [a for a in rule["advice"] if a not in advice_ids and a not in said_already]
        plan = _apply_flag(plan, rule)
        max_supine = rule.get("max_supine_seconds", max_supine)
    texts = _outcomes()["advice"]
    return TriageResult(
        outcome=outcome,
        side=side,
        points_to=spec["points_to"].format(on_side=on_side),
        flags=found,
        advice=tuple(Advice(a, texts[a]) for a in advice_ids),
        plan=tuple(plan),
        answers=dict(answers),
        max_supine_seconds=max_supine,
    )


def _apply_flag(plan: list[PlanStart], rule: Mapping[str, Any]) -> list[PlanStart]:
    dropped = set(rule.get("drop_exercises", ()))
    plan = [item for item in plan if item.exercise not in dropped]
    first = rule.get("first_exercise")
    if first:
        plan.sort(key=lambda item: item.exercise != first)
    return plan


def _red_flag_advice(outcome: str, answers: Mapping[str, Answer]) -> tuple[Advice, ...]:
    """The referral advice of every red flag found, most severe first, plus conditional advice
    ("If you do have ..., please ...") for every red flag left unclear.

    Every unclear red flag is spoken, whatever else was found: an unclear answer to the cauda
    equina questions must never go unmentioned behind a less urgent referral.
    """
    texts = _outcomes()["advice"]
    actions = _outcomes()["unresolved_action"]
    found = [outcome] if outcome != "UNRESOLVED" else []
    conditional = []
    for q in questions():
        if not (q.is_red_flag and q.on_yes):
            continue
        if answers.get(q.id) is Answer.YES:
            found.append(q.on_yes)
        elif answers.get(q.id) is Answer.UNCLEAR:
            text = texts["unresolved"].format(topic=q.topic, action=actions[q.on_yes])
            conditional.append(Advice(f"unresolved_{q.id}", text))
    referrals = [Advice(o.lower(), texts[o.lower()]) for o in RED_FLAG_ORDER if o in found]
    return (*referrals, *conditional)
