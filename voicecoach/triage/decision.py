"""CLINICAL.md section 6: from the answers to an outcome, its side, flags, advice and plan.

Pure functions of the answers: the same answers always give the same result. The question ids and
numbers the rules read are in data/decision.toml, the flags in data/outcomes.toml; the decision order
is the table DECISION_ORDER below, one line per step of CLINICAL.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from voicecoach import data
from voicecoach.domain.answers import Answer
from voicecoach.domain.doses import PlanStart
from voicecoach.domain.outcomes import Outcome
from voicecoach.triage.guards import TriageContext, reads_yes
from voicecoach.triage.questions import TriageQuestion, questions

Answers = Mapping[str, Answer]

_RULES = data.load("decision")
RED_FLAG_ORDER: tuple[Outcome, ...] = tuple(Outcome(name) for name in _RULES["red_flag_order"])
"""Most severe first (CLINICAL.md decision order, step 1; data/decision.toml)."""
ACT_NOW: tuple[Outcome, ...] = tuple(Outcome(name) for name in _RULES["act_now"])
"""Red-flag outcomes that end the triage at once."""


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
    cleared_by = _RULES["cleared_by"]
    if context.carried_over is not None and cleared_by in answers and answers[cleared_by] is not Answer.YES:
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


def _yes(answers: Answers, question_id: str) -> bool:
    return answers.get(question_id) is Answer.YES


def knee_test(answers: Answers) -> str:
    """The seed's self-test: "left", "right" (the failing side), "back", "inconclusive" or "skipped"."""
    k = _RULES["knee_test"]
    if answers.get(k["ready"]) is not Answer.READY:
        return "skipped"
    right, left, both = (answers.get(k[part]) for part in ("right", "left", "both"))
    if Answer.SKIPPED in (right, left, both):
        return "skipped"
    if right is Answer.NO and left is Answer.YES:
        return "right"
    if left is Answer.NO and right is Answer.YES:
        return "left"
    if right is Answer.YES and left is Answer.YES and both is Answer.NO:
        return "back"
    return "inconclusive"


def inflammatory_back_pain(answers: Answers) -> bool:
    """ASAS 2009: chronic back pain (A1) with at least 4 of the 5 criteria A2..A6 (data/decision.toml)."""
    rule = _RULES["inflammatory_back_pain"]
    met = sum(_yes(answers, a) for a in rule["criteria"])
    return _yes(answers, rule["chronic"]) and met >= rule["criteria_needed"]


def sharp_leg_pain(answers: Answers) -> bool:
    """S4 and S5: sharp pain down the leg."""
    return all(_yes(answers, q) for q in _RULES["sharp_leg_pain"])


def si_joint_symptoms(answers: Answers) -> bool:
    """S1 yes and (S2 or S3) yes: the seed's SI-joint symptoms, without the knee test."""
    rule = _RULES["si_joint_symptoms"]
    return _yes(answers, rule["site"]) and any(_yes(answers, q) for q in rule["any_of"])


def side_of_pain(answers: Answers) -> str:
    """The side for E1: the knee test's failing side, else S8 (left) / S8b (right), else both."""
    knee = knee_test(answers)
    if knee in ("left", "right"):
        return knee
    return next((side for side in ("left", "right") if _yes(answers, _RULES["side"][side])), "both")


@dataclass(frozen=True)
class Step:
    """One step of CLINICAL.md's decision order after the red flags: the outcome and when it applies."""

    outcome: str
    when: str
    """CLINICAL.md's words for the condition."""
    holds: Callable[[Answers], bool]


DECISION_ORDER: tuple[Step, ...] = (
    # Step 1, any red flag (the most severe found), is red_flag_outcome above; it comes before these.
    Step("PREGNANCY", "P1 yes", lambda a: reads_yes(a, _RULES["pregnant"])),
    Step("SACROILIITIS_POSSIBLE", "(S4 yes and S5 yes) or inflammatory back pain",
         lambda a: sharp_leg_pain(a) or inflammatory_back_pain(a)),
    Step("SI_JOINT", "the knee test points to one side, or (it is inconclusive or skipped and S1 yes and "
         "(S2 or S3) yes)",
         lambda a: knee_test(a) in ("left", "right") or (knee_test(a) in ("inconclusive", "skipped")
                                                        and si_joint_symptoms(a))),
    Step("LOWER_BACK", "the knee test points to the back", lambda a: knee_test(a) == "back"),
    Step("INCONCLUSIVE", "otherwise", lambda a: True),
)
"""Steps 2-6, first match wins."""

FLAG_TESTS: dict[str, Callable[[Answers], bool]] = {"inflammatory_back_pain": inflammatory_back_pain}
"""The named tests a flag's ``when`` in outcomes.toml may use."""
ROUTES: dict[str, Callable[[str, Answers], bool]] = {
    "sharp_leg_pain": lambda outcome, a: outcome == "SACROILIITIS_POSSIBLE" and sharp_leg_pain(a),
}
"""The routes an outcome's ``by_route`` in outcomes.toml may name: how it was reached."""


def flags(answers: Answers) -> tuple[str, ...]:
    """The flags that add advice (and plan changes) to a non-red-flag outcome (outcomes.toml [flag])."""
    found = []
    for name, rule in _outcomes()["flag"].items():
        test = rule.get("when")
        raised = FLAG_TESTS[test](answers) if test else all(reads_yes(answers, q) for q in rule["when_yes"])
        if raised:
            found.append(name)
    return tuple(found)


def outcome_of(answers: Answers, context: TriageContext) -> str:
    """CLINICAL.md's decision order; the first match wins."""
    red = red_flag_outcome(answers, context)
    if red is not None:
        return red
    return next(step.outcome for step in DECISION_ORDER if step.holds(answers))


def route_to(outcome: str, answers: Mapping[str, Answer]) -> str | None:
    """How an outcome with several routes was reached (outcomes.toml ``by_route``), or None.

    SACROILIITIS_POSSIBLE through sharp pain down the leg (S4 and S5) is "sharp_leg_pain": its words
    are honest that an irritated nerve (sciatica) may be the cause as well as the SI joint.
    """
    return next((route for route, reached in ROUTES.items() if reached(outcome, answers)), None)


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
