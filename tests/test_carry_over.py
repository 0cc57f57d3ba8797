"""CLINICAL.md section 1: a red flag is kept and repeated at the next session (C1) until a doctor clears it."""

from datetime import UTC, datetime

import pytest

from tests.fakes import DayClock
from tests.history_helpers import SI_JOINT, URGENT, cli_session, history_json, run_session
from voicecoach.coach.catalogue import plan_item
from voicecoach.domain.endings import How
from voicecoach.history.carry_over import carried_over
from voicecoach.history.records import IN_PROGRESS, SessionRecord

C1 = "Last time, your answers needed a doctor's check first. Has a doctor checked this and said you may exercise?"


def session(outcome=None, c1=None, how="finished"):
    answers = {"C1": c1} if c1 else {}
    return SessionRecord(id=1, started_at=datetime(2025, 3, 1, tzinfo=UTC), ended_at=None, mode="text",
                         command="session", how=how, outcome=outcome, answers=answers)


@pytest.mark.parametrize(("history", "expected"), [
    ([], None),
    ([session("SI_JOINT")], None),
    ([session("URGENT")], "URGENT"),
    ([session("EMERGENCY"), session("SI_JOINT")], "EMERGENCY"),   # a later session without C1 yes cannot clear it
    ([session("URGENT"), session("URGENT", c1="no")], "URGENT"),
    ([session("URGENT"), session("URGENT", c1="unclear")], "URGENT"),
    ([session("URGENT"), session("SI_JOINT", c1="yes")], None),
    ([session("URGENT"), session(None, c1="yes", how="interrupted")], None),
    ([session("URGENT"), session(None, how="interrupted")], "URGENT"),
    ([session("EMERGENCY"), session("SEE_DOCTOR", c1="yes")], "SEE_DOCTOR"),
    ([session("SEE_DOCTOR"), session("UNRESOLVED", c1="yes")], None),
    ([session("UNRESOLVED")], None),
    ([session("URGENT", how=IN_PROGRESS)], None),
], ids=["none", "no-red-flag", "urgent", "not-cleared-by-silence", "c1-no", "c1-unclear", "c1-yes",
        "c1-yes-then-cut-off", "cut-off-before-c1", "cleared-then-new-flag", "unresolved-after-clearing",
        "unresolved-is-not-carried", "still-running"])
def test_what_is_carried_over(history, expected):
    assert carried_over(history) == expected


def test_a_red_flag_is_asked_about_at_the_next_session_until_cleared(tmp_path):
    clock = DayClock()
    report, _ = run_session(tmp_path, clock, URGENT)
    assert report.how is How.REFERRED

    clock.next_day()
    report, lines = run_session(tmp_path, clock, "yes\nno\n")  # O1 yes, C1 no: the same outcome again
    assert lines[lines.index(C1) - 1] == "Are you ready to answer a few questions?"
    assert report.how is How.REFERRED and report.triage.outcome == "URGENT"
    assert "Please contact a doctor today before doing any exercises." in lines
    assert report.exercises == ()

    clock.next_day()
    report, lines = run_session(tmp_path, clock, "yes\nyes\n" + SI_JOINT[4:] + "3\n3\n")  # C1 yes, then the triage
    assert C1 in lines
    assert report.how is How.FINISHED and report.triage.outcome == "SI_JOINT" and len(report.exercises) == 3

    clock.next_day()
    report, lines = run_session(tmp_path, clock, SI_JOINT + "3\n3\n")
    assert C1 not in lines and report.how is How.FINISHED

    sessions = history_json(tmp_path)
    assert [(s["outcome"], s["answers"].get("C1"), s["how"]) for s in sessions] == [
        ("URGENT", None, "referred"), ("URGENT", "no", "referred"), ("SI_JOINT", "yes", "finished"),
        ("SI_JOINT", None, "finished")]


def test_the_exercise_command_asks_c1_too(tmp_path):
    clock = DayClock()
    run_session(tmp_path, clock, URGENT)
    report, lines = run_session(tmp_path, clock, "no\n", command="exercise", plan=[plan_item("E2")])
    assert lines[1] == C1
    assert report.how is How.REFERRED and report.exercises == () and report.pain_before is None
    report, lines = run_session(tmp_path, clock, "yes\n3\n3\n", command="exercise", plan=[plan_item("E2")])
    assert report.how is How.FINISHED and len(report.exercises[0].hold_durations) == 3
    report, lines = run_session(tmp_path, clock, "3\n3\n", command="exercise", plan=[plan_item("E2")])
    assert C1 not in lines and report.how is How.FINISHED


def test_no_history_carries_nothing(tmp_path):
    assert cli_session(tmp_path, script=URGENT).exit_code == 3
    assert C1 in cli_session(tmp_path).output
    assert C1 not in cli_session(tmp_path, extra=("--no-history",)).output
