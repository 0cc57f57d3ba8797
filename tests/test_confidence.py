"""The recogniser's confidence and its audio conditioning, without decoding."""

import numpy as np
import pytest

from voicecoach.dialogue.conversation import AskingPolicy
from voicecoach.voice.confidence import ConfidencePolicy, Evidence, confidence_of
from voicecoach.voice.pcm import Clip, rms
from voicecoach.voice.recognition import Tuning, condition, speech_frames

CONFIRM_BELOW = AskingPolicy().confirm_below


def evidence(agree=True, second=True, outside=0.0):
    return Evidence(agree=agree, second_decode=second, speech_seconds_outside=outside, speech_seconds=0.5,
                    word_seconds=0.4)


def test_agreeing_decodes_with_nothing_else_said_are_confident():
    assert confidence_of(evidence()) >= CONFIRM_BELOW


def test_disagreeing_decodes_are_confirmed_by_the_dialogue():
    assert 0.0 < confidence_of(evidence(agree=False)) < CONFIRM_BELOW


def test_speech_outside_the_words_rejects_a_sentence():
    policy = ConfidencePolicy()
    assert confidence_of(evidence(outside=policy.outside_reject_seconds)) == 0.0


def test_a_little_speech_outside_the_words_means_doubt():
    policy = ConfidencePolicy()
    doubtful = confidence_of(evidence(outside=policy.outside_doubt_seconds))
    assert 0.0 < doubtful < CONFIRM_BELOW


def test_confidence_stays_within_0_and_1():
    for agree in (True, False):
        for outside in (0.0, 0.1, 0.2, 0.5, 3.0):
            assert 0.0 <= confidence_of(evidence(agree=agree, outside=outside)) <= 1.0


def test_the_policy_is_ordered_so_that_doubt_is_below_the_dialogue_threshold():
    policy = ConfidencePolicy()
    assert policy.disagree < CONFIRM_BELOW <= policy.agree
    assert policy.doubt < CONFIRM_BELOW
    assert policy.outside_doubt_seconds < policy.outside_reject_seconds


def test_conditioning_resamples_to_16k_and_lifts_digital_silence_to_a_fixed_noise_floor():
    silent = Clip(np.zeros(44100, dtype=np.int16), 44100)
    once, twice = condition(silent, Tuning()), condition(silent, Tuning())
    assert once.rate == 16000 and len(once.samples) == 16000
    assert rms(once.samples) == pytest.approx(Tuning().noise_floor_rms, rel=0.05)
    assert np.array_equal(once.samples, twice.samples)  # deterministic


def test_conditioning_can_be_switched_off():
    clip = Clip(np.arange(100, dtype=np.int16), 16000)
    assert np.array_equal(condition(clip, Tuning(noise_floor_rms=0)).samples, clip.samples)


def test_speech_frames_mark_the_loud_part_only():
    rng = np.random.default_rng(0)
    quiet, loud = rng.standard_normal(16000) * 50, rng.standard_normal(8000) * 5000
    clip = Clip(np.concatenate([quiet, loud, quiet]).astype(np.int16), 16000)
    frames = speech_frames(clip, db_above_floor=12.0)
    assert frames[:95].sum() == 0 and frames[105:145].all() and frames[155:].sum() == 0


def test_speech_frames_of_an_empty_clip():
    assert len(speech_frames(Clip(np.zeros(0, dtype=np.int16), 16000), 12.0)) == 0
