"""The session runner: opening, triage, pain scores, plan, and every way a session ends."""

from tests.fakes import Reply, rig
from tests.triage_helpers import ASKED_RED_FLAGS
from voicecoach.coach.catalogue import plan_item
from voicecoach.domain.endings import How
from voicecoach.session import Session

ALL_NO = ["no"] * len(ASKED_RED_FLAGS) + ["no"]  # R1-R10 (with R4b, R5b), P1
SYMPTOMS_NO = ["no"] * 8  # S1, S2, S3, S4, S6, S7, S8, S8b
KNEE_FINE = ["ready", "yes", "yes", "yes"]
INCONCLUSIVE = ["yes", *ALL_NO, *SYMPTOMS_NO, *KNEE_FINE, "no"]  # O1 ... A0


def run(replies, command="session", plan=(), **kwargs):
    r = rig(replies, **kwargs)
    report = Session(r.conversation).run(command, plan)
    return r, report


def test_a_whole_session_runs_triage_then_the_plan():
    r, report = run([*INCONCLUSIVE, "3", "2"])
    assert report.how is How.FINISHED and report.exit_code == 0
    assert report.triage.outcome == "INCONCLUSIVE"
    assert [e.exercise for e in report.exercises] == ["E1", "E2"]
    assert all(e.status == "completed" for e in report.exercises)
    assert (report.pain_before, report.pain_after) == (3, 2)
    assert r.speaker.texts[0].startswith("Welcome to voicecoach. This is general exercise guidance")
    assert r.speaker.texts[-1] == "That is all for today. Well done."
    assert [e.type for e in r.events][-1] == "session_end"
    assert report.answers["O1"] == "yes" and report.answers["K0"] == "ready"


def test_the_opening_waits_for_ready_and_never_times_out_into_yes():
    r, report = run(["no", "mumble", "ready", *INCONCLUSIVE[1:]], command="triage")
    assert report.how is How.FINISHED
    assert "Say ready when you are." in r.speaker.texts


def test_a_red_flag_ends_the_session_without_exercise_or_pain_questions():
    r, report = run(["yes", "yes"])
    assert report.how is How.REFERRED and report.exit_code == 3
    assert report.triage.outcome == "EMERGENCY"
    assert r.of_type("exercise_started") == [] and r.of_type("pain_score") == []
    assert "Please call emergency services or go to an emergency department now." in " ".join(r.speaker.texts)


def test_triage_alone_does_not_exercise():
    r, report = run(INCONCLUSIVE, command="triage")
    assert report.how is How.FINISHED
    assert r.of_type("exercise_started") == []
    assert [e.outcome for e in r.of_type("outcome")] == ["INCONCLUSIVE"]


def test_high_pain_before_needs_a_clear_yes_to_exercise():
    r, report = run([*INCONCLUSIVE, "8", "no"])
    assert report.how is How.FINISHED and report.exercises == ()
    assert "Your pain is high today" in " ".join(r.speaker.texts)
    r, report = run([*INCONCLUSIVE, "9", "yes", "9"])
    assert len(report.exercises) == 2


def test_a_pain_rise_of_two_is_noted_for_a_step_down():
    r, report = run(["3", "5"], command="exercise", plan=[plan_item("E2")])
    assert report.pain_rose
    assert "Your pain is 2 points higher than before you started." in " ".join(r.speaker.texts)
    r, report = run(["3", "4"], command="exercise", plan=[plan_item("E2")])
    assert not report.pain_rose


def test_no_pain_score_is_not_a_reason_to_stop():
    r, report = run(["x", "y", "skip", "2"], command="exercise", plan=[plan_item("E2")])
    assert report.pain_before is None and report.pain_after == 2
    assert report.how is How.FINISHED


def test_input_ending_mid_triage_keeps_what_was_answered():
    r, report = run(["yes", "no", "no"])
    assert report.how is How.NO_INPUT and report.exit_code == 5
    assert report.answers == {"O1": "yes", "R1": "no", "R2": "no"}
    assert r.speaker.texts[-1] == "Input ended, so the session is over. Everything so far is kept."


def test_stop_during_the_triage():
    r, report = run(["yes", "no", "stop"])
    assert report.how is How.STOPPED and report.exit_code == 4


def test_stop_in_an_exercise_with_worse_pain_still_asks_the_pain_score():
    r, report = run(["3", Reply("stop", at=8.5), "yes", "6"], command="exercise", plan=[plan_item("E2")])
    assert report.how is How.STOPPED
    assert report.exercises[0].status == "stopped"
    assert report.pain_after == 6 and report.pain_rose


def test_ctrl_c_ends_the_session_as_interrupted():
    r = rig(["yes"])

    class Interrupting:
        def listen(self, expect, until):
            raise KeyboardInterrupt

    r.conversation.listener = Interrupting()
    report = Session(r.conversation).run("session")
    assert report.how is How.INTERRUPTED and report.exit_code == 130
    assert r.of_type("session_end")[0].how == "interrupted"
    # what was playing is cut first, so the closing line is heard at once (not after the sentence)
    assert r.speaker.texts[-1] == "Session interrupted. Everything so far is kept."
    assert r.speaker.hushed_after and r.speaker.hushed_after[-1] == len(r.speaker.lines) - 1


def test_the_json_summary_names_every_field():
    _, report = run([*INCONCLUSIVE, "3", "3"])
    body = report.to_dict()
    assert {"outcome", "side", "plan", "advice", "answers", "pain_before", "pain_after", "exercises", "how",
            "exit_code"} <= set(body)
    assert body["exercises"][0]["hold_seconds"] == [10.0] * 6  # E1 on both sides


def test_exercise_command_with_nothing_to_do():
    r, report = run([], command="exercise", plan=[])
    assert report.how is How.FINISHED
    assert "There are no exercises for today." in r.speaker.texts
