"""CLINICAL.md section 1, a quick return: the check-in R0 instead of every red flag within a week of a
full triage that found none; every question again after a week, a red flag, a pain rise of 2, a
check-in that was not a clear no, "check everything" or --full-triage."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes import DayClock
from tests.history_helpers import QUICK, SI_JOINT, run_session
from tests.triage_helpers import ASKED_RED_FLAGS, N, U, Y, walk
from voicecoach.domain.answers import Answer
from voicecoach.domain.endings import How
from voicecoach.history.quick_return import is_full_triage, quick_return
from voicecoach.history.records import SessionRecord
from voicecoach.triage.engine import TriageEngine
from voicecoach.triage.guards import CarriedTriage, TriageContext

DAY1 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
FULL_ANSWERS = {"O1": "yes", **dict.fromkeys(ASKED_RED_FLAGS, "no"), "P1": "no", "S1": "no", "S2": "no", "S3": "no",
                "S4": "no", "S6": "no", "S7": "no", "S8": "no", "S8b": "no", "K0": "ready", "K1": "no", "K2": "yes",
                "K3": "yes", "A0": "no"}
"""A full triage pointing to the SI joint on the right (the right knee failed the knee test)."""


def record(days=0.0, answers=None, outcome="SI_JOINT", how="finished", before=3, after=3, id_=1):
    return SessionRecord(id=id_, started_at=DAY1 + timedelta(days=days), ended_at=None, mode="text",
                         command="session", how=how, outcome=outcome,
                         answers=FULL_ANSWERS if answers is None else answers, pain_before=before, pain_after=after)


def now(days):
    return DAY1 + timedelta(days=days)


def test_within_seven_days_of_a_full_triage_the_return_is_quick_and_carries_its_answers():
    carried = quick_return([record()], now(6.9))
    assert carried is not None and carried.when == DAY1
    assert carried.answers["K1"] is Answer.NO and carried.answers["S8"] is Answer.NO
    assert not {"O1", *ASKED_RED_FLAGS} & set(carried.answers), "the red flags are never carried over"
    assert carried.reask == ()


@pytest.mark.parametrize(("history", "days", "why"), [
    ([], 0.1, "no full triage yet"),
    ([record()], 7.0, "seven days or more"),
    ([record()], 8.0, "eight days"),
    ([record()], -0.1, "a full triage dated in the future (a clock set wrong)"),
    ([record(), record(1, {"O1": "yes", "R0": "no"}, outcome="URGENT")], 2, "a red-flag outcome since"),
    ([record(), record(1, {"O1": "yes", "R0": "yes", "R1": "no", "R2": "no"}, outcome=None, how="interrupted")], 2,
     "a check-in answered yes, then cut off"),
    ([record(), record(1, {"O1": "yes", "R0": "unclear"}, outcome=None, how="no_input")], 2, "an unclear check-in"),
    ([record(), record(1, {"O1": "yes", "R1": "no", "R2": "unclear"}, outcome=None, how="interrupted")], 2,
     "a red flag left unclear in a session cut off"),
    ([record(before=3, after=5)], 1, "a pain rise of 2 in the full triage's own session"),
    ([record(), record(1, {"O1": "yes", "R0": "no"}, before=2, after=4)], 2, "a pain rise of 2 since"),
    ([record(), record(1, {}, outcome=None, how="referred")], 2, "a referral since (numbness during an exercise)"),
    ([record(outcome="SEE_DOCTOR")], 1, "the last triage found a red flag"),
    ([record(answers={k: v for k, v in FULL_ANSWERS.items() if k not in ("R9", "R10")})], 1,
     "a triage from before R9 and R10 existed is not a full one"),
])
def test_a_full_triage_is_needed(history, days, why):
    assert quick_return(history, now(days)) is None, why


def test_a_quick_return_does_not_restart_the_week():
    history = [record(), record(3, {"O1": "yes", "R0": "no"}, id_=2), record(6, {"O1": "yes", "R0": "no"}, id_=3)]
    assert quick_return(history, now(6.5)) is not None
    assert quick_return(history, now(7.5)) is None


def test_a_check_in_yes_followed_by_every_question_is_itself_a_full_triage():
    answers = {**FULL_ANSWERS, "R0": "yes"}
    history = [record(), record(3, answers, id_=2)]
    assert is_full_triage(history[1])
    assert quick_return(history, now(9)).when == DAY1 + timedelta(days=3)


def test_pregnancy_is_asked_again_on_a_quick_return():
    pregnant = {**FULL_ANSWERS, "P1": "yes", "P2": "no"}
    carried = quick_return([record(answers=pregnant, outcome="PREGNANCY")], now(2))
    assert carried.reask == ("pregnancy",)


def quick_engine(answers=None, reask=()):
    carried = CarriedTriage(answers={k: Answer(v) for k, v in (answers or FULL_ANSWERS).items()
                                     if k[0] in "PSKA"}, when=DAY1, reask=reask)
    return TriageEngine(TriageContext(quick=carried))


def walk_engine(engine, given):
    answers, asked = {}, []
    while (q := engine.next_question(answers)) is not None:
        asked.append(q.id)
        answers[q.id] = given.get(q.id, N)
    return asked, engine.result(answers)


def test_the_check_in_no_asks_nothing_else_and_keeps_the_outcome():
    asked, result = walk_engine(quick_engine(), {"R0": N})
    assert asked == ["R0"]
    _, full = walk({"K1": N, "K2": Y})
    assert (result.outcome, result.side, result.plan) == (full.outcome, full.side, full.plan) == (
        "SI_JOINT", "right", full.plan)


@pytest.mark.parametrize("answer", [Y, U, Answer.CHECK_ALL], ids=["yes", "unclear", "check everything"])
def test_a_check_in_that_is_not_a_clear_no_asks_every_question(answer):
    asked, result = walk_engine(quick_engine(), {"R0": answer, "K0": Answer.READY, "K1": Y, "K2": Y, "K3": Y})
    assert asked[0] == "R0" and asked[1:1 + len(ASKED_RED_FLAGS)] == ASKED_RED_FLAGS
    assert "S1" in asked and "K0" in asked
    assert result.outcome == "INCONCLUSIVE"  # today's answers, not the carried ones


def test_a_red_flag_after_the_check_in_refers():
    asked, result = walk_engine(quick_engine(), {"R0": Y, "R3": Y})
    assert asked == ["R0", "R1", "R2", "R3"] and result.outcome == "URGENT"


def test_a_pregnant_person_is_asked_about_the_pregnancy_again():
    pregnant = {**FULL_ANSWERS, "P1": "yes", "P2": "no"}
    asked, result = walk_engine(quick_engine(pregnant, reask=("pregnancy",)), {"R0": N, "P1": Y, "P2": Y})
    assert asked == ["R0", "P1", "P2"]
    assert result.outcome == "PREGNANCY" and "late_pregnancy" in result.flags  # today's P2, not the carried no


def test_the_check_in_is_never_asked_without_a_quick_return():
    assert "R0" not in walk()[0]


def test_sessions_through_the_app_quick_then_a_full_one_after_a_week(tmp_path):
    clock = DayClock()
    report, lines = run_session(tmp_path, clock, f"{SI_JOINT}3\n3\n", full_triage=False)
    assert report.triage.outcome == "SI_JOINT" and report.quick_return_from is None
    clock.now += timedelta(hours=8)  # the same day
    report, lines = run_session(tmp_path, clock, f"{QUICK}3\n3\n", full_triage=False)
    assert report.how is How.FINISHED and set(report.answers) == {"O1", "R0"}
    assert report.triage.outcome == "SI_JOINT" and report.triage.side == "right"
    assert [e.exercise for e in report.exercises] == ["E1", "E2", "E3"]
    assert report.quick_return_from == DAY1
    assert "Nothing new, so your plan and the advice from last time carry on." in lines
    assert "How bad is your pain right now, from 0 to 10?" in lines
    assert report.to_dict()["quick_return_from"] == DAY1.isoformat()
    clock.now = DAY1 + timedelta(days=8)
    report, lines = run_session(tmp_path, clock, f"{SI_JOINT}3\n3\n", full_triage=False)
    assert "R0" not in report.answers and set(ASKED_RED_FLAGS) <= set(report.answers)
