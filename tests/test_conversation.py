"""Asking rules: re-asks, unclear, silence, confirmation of unsure safety answers, the keyboard offer."""

import pytest

from tests.fakes import SILENCE, Reply, rig
from voicecoach.domain.answers import Answer
from voicecoach.domain.endings import How, SessionOver
from voicecoach.domain.questions import Question, QuestionKind

SAFETY = Question("R1", "Any new bladder trouble?", ("Rephrased once?", "Rephrased twice?"), safety=True)
PLAIN = Question("S1", "Pain in the buttock?", ("Buttock, rephrased?", "Buttock, again?"))


def asked(r):
    return [(e.id, e.attempt, e.text) for e in r.of_type("asked")]


def test_a_clear_answer_is_taken_at_once():
    r = rig(["yes"])
    assert r.conversation.ask(PLAIN) is Answer.YES
    assert asked(r) == [("S1", 1, "Pain in the buttock?")]
    assert [(e.id, e.value) for e in r.of_type("answered")] == [("S1", "yes")]


def test_not_understood_is_reasked_with_the_rephrasings_then_unclear():
    r = rig(["maybe", "hmm", "what?"])
    assert r.conversation.ask(PLAIN) is Answer.UNCLEAR
    assert asked(r) == [("S1", 1, "Pain in the buttock?"), ("S1", 2, "Buttock, rephrased?"),
                        ("S1", 3, "Buttock, again?")]
    assert r.speaker.texts.count("Sorry, please answer yes or no.") == 2
    assert [e.value for e in r.of_type("answered")] == ["unclear"]
    assert [e.accepted for e in r.of_type("heard")] == [False, False, False]


def test_garbage_then_a_clear_answer():
    r = rig(["qwerty", "no"])
    assert r.conversation.ask(PLAIN) is Answer.NO
    assert [a for _, a, _ in asked(r)] == [1, 2]


def test_silence_is_never_an_answer():
    r = rig([SILENCE] * 3, answer_timeout=8.0)
    # Nothing is said: each attempt times out after 8 s of coach time.
    assert r.conversation.ask(SAFETY) is Answer.UNCLEAR
    assert r.clock.now() == pytest.approx(24.0)
    assert r.of_type("heard") == []


def test_repeat_and_help_do_not_use_up_an_attempt():
    r = rig(["repeat", "help", "yes"])
    assert r.conversation.ask(PLAIN) is Answer.YES
    assert [a for _, a, _ in asked(r)] == [1, 1, 1]
    assert any("Please answer yes or no" in t for t in r.speaker.texts)


def test_stop_during_a_question_ends_the_session():
    r = rig(["stop"])
    with pytest.raises(SessionOver) as over:
        r.conversation.ask(SAFETY)
    assert over.value.how is How.STOPPED


def test_an_unsure_safety_answer_is_confirmed_before_it_is_used():
    r = rig([Reply("no", confidence=0.3), "yes"])
    assert r.conversation.ask(SAFETY) is Answer.NO
    assert "I heard no. Is that right?" in r.speaker.texts


def test_an_unsure_safety_answer_that_is_denied_is_asked_again():
    r = rig([Reply("yes", confidence=0.3), "no", Reply("no", confidence=0.95)])
    assert r.conversation.ask(SAFETY) is Answer.NO
    assert [(qid, a) for qid, a, _ in asked(r)] == [("R1", 1), ("R1.confirm", 1), ("R1", 2)]


def test_an_unsure_answer_to_a_plain_question_is_not_confirmed():
    r = rig([Reply("yes", confidence=0.3)])
    assert r.conversation.ask(PLAIN) is Answer.YES
    assert not any("I heard" in t for t in r.speaker.texts)


def test_an_unsure_pain_score_is_confirmed_and_a_denied_one_asked_again():
    pain = Question("PAIN_BEFORE", "How bad is your pain, 0 to 10?", kind=QuestionKind.NUMBER)
    r = rig([Reply("five", confidence=0.35), "no", Reply("nine", confidence=0.35), "yes"])
    assert r.conversation.ask(pain) == 9
    assert "I heard 5. Is that right?" in r.speaker.texts and "I heard 9. Is that right?" in r.speaker.texts
    assert [qid for qid, _, _ in asked(r)] == ["PAIN_BEFORE", "PAIN_BEFORE.confirm"] * 2


def test_a_confident_pain_score_is_taken_as_heard():
    pain = Question("PAIN_AFTER", "And now?", kind=QuestionKind.NUMBER)
    r = rig([Reply("three", confidence=0.9)])
    assert r.conversation.ask(pain) == 3
    assert not any("I heard" in t for t in r.speaker.texts)


def test_a_confident_safety_answer_is_not_confirmed():
    r = rig([Reply("yes", confidence=0.9)])
    assert r.conversation.ask(SAFETY) is Answer.YES
    assert not any("I heard" in t for t in r.speaker.texts)


def test_rejected_speech_counts_as_not_understood():
    r = rig([Reply("yes", rejected=True), "no"])
    assert r.conversation.ask(SAFETY) is Answer.NO
    assert [e.accepted for e in r.of_type("heard")] == [False, True]


def test_the_reason_for_a_rejection_reaches_the_heard_event_and_the_transcript_line():
    r = rig([Reply("yes", confidence=0.0, rejected=True, reason="a decoy or another meaning wins"), "no"])
    assert r.conversation.ask(SAFETY) is Answer.NO
    heard = [e.to_dict() for e in r.of_type("heard")]
    assert [(h["accepted"], h["reason"]) for h in heard] == [(False, "a decoy or another meaning wins"), (True, None)]


def test_the_heard_event_says_what_the_words_meant():
    r = rig(["maybe", "repeat", "no"])
    assert r.conversation.ask(SAFETY) is Answer.NO
    assert [(e.text, e.meaning, e.accepted) for e in r.of_type("heard")] == [
        ("maybe", None, False), ("repeat", "repeat", True), ("no", "no", True)]
    assert r.of_type("heard")[-1].to_dict()["meaning"] == "no"


def test_the_keyboard_is_offered_for_a_safety_question_that_stays_unclear():
    r = rig(["mumble", "mumble", "mumble"], keyboard=["n"])
    assert r.conversation.ask(SAFETY) is Answer.NO
    assert "Please type y or n" in " ".join(r.speaker.texts)


def test_nothing_typed_at_the_keyboard_leaves_it_unclear():
    r = rig(["mumble", "mumble", "mumble"], keyboard=[SILENCE])
    assert r.conversation.ask(SAFETY) is Answer.UNCLEAR


def test_a_closed_keyboard_leaves_it_unclear():
    r = rig(["mumble", "mumble", "mumble"], keyboard=[])
    assert r.conversation.ask(SAFETY) is Answer.UNCLEAR


def test_the_keyboard_is_not_offered_for_a_plain_question():
    r = rig(["mumble"] * 3, keyboard=["y"])
    assert r.conversation.ask(PLAIN) is Answer.UNCLEAR


def test_numbers_and_skip():
    score = Question("PAIN_BEFORE", "Pain 0-10?", ("Pain?", "Pain?"), kind=QuestionKind.NUMBER, skippable=True)
    assert rig(["eleven", "4"]).conversation.ask(score) == 4
    assert rig(["skip"]).conversation.ask(score) is Answer.SKIPPED
    assert rig(["x", "y", "mumble", "hmm", "what"]).conversation.ask(score) is None  # narrowing unclear: no score


SCORE = Question("PAIN_BEFORE", "Pain 0-10?", ("Pain?", "Pain?"), kind=QuestionKind.NUMBER, skippable=True)


@pytest.mark.parametrize(("answers", "score"), [
    (["no", "no", "no", "no"], 0),  # more than 5? 2? 1? 0?
    (["no", "yes", "no", "yes"], 4),  # 5? no: 0-5; 2? yes: 3-5; 4? no: 3-4; 3? yes: 4
    (["yes", "no", "no", "yes"], 7),  # 5? yes: 6-10; 8? no: 6-8; 7? no: 6-7; 6? yes: 7
    (["yes", "yes", "yes"], 10),  # 5? 8? 9?
])
def test_a_score_not_understood_twice_is_narrowed_down_by_yes_or_no(answers, score):
    """CLINICAL.md section 8: never guessed; "Is it more than five?" and so on, then confirmed aloud."""
    r = rig(["six-ish", "medium", *answers, "yes"])
    assert r.conversation.ask(SCORE) == score
    steps = [qid for qid, _, _ in asked(r)]
    assert steps[:3] == ["PAIN_BEFORE", "PAIN_BEFORE", "PAIN_BEFORE.more_than_5"]
    assert steps[-1] == "PAIN_BEFORE.confirm"
    assert "Is your pain more than five?" in r.speaker.texts
    assert f"So your pain is {score} out of 10. Is that right?" in r.speaker.texts
    assert r.of_type("answered")[-1].value == score  # the score itself is answered once, at the end


def test_a_confirmation_not_understood_is_asked_once_more_and_never_taken_as_yes():
    r = rig(["x", "y", "no", "yes", "no", "no", "cough cough", "yes"])  # narrowed to 3, then "So 3?"
    assert r.conversation.ask(SCORE) == 3
    assert [(qid, a) for qid, a, _ in asked(r)][-2:] == [("PAIN_BEFORE.confirm", 1), ("PAIN_BEFORE.confirm", 2)]
    assert rig(["x", "y", "no", "yes", "no", "no", "cough", "cough"]).conversation.ask(SCORE) is None


def test_narrowing_can_be_skipped_and_a_denied_result_gives_no_score():
    assert rig(["x", "y", "skip"]).conversation.ask(SCORE) is Answer.SKIPPED
    assert rig(["x", "y", "yes", "yes", "yes", "no"]).conversation.ask(SCORE) is None  # "So 10?" denied


def test_narrowing_never_guesses_when_a_step_stays_unclear():
    r = rig(["x", "y", "yes", "hmm", "what", "erm"])
    assert r.conversation.ask(SCORE) is None
    assert r.of_type("answered")[-1].value is None


def test_skip_is_not_an_answer_where_it_is_not_allowed():
    r = rig(["skip", "yes"])
    assert r.conversation.ask(SAFETY) is Answer.YES
    assert [a for _, a, _ in asked(r)] == [1, 2]


def test_pause_during_a_question_waits_for_resume():
    r = rig(["pause", Reply("resume", at=30.0), "no"])
    assert r.conversation.ask(PLAIN) is Answer.NO
    assert "Paused. Say resume when you are ready." in r.speaker.texts


def test_numbness_at_a_pain_score_refers_but_at_a_triage_question_is_asked_again():
    pain = Question("PAIN_BEFORE", "How bad, 0 to 10?", ("Again?", "Again!"), kind=QuestionKind.NUMBER,
                    skippable=True)
    r = rig(["numb"])
    with pytest.raises(SessionOver) as over:
        r.conversation.ask(pain)
    assert over.value.how is How.REFERRED
    triage = Question("R2", "New numbness between your legs?", ("Again?", "Again!"), safety=True,
                      numbness_refers=False)
    r = rig(["numb", "yes"])
    assert r.conversation.ask(triage) is Answer.YES  # "numb" to a red-flag question is re-asked, never dropped
    assert [a for _, a, _ in asked(r)] == [1, 2]
