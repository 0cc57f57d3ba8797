"""The second hearing of a pain score not understood (voice/moonshine_again.py): the rules on made-up
verdicts, and a real person's "nine" that Moonshine hears only the second time, through the real model."""

from pathlib import Path

import numpy as np
import pytest

from voicecoach.dialogue.understanding import understand
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.moonshine_again import after_again, faster, worth_again
from voicecoach.voice.moonshine_scoring import Verdict
from voicecoach.voice.pcm import Clip, read_wav

PAIN = Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS)
YES_NO = Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)
COUNTING = Expect.of(Vocabulary.COMMANDS, background=True)
NOTHING = Verdict("", 0.0, rejected=True, reason="no expected phrase comes close")
CONFIRM_BELOW = 0.6  # the dialogue's AskingPolicy: an answer under this is confirmed aloud
NINE = Path(__file__).parent / "data" / "heard-again" / "nine__fsdd_george_2.wav"


def test_only_a_rejected_pain_score_that_was_no_sentence_is_heard_again():
    assert worth_again(NOTHING, PAIN)
    assert not worth_again(NOTHING, YES_NO)
    assert not worth_again(NOTHING, COUNTING)
    assert not worth_again(Verdict("I have no idea at all", 0.0, rejected=True, reason="a sentence"), PAIN)
    assert not worth_again(Verdict("six", 0.9, rejected=False, reason="agrees"), PAIN)


def test_a_number_heard_the_second_time_is_taken_unsure_whatever_its_own_confidence():
    got = after_again(NOTHING, Verdict("six", 0.9, rejected=False, reason="agrees"), PAIN)
    assert not got.rejected and understand(got.text, PAIN) == 6
    assert got.confidence < CONFIRM_BELOW
    assert "heard again" in got.reason and NOTHING.reason in got.reason


@pytest.mark.parametrize("second", [
    Verdict("stop", 0.9, rejected=False, reason="agrees"),  # a command: only a number is taken
    Verdict("", 0.0, rejected=True, reason="a decoy or another meaning wins"),
])
def test_anything_but_a_number_leaves_the_first_rejection(second):
    assert after_again(NOTHING, second, PAIN) is NOTHING


def test_an_accepted_first_verdict_is_never_replaced():
    first = Verdict("two", 0.45, rejected=False, reason="scores only")
    assert after_again(first, Verdict("three", 0.9, rejected=False, reason="agrees"), PAIN) is first


def test_faster_is_shorter_by_the_speed_at_the_same_rate():
    clip = Clip(np.arange(16000, dtype=np.int16), 16000)
    quick = faster(clip, 1.25)
    assert quick.rate == 16000 and len(quick.samples) == 12800
    assert quick.samples[6400] == pytest.approx(8000, abs=2)  # the middle is still the middle


@pytest.fixture(scope="module")
def moonshine():
    pytest.importorskip("onnxruntime", reason="onnxruntime runs the Moonshine model")
    from voicecoach.voice.moonshine import MoonshineRecogniser  # noqa: PLC0415

    return MoonshineRecogniser()


def test_a_real_nine_not_understood_at_first_is_heard_again_and_confirmed_not_taken(moonshine):
    clip = read_wav(NINE).resampled(16000)
    first = moonshine.judge(moonshine.hear(clip, PAIN), PAIN)
    assert first.rejected  # as recorded, Moonshine does not take it

    result = moonshine.recognise_detailed(clip, PAIN)
    assert result.again is not None
    assert not result.utterance.rejected and understand(result.utterance.text, PAIN) == 9
    assert result.utterance.confidence is not None and result.utterance.confidence < CONFIRM_BELOW


def test_the_same_nine_to_a_yes_no_question_is_never_heard_again(moonshine):
    result = moonshine.recognise_detailed(read_wav(NINE).resampled(16000), YES_NO)
    assert result.again is None and result.utterance.rejected
