"""Every id and name the clinical rules use, checked across the data files before a session starts.

A typo in a TOML file (a question id, an outcome, an advice id, an exercise or level, a guard) is a
:class:`DataError` that names the file and the id, instead of a wrong answer or a crash mid-session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from voicecoach import data
from voicecoach.domain.questions import QuestionKind
from voicecoach.triage.decision import DECISION_ORDER, FLAG_TESTS, ROUTES
from voicecoach.triage.guards import GUARDS

Load = Callable[[str], dict[str, Any]]

TRIAGE, OUTCOMES, DECISION, PROGRESSION, PAIN, ASKING = (
    f"voicecoach/data/{name}.toml" for name in ("triage", "outcomes", "decision", "progression", "pain", "asking"))

SECTIONS = ("carry_over", "check_in", "red_flags", "pregnancy", "symptoms", "knee_test", "inflammation")
"""The sections of triage.toml, in CLINICAL.md's order."""
SIDES = ("painful", "both")
"""The sides an outcome's plan may give an exercise."""


class DataError(ValueError):
    """A data file names something that does not exist; the message names the file and the id."""


def check(load: Load = data.load) -> None:
    """Raise DataError at the first id or name a rule uses that the data does not define."""
    triage, outcomes, decision = load("triage"), load("outcomes"), load("decision")
    question_ids = [str(q.get("id")) for q in triage.get("question", ())]
    _unique(TRIAGE, "question id", question_ids)
    exercise_levels = {e["id"]: [lv["name"] for lv in e["levels"]] for e in load("exercises")["exercise"]}
    all_outcomes = set(outcomes.get("outcome", {}))
    red_flags = {name for name, o in outcomes["outcome"].items() if o.get("red_flag")}
    _check_questions(triage, red_flags)
    _check_decision(decision, set(question_ids), red_flags)
    _check_outcomes(outcomes, set(question_ids), red_flags, exercise_levels)
    _check_progression(load("progression"), all_outcomes, red_flags, exercise_levels)
    _check_numbers(load("pain"), load("asking"))
    for name, guard in GUARDS.items():
        _known("voicecoach/triage/guards.py", f"guard {name}", guard.reads, question_ids, "question id")
    for step in DECISION_ORDER:
        _known("voicecoach/triage/decision.py", "DECISION_ORDER", [step.outcome], all_outcomes, "outcome")


def _check_questions(triage: dict[str, Any], red_flags: set[str]) -> None:
    kinds = [k.value for k in QuestionKind]
    for q in triage["question"]:
        where = f"question {q['id']}"
        _known(TRIAGE, where, [q.get("section")], SECTIONS, "section")
        _known(TRIAGE, where, [q.get("kind", "yes_no")], kinds, "kind")
        _known(TRIAGE, where, _given(q.get("ask_if")), GUARDS, "guard (ask_if)")
        _known(TRIAGE, where, _given(q.get("on_yes")), red_flags, "red-flag outcome (on_yes)")
        _known(TRIAGE, where, _given(q.get("on_unclear")), [*red_flags, "yes"], "on_unclear")


def _check_decision(decision: dict[str, Any], questions: set[str], red_flags: set[str]) -> None:
    order = decision["red_flag_order"]
    _known(DECISION, "red_flag_order", order, red_flags, "red-flag outcome")
    missing = sorted(red_flags - set(order))
    if missing:
        raise DataError(f"{DECISION}: red_flag_order leaves out the red-flag outcome {missing[0]!r}")
    _known(DECISION, "act_now", decision["act_now"], order, "red-flag outcome")
    ibp = decision["inflammatory_back_pain"]
    ids = {
        "cleared_by": [decision["cleared_by"]],
        "pregnant": [decision["pregnant"]],
        "sharp_leg_pain": decision["sharp_leg_pain"],
        "inflammatory_back_pain": [ibp["chronic"], *ibp["criteria"]],
        "knee_test": [decision["knee_test"][part] for part in ("ready", "right", "left", "both")],
        "si_joint_symptoms": [decision["si_joint_symptoms"]["site"], *decision["si_joint_symptoms"]["any_of"]],
        "side": [decision["side"][side] for side in ("left", "right")],
    }
    for where, named in ids.items():
        _known(DECISION, where, named, questions, "question id")
    needed = ibp["criteria_needed"]
    if not (isinstance(needed, int) and 1 <= needed <= len(ibp["criteria"])):
        raise DataError(f"{DECISION}: inflammatory_back_pain.criteria_needed {needed!r} is not 1 to "
                        f"{len(ibp['criteria'])} (the number of criteria)")


def _check_outcomes(outcomes: dict[str, Any], questions: set[str], red_flags: set[str],
                    exercise_levels: dict[str, list[str]]) -> None:
    advice, flags = outcomes["advice"], outcomes["flag"]
    for name, spec in outcomes["outcome"].items():
        where = f"outcome {name}"
        _known(OUTCOMES, where, spec.get("advice", ()), advice, "advice id")
        for item in spec.get("plan", ()):
            _known(OUTCOMES, where, [item["exercise"]], exercise_levels, "exercise")
            _known(OUTCOMES, where, [item["start"]], exercise_levels[item["exercise"]],
                   f"level of {item['exercise']}")
            _known(OUTCOMES, where, [item["side"]], SIDES, "side")
        for route, changes in spec.get("by_route", {}).items():
            _known(OUTCOMES, where, [route], ROUTES, "route (by_route)")
            _known(OUTCOMES, f"{where} by_route {route}", changes.get("advice", ()), advice, "advice id")
            _known(OUTCOMES, f"{where} by_route {route}", changes.get("supersedes", ()), flags, "flag")
    for name, rule in flags.items():
        where = f"flag {name}"
        if ("when" in rule) == ("when_yes" in rule):
            raise DataError(f"{OUTCOMES}: {where} needs exactly one of when (a named test) or when_yes")
        _known(OUTCOMES, where, _given(rule.get("when")), FLAG_TESTS, "test (when)")
        _known(OUTCOMES, where, rule.get("when_yes", ()), questions, "question id")
        _known(OUTCOMES, where, rule["advice"], advice, "advice id")
        _known(OUTCOMES, where, [*_given(rule.get("first_exercise")), *rule.get("drop_exercises", ())],
               exercise_levels, "exercise")
    _known(OUTCOMES, "unresolved_action", outcomes["unresolved_action"], red_flags, "red-flag outcome")
    for needed in sorted(red_flags - {"UNRESOLVED"} - set(outcomes["unresolved_action"])):
        raise DataError(f"{OUTCOMES}: unresolved_action has no words for the red-flag outcome {needed!r}")


def _check_progression(progression: dict[str, Any], outcomes: set[str], red_flags: set[str],
                       exercise_levels: dict[str, list[str]]) -> None:
    _known(PROGRESSION, "carry_over", progression["carry_over"], red_flags, "red-flag outcome")
    for outcome, tops in progression.get("top_level", {}).items():
        _known(PROGRESSION, "top_level", [outcome], outcomes, "outcome")
        for exercise, level in tops.items():
            _known(PROGRESSION, f"top_level.{outcome}", [exercise], exercise_levels, "exercise")
            _known(PROGRESSION, f"top_level.{outcome}", [level], exercise_levels[exercise],
                   f"level of {exercise}")


def _check_numbers(pain: dict[str, Any], asking: dict[str, Any]) -> None:
    low, high = pain["lowest"], pain["highest"]
    _within(PAIN, "lowest", low, 0, high - 1)
    _within(PAIN, "high_before", pain["high_before"], low, high)
    _within(PAIN, "rise_step_down", pain["rise_step_down"], 1, high - low)
    _within(ASKING, "attempts", asking["attempts"], 1, 10)
    _within(ASKING, "number_attempts", asking["number_attempts"], 1, asking["attempts"])
    _within(ASKING, "confirm_below", asking["confirm_below"], 0, 1)
    _within(ASKING, "voice_answer_timeout_seconds", asking["voice_answer_timeout_seconds"], 1, 600)
    _within(ASKING, "keyboard_timeout_seconds", asking["keyboard_timeout_seconds"], 1, 3600)


def _within(file: str, name: str, value: object, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise DataError(f"{file}: {name} = {value!r} is not a number from {low:g} to {high:g}")


def _known(file: str, where: str, names: Iterable[object], defined: Iterable[str], what: str) -> None:
    known = set(defined)
    for name in names:
        if name not in known:
            raise DataError(f"{file}: {where} names an unknown {what} {name!r} "
                            f"(known: {', '.join(sorted(known))})")


def _unique(file: str, what: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(f"{file}: the {what} {name!r} is used twice")
        seen.add(name)


def _given(value: str | None) -> list[str]:
    return [] if value is None else [value]


@cache
def check_shipped() -> None:
    """Check the data files the package ships, once per process (a session calls this at start)."""
    check()
