"""One table-driven case per CLINICAL.md outcome and flag, through the triage engine."""

import re

import pytest

from tests.triage_helpers import N, S, U, Y, plan_of, walk
from voicecoach import data
from voicecoach.coach.catalogue import plan_items
from voicecoach.domain.outcomes import Outcome
from voicecoach.triage.decision import RED_FLAG_ORDER
from voicecoach.triage.questions import by_id, questions

NO_EXERCISE = []

CASES = [
    # id, answers, outcome, side, plan
    ("R1 yes: cauda equina, bladder/bowel", {"R1": Y}, "EMERGENCY", None, NO_EXERCISE),
    ("R2 yes: saddle numbness", {"R2": Y}, "EMERGENCY", None, NO_EXERCISE),
    ("R3 yes: leg weakness", {"R3": Y}, "URGENT", None, NO_EXERCISE),
    ("R4 yes: fever", {"R4": Y}, "URGENT", None, NO_EXERCISE),
    ("R5 yes: trauma", {"R5": Y}, "URGENT", None, NO_EXERCISE),
    ("R6 yes: cancer or weight loss", {"R6": Y}, "SEE_DOCTOR", None, NO_EXERCISE),
    ("R7 yes: night pain", {"R7": Y}, "SEE_DOCTOR", None, NO_EXERCISE),
    ("R8 yes: steroids, immunosuppression", {"R8": Y}, "SEE_DOCTOR", None, NO_EXERCISE),
    ("R4b yes: injected drugs", {"R4b": Y}, "URGENT", None, NO_EXERCISE),
    ("R5b and R5c yes: thin bones and a minor fall", {"R5b": Y, "R5c": Y}, "URGENT", None, NO_EXERCISE),
    ("R5c unclear after thin bones", {"R5b": Y, "R5c": U}, "UNRESOLVED", None, NO_EXERCISE),
    ("R5b yes alone is not a red flag", {"R5b": Y, "R5c": N}, "INCONCLUSIVE", "both",
     [("E1", "both", "standard"), ("E2", None, "standard")]),
    ("R5b unclear asks R5c, which decides", {"R5b": U, "R5c": N}, "INCONCLUSIVE", "both",
     [("E1", "both", "standard"), ("E2", None, "standard")]),
    ("R9 yes: new back pain under 20 or over 50", {"R9": Y}, "SEE_DOCTOR", None, NO_EXERCISE),
    ("R10 yes: pain between the shoulder blades", {"R10": Y}, "SEE_DOCTOR", None, NO_EXERCISE),
    ("R9 unclear", {"R9": U}, "UNRESOLVED", None, NO_EXERCISE),
    ("R10 unclear beats see-doctor", {"R6": Y, "R10": U}, "UNRESOLVED", None, NO_EXERCISE),
    ("R4 unclear", {"R4": U}, "UNRESOLVED", None, NO_EXERCISE),
    ("unresolved beats see-doctor", {"R6": Y, "R8": U}, "UNRESOLVED", None, NO_EXERCISE),
    ("urgent beats unresolved", {"R1": U, "R3": Y}, "URGENT", None, NO_EXERCISE),
    ("emergency beats unresolved", {"R1": U, "R2": Y}, "EMERGENCY", None, NO_EXERCISE),
    ("P1 yes", {"P1": Y, "S8": Y}, "PREGNANCY", "left", [("E1", "left", "standard"), ("E2", None, "gentle")]),
    ("P1 unclear is read as yes", {"P1": U}, "PREGNANCY", "both", [("E1", "both", "standard"), ("E2", None, "gentle")]),
    ("P1 and P2 yes: no bridge", {"P1": Y, "P2": Y}, "PREGNANCY", "both", [("E1", "both", "standard")]),
    ("pregnancy before sacroiliitis", {"P1": Y, "S4": Y, "S5": Y}, "PREGNANCY", "both",
     [("E1", "both", "standard"), ("E2", None, "gentle")]),
    ("S4 and S5 yes", {"S4": Y, "S5": Y, "S8": N, "S8b": Y}, "SACROILIITIS_POSSIBLE", "right",
     [("E1", "right", "gentle"), ("E2", None, "gentle"), ("E3", None, "gentle")]),
    ("A0: pain that began before 45 opens the inflammation screen, which is met",
     {"A0": Y, "A1": Y, "A2": N, "A3": Y, "A4": Y, "A5": Y, "A6": Y}, "SACROILIITIS_POSSIBLE", "both",
     [("E1", "both", "gentle"), ("E2", None, "gentle"), ("E3", None, "gentle")]),
    ("A0 no: no inflammation screen, whatever else", {"A0": N, "A1": Y, "A2": Y, "A3": Y, "A4": Y, "A5": Y},
     "INCONCLUSIVE", "both", [("E1", "both", "standard"), ("E2", None, "standard")]),
    ("inflammatory back pain (A1 + 4 of 5)", {"A0": Y, "A1": Y, "A2": Y, "A3": Y, "A4": Y, "A5": Y, "A6": N},
     "SACROILIITIS_POSSIBLE", "both", [("E1", "both", "gentle"), ("E2", None, "gentle"), ("E3", None, "gentle")]),
    ("3 of 5 is not inflammatory", {"A0": Y, "A1": Y, "A2": Y, "A3": Y, "A4": Y}, "INCONCLUSIVE", "both",
     [("E1", "both", "standard"), ("E2", None, "standard")]),
    ("knee test: right knee fails", {"K1": N, "K2": Y}, "SI_JOINT", "right",
     [("E1", "right", "standard"), ("E2", None, "standard"), ("E3", None, "standard")]),
    ("knee test: left knee fails, beats S8", {"K1": Y, "K2": N, "S8": N, "S8b": Y}, "SI_JOINT", "left",
     [("E1", "left", "standard"), ("E2", None, "standard"), ("E3", None, "standard")]),
    ("knee test skipped, S1 and S2 yes", {"K0": S, "S1": Y, "S2": Y, "S8": Y}, "SI_JOINT", "left",
     [("E1", "left", "standard"), ("E2", None, "standard"), ("E3", None, "standard")]),
    ("both single knees fail, S1 and S3 yes", {"K1": N, "K2": N, "S1": Y, "S3": Y}, "SI_JOINT", "both",
     [("E1", "both", "standard"), ("E2", None, "standard"), ("E3", None, "standard")]),
    ("knee test points to the back", {"K3": N}, "LOWER_BACK", "both",
     [("E2", None, "standard"), ("E3", None, "standard"), ("E1", "both", "gentle")]),
    ("the back pattern is not overruled by S1", {"K3": N, "S1": Y, "S2": Y}, "LOWER_BACK", "both",
     [("E2", None, "standard"), ("E3", None, "standard"), ("E1", "both", "gentle")]),
    ("all fine", {}, "INCONCLUSIVE", "both", [("E1", "both", "standard"), ("E2", None, "standard")]),
    ("S1 without S2 or S3", {"S1": Y}, "INCONCLUSIVE", "both", [("E1", "both", "standard"), ("E2", None, "standard")]),
    ("both knees fail, nothing else", {"K1": N, "K2": N}, "INCONCLUSIVE", "both",
     [("E1", "both", "standard"), ("E2", None, "standard")]),
]


@pytest.mark.parametrize(("answers", "outcome", "side", "plan"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_outcome(answers, outcome, side, plan):
    _, result = walk(answers)
    assert result.outcome == outcome
    assert result.side == side
    assert plan_of(result) == plan
    assert result.red_flag is (outcome in RED_FLAG_ORDER)


def test_every_outcome_is_covered_by_the_table():
    outcomes = {c[2] for c in CASES}
    assert outcomes == {"EMERGENCY", "URGENT", "SEE_DOCTOR", "UNRESOLVED", "PREGNANCY", "SACROILIITIS_POSSIBLE",
                        "SI_JOINT", "LOWER_BACK", "INCONCLUSIVE"}


@pytest.mark.parametrize(("outcome_answers", "advice_id"), [
    ({"R1": Y}, "emergency"), ({"R3": Y}, "urgent"), ({"R6": Y}, "see_doctor"), ({"R2": U}, "unresolved_R2"),
])
def test_red_flags_give_referral_advice(outcome_answers, advice_id):
    _, result = walk(outcome_answers)
    assert advice_id in [a.id for a in result.advice]
    assert result.plan == ()


def test_unresolved_advice_is_conditional_and_names_the_action():
    _, result = walk({"R1": U})
    (advice,) = result.advice
    assert advice.text.startswith(
        "If you have new trouble controlling your bladder or bowels, please call emergency services")


@pytest.mark.parametrize("question", [q for q in questions() if q.is_red_flag and q.on_yes], ids=lambda q: q.id)
def test_every_unresolved_red_flag_is_spoken_as_a_plain_condition(question):
    given = {question.id: U, **({"R5b": Y} if question.id == "R5c" else {})}
    _, result = walk(given)
    (advice,) = [a for a in result.advice if a.id == f"unresolved_{question.id}"]
    assert re.fullmatch(r"If (you|the pain|this back pain) [^.]+, please [^.]+\.", advice.text), advice.text


def test_an_unclear_cauda_equina_answer_is_mentioned_even_behind_an_urgent_referral():
    _, result = walk({"R1": U, "R4": Y})
    assert [a.id for a in result.advice] == ["urgent", "unresolved_R1"]


def test_see_doctor_is_still_said_when_another_red_flag_is_unresolved():
    _, result = walk({"R6": Y, "R7": U})
    assert [a.id for a in result.advice] == ["see_doctor", "unresolved_R7"]


FLAG_CASES = [
    ("S4 yes: leg pain", {"S4": Y, "S5": N}, "leg_pain", "leg_pain"),
    ("S6 yes: misstep", {"S6": Y}, "misstep", "misstep"),
    ("S7 yes: overuse", {"S7": Y}, "overuse", "overuse"),
    ("inflammatory back pain", {"A1": Y, "A0": Y, "A2": Y, "A3": Y, "A4": Y, "A5": Y, "A6": Y},
     "inflammatory_back_pain", "rheumatologist"),
    ("P2 yes: late pregnancy", {"P1": Y, "P2": Y}, "late_pregnancy", "late_pregnancy"),
]


@pytest.mark.parametrize(("answers", "flag", "advice_id"), [c[1:] for c in FLAG_CASES], ids=[c[0] for c in FLAG_CASES])
def test_flag_adds_advice(answers, flag, advice_id):
    _, result = walk(answers)
    assert flag in result.flags
    assert advice_id in [a.id for a in result.advice]


def test_misstep_moves_the_mobilisation_first():
    _, result = walk({"K3": N, "S6": Y})
    assert result.outcome == "LOWER_BACK"
    assert [i.exercise for i in result.plan] == ["E1", "E2", "E3"]


def test_late_pregnancy_limits_time_on_the_back():
    _, result = walk({"P1": Y, "P2": Y})
    assert result.max_supine_seconds == 60
    assert "E3" not in [i.exercise for i in result.plan]


def test_pregnancy_never_plans_lying_on_the_stomach():
    for answers in ({"P1": Y}, {"P1": Y, "K3": N}, {"P1": Y, "K1": N}, {"P1": U, "S4": Y, "S5": Y}):
        _, result = walk(answers)
        assert all(item.exercise.position != "prone" for item in plan_items(result.plan))


MEDICINES = ("ibuprofen", "naproxen", "diclofenac", "aspirin", "paracetamol", "acetaminophen", "codeine",
             "celecoxib", "etoricoxib", " mg", "milligram", "dose of", "take two", "tablets a day")


@pytest.mark.parametrize("answers", [{"S4": Y, "S5": Y}, {"A0": Y, "A1": Y, "A2": Y, "A3": Y, "A4": Y, "A5": Y}],
                         ids=["sharp leg pain", "inflammatory back pain"])
def test_sacroiliitis_advice_asks_about_medicine_but_never_names_one(answers):
    _, result = walk(answers)
    ids = [a.id for a in result.advice]
    assert "anti_inflammatory_ask" in ids
    assert {"see_doctor_inflammation", "leg_pain_two_causes"} & set(ids), "and see a doctor"
    text = " ".join(a.text for a in result.advice).lower()
    for name in MEDICINES:
        assert name not in text


def test_nothing_the_coach_can_say_names_or_doses_a_medicine():
    """CLINICAL.md section 10: never name or dose a medicine (all the data, not only one outcome)."""
    for text in _every_spoken_text():
        for name in MEDICINES:
            assert name not in text.lower(), (name, text)


def test_the_answers_point_to_but_never_diagnose():
    for answers in ({"K1": N}, {"K3": N}, {"S4": Y, "S5": Y}, {}):
        _, result = walk(answers)
        assert "you have" not in result.points_to.lower()
        assert "point" in result.points_to.lower()


def test_the_json_outcome_has_the_fields_clinical_md_names():
    _, result = walk({"K1": N})
    body = result.to_dict()
    assert body["outcome"] == "SI_JOINT" and body["side"] == "right"
    assert body["plan"][0] == {"exercise": "E1", "side": "right", "start": "standard"}
    assert plan_items(result.plan)[0].to_dict() == {
        "exercise": "E1", "name": "knee to chest", "side": "right", "gentle": False,
        "dose": {"level": "standard", "hold_seconds": 10, "reps": 3, "sets": 1, "per_side": False}}
    assert all(set(a) == {"id", "text"} for a in body["advice"])
    assert body["answers"]["K1"] == "no" and body["answers"]["R1"] == "no"


def test_a0_asks_the_age_at_onset_not_the_age_today():
    """ASAS criteria are about the age when back pain began (CLINICAL.md section 5)."""
    a0 = by_id("A0").question
    for wording in (a0.text, *a0.rephrase):
        assert "forty-five" in wording and re.search(r"\b(start|began|started)\b", wording), wording
        assert "younger than forty-five?" not in wording or "began" in wording


def test_sharp_leg_pain_is_honest_that_a_nerve_may_be_the_cause():
    _, result = walk({"S4": Y, "S5": Y})
    assert result.outcome == "SACROILIITIS_POSSIBLE"
    assert "irritated nerve" in result.points_to and "not a diagnosis" in result.points_to
    spoken = " ".join(a.text for a in result.advice)
    assert "sciatica" in spoken and "inflamed SI joint" in spoken and "doctor's look" in spoken
    assert "numbness or weakness in the leg" in spoken and "promptly" in spoken
    assert "leg_pain" not in [a.id for a in result.advice], "the leg advice is not said twice"
    assert "leg_pain" in result.flags


def test_inflammatory_back_pain_without_leg_pain_keeps_the_inflammation_words():
    _, result = walk({"A0": Y, "A1": Y, "A2": Y, "A3": Y, "A4": Y, "A5": Y, "A6": Y})
    assert result.outcome == "SACROILIITIS_POSSIBLE"
    assert "sciatica" not in " ".join(a.text for a in result.advice)
    assert result.points_to.startswith("Your answers point to a possible inflammation of the SI joint")


@pytest.mark.parametrize("answers", [{"K1": N}, {"K0": S, "S1": Y, "S2": Y}, {"K3": N}, {}],
                         ids=["SI_JOINT by the knee test", "SI_JOINT by S1+S2", "LOWER_BACK", "INCONCLUSIVE"])
def test_si_joint_lower_back_and_inconclusive_carry_the_two_week_safety_net(answers):
    _, result = walk(answers)
    (net,) = [a for a in result.advice if a.id == "physio_two_weeks"]
    assert net.text == "If you are not better in two weeks, please see a physiotherapist or your doctor."


def _every_spoken_text():
    outcomes = data.load("outcomes")
    texts = [spec["points_to"] for spec in outcomes["outcome"].values()]
    texts += [route["points_to"] for spec in outcomes["outcome"].values()
              for route in spec.get("by_route", {}).values()]
    texts += [t for key, t in outcomes["advice"].items() if key != "unresolved"]

    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)
    texts += list(strings(data.load("phrases")))
    return texts


def test_nothing_the_coach_says_shows_a_cause_or_names_one_as_yours():
    """CLINICAL.md: the knee test "points to", never "shows"; never "you have X"."""
    for text in _every_spoken_text():
        lowered = text.lower()
        assert not re.search(r"\bshows?\b|\bproves?\b|\bconfirms?\b", lowered), text
        assert not re.search(rf"\byou (have|suffer from|are suffering from) (an? )?({CONDITIONS})", lowered), text


CONDITIONS = "|".join(("sacroiliitis", "sciatica", "ankylosing", "spondyl", "inflam", "an? si joint", "the si joint",
                       "si joint", "cauda", "arthritis", "slipped", "herniat", "osteopor", "cancer", "infection",
                       "fracture", "[a-z]+itis", "[a-z]+ syndrome", "lower back pain", "low back pain"))


def test_every_outcome_of_the_data_is_a_typed_outcome_and_back():
    assert set(data.load("outcomes")["outcome"]) == {o.value for o in Outcome}
