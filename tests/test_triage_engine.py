"""Which questions are asked, in which order, and when the triage stops."""

from tests.triage_helpers import N, S, U, Y, walk
from voicecoach.triage.questions import by_id, questions

RED = ["R1", "R2", "R3", "R4", "R4b", "R5", "R5b", "R6", "R7", "R8", "R9", "R10"]
"""The red flags asked when all are no (R5c follows a yes or unclear R5b)."""


def test_question_ids_are_those_of_clinical_md():
    ids = [q.id for q in questions()]
    assert ids == ["C1", "R0", "R1", "R2", "R3", "R4", "R4b", "R5", "R5b", "R5c", "R6", "R7", "R8", "R9", "R10",
                   "P1", "P2", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S8b",
                   "K0", "K1", "K2", "K3", "A0", "A1", "A2", "A3", "A4", "A5", "A6"]


def test_every_question_has_two_rephrasings():
    for q in questions():
        assert len(q.question.rephrase) == 2, q.id
        assert q.question.text not in q.question.rephrase


def test_all_red_flags_are_safety_questions_with_rules():
    for q in questions():
        if q.is_red_flag and q.id != "R5b":
            assert q.question.safety and q.on_yes and q.on_unclear == "UNRESOLVED" and q.topic, q.id
    gate = by_id("R5b")  # thin bones: a gate, split from R5 for the ear; its follow-up R5c carries the rule
    assert gate.question.safety and gate.on_yes is None and gate.on_unclear is None
    assert by_id("R5c").ask_if == "r5b_not_no" and by_id("R5c").on_yes == "URGENT"


def test_r5c_follows_a_yes_or_unclear_r5b_only():
    assert "R5c" not in walk({"R5b": N})[0]
    for answer in (Y, U):
        asked, _ = walk({"R5b": answer})
        assert asked[asked.index("R5b") + 1] == "R5c"


def test_see_doctor_from_r10_still_asks_every_red_flag_first():
    asked, result = walk({"R9": Y})
    assert asked == RED and result.outcome == "SEE_DOCTOR"


def test_red_flags_come_first_and_all_are_asked_when_all_no():
    asked, _ = walk()
    assert asked[:len(RED)] == RED
    assert asked == [*RED, "P1", "S1", "S2", "S3", "S4", "S6", "S7", "S8", "S8b", "K0", "K1", "K2", "K3", "A0"]


def test_an_emergency_ends_the_triage_at_once():
    asked, result = walk({"R1": Y})
    assert asked == ["R1"]
    assert result.outcome == "EMERGENCY"


def test_urgent_ends_the_triage_when_nothing_more_severe_is_left():
    asked, _ = walk({"R3": Y})
    assert asked == ["R1", "R2", "R3"]


def test_see_doctor_still_asks_every_red_flag_and_nothing_else():
    asked, result = walk({"R6": Y})
    assert asked == RED
    assert result.outcome == "SEE_DOCTOR"


def test_an_unresolved_red_flag_still_asks_the_other_red_flags():
    asked, result = walk({"R1": U, "R2": Y})
    assert asked == ["R1", "R2"]
    assert result.outcome == "EMERGENCY"
    asked, result = walk({"R1": U})
    assert asked == RED
    assert result.outcome == "UNRESOLVED"


def test_p2_only_after_p1_yes_or_unclear():
    assert "P2" not in walk({"P1": N})[0]
    assert "P2" in walk({"P1": Y})[0]
    assert "P2" in walk({"P1": U})[0]


def test_s5_only_after_s4_yes():
    assert "S5" in walk({"S4": Y})[0]
    assert "S5" not in walk({"S4": N})[0]


def test_s8b_only_when_left_is_not_the_answer():
    assert "S8b" not in walk({"S8": Y})[0]
    assert "S8b" in walk({"S8": N})[0]


def test_skipping_the_knee_test():
    asked, _ = walk({"K0": S})
    assert not {"K1", "K2", "K3"} & set(asked)
    asked, result = walk({"K1": S})
    assert "K1" in asked and not {"K2", "K3"} & set(asked)
    assert result.outcome == "INCONCLUSIVE"


def test_inflammation_questions_follow_s4_or_age():
    asked, _ = walk({"S4": Y})
    assert "A0" not in asked and "A1" in asked
    asked, _ = walk({"A0": N})
    assert "A1" not in asked
    asked, _ = walk({"A0": Y, "A1": N})
    assert "A1" in asked and "A2" not in asked
    asked, _ = walk({"A0": Y, "A1": Y})
    assert asked[-5:] == ["A2", "A3", "A4", "A5", "A6"]


def test_a_carried_over_red_flag_asks_c1_first():
    asked, result = walk({"C1": N}, carried_over="URGENT")
    assert asked == ["C1"]
    assert result.outcome == "URGENT"


def test_an_unclear_c1_keeps_the_red_flag():
    asked, result = walk({"C1": U}, carried_over="SEE_DOCTOR")
    assert asked == ["C1"]
    assert result.outcome == "SEE_DOCTOR"


def test_a_cleared_red_flag_goes_on_with_the_triage():
    asked, result = walk({"C1": Y}, carried_over="URGENT")
    assert asked[:2] == ["C1", "R1"]
    assert result.outcome == "INCONCLUSIVE"


def test_c1_is_not_asked_without_a_carried_over_red_flag():
    assert "C1" not in walk()[0]
