"""The recogniser on real audio: espeak-ng speech written to WAV, read back through SpeechRecognition's
AudioFile (the same AudioData the microphone path produces), then decoded. A subset of the grid in
scripts/bench_recogniser_espeak.py, with bounds a little looser than the measured figures."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
import pytest

from tests.recognition_corpus import COACH_CUES, EXPECT_FOR, OOG_PHRASES, answers, coach_echo, noises, speech
from voicecoach.dialogue.conversation import AskingPolicy
from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import Answer, CommandWord
from voicecoach.ports import Expect, Utterance, Vocabulary
from voicecoach.voice.pcm import Clip, wav_bytes
from voicecoach.voice.recognition import Recogniser, RecogniserUnavailable, clip_from_audio_data

sr = pytest.importorskip("speech_recognition", reason="SpeechRecognition is needed to read audio like the microphone")
pytest.importorskip("pocketsphinx", reason="pocketsphinx is the recogniser under test")

CONFIRM_BELOW = AskingPolicy().confirm_below
QUESTION = EXPECT_FOR[Vocabulary.YES_NO]
COUNTING = EXPECT_FOR[Vocabulary.COMMANDS]
TEST_VOICES = ("en-us", "en+m3", "en-us+f1", "en+klatt")


@cache
def recogniser() -> Recogniser:
    return Recogniser()


def through_audio_file(clip: Clip) -> Clip:
    """The clip as a WAV file read by speech_recognition.AudioFile + Recognizer.record, back to a Clip."""
    with sr.AudioFile(io.BytesIO(wav_bytes(clip))) as source:
        audio = sr.Recognizer().record(source)
    return clip_from_audio_data(audio)


def hear(clip: Clip, expect: Expect) -> Utterance:
    return recogniser().recognise(through_audio_file(clip), expect)


def confident(u: Utterance) -> bool:
    return not u.rejected and (u.confidence or 0.0) >= CONFIRM_BELOW


def test_audio_data_becomes_the_same_samples_at_its_own_rate():
    clip = Clip(np.array([0, 1000, -1000, 32767, -32768], dtype=np.int16), 22050)
    back = through_audio_file(clip)
    assert back.rate == 22050
    assert back.samples.tolist() == clip.samples.tolist()


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(RecogniserUnavailable, match="no pocketsphinx English model"):
        Recogniser(model_dir=tmp_path)


@pytest.mark.parametrize("voice", TEST_VOICES)
def test_yes_and_no_are_heard_and_never_swapped_with_confidence(voice):
    results = []
    for phrase in answers(Vocabulary.YES_NO):
        u = hear(speech(phrase, voice, "clean"), QUESTION)
        want, got = understand(phrase, QUESTION), None if u.rejected else understand(u.text, QUESTION)
        results.append((phrase, u, want, got))
        if {want, got} == {Answer.YES, Answer.NO}:
            assert not confident(u), f"{phrase!r} heard as {u.text!r} with confidence {u.confidence}"
        if got is not None:
            assert 0.0 <= (u.confidence or 0.0) <= 1.0
    correct = sum(got == want for _, _, want, got in results)
    assert correct >= 4, results


def test_plain_yes_and_no_through_a_wav_with_digital_silence():
    heard = [hear(speech(word, voice, "digital-silence"), QUESTION) for word in ("yes", "no") for voice in TEST_VOICES]
    meanings = [None if u.rejected else understand(u.text, QUESTION) for u in heard]
    assert meanings.count(Answer.YES) >= 3 and meanings.count(Answer.NO) >= 3, heard
    assert Answer.NO not in meanings[:4] and Answer.YES not in meanings[4:]


def test_a_number_question_hears_numbers_and_commands():
    expect = EXPECT_FOR[Vocabulary.NUMBER]
    results = [(p, hear(speech(p, v, "clean"), expect)) for p in answers(Vocabulary.NUMBER) for v in TEST_VOICES[:2]]
    correct = sum(not u.rejected and understand(u.text, expect) == understand(p, expect) for p, u in results)
    assert correct >= 0.5 * len(results), results
    stop = hear(speech("stop", "en-us", "clean"), expect)
    assert understand(stop.text, expect) == understand("stop", expect) and not stop.rejected


def test_commands_are_heard_in_the_background():
    phrases = answers(Vocabulary.COMMANDS)
    results = [(p, hear(speech(p, v, "clean"), COUNTING)) for p in phrases for v in TEST_VOICES[:2]]
    correct = sum(not u.rejected and understand(u.text, COUNTING) == understand(p, COUNTING) for p, u in results)
    assert correct >= 0.5 * len(results), results


def test_out_of_grammar_speech_is_rarely_taken_for_an_answer_with_confidence():
    results = [(p, hear(speech(p, v, "clean"), QUESTION)) for p in OOG_PHRASES for v in TEST_VOICES[:2]]
    accepted = [(p, u) for p, u in results if not u.rejected and understand(u.text, QUESTION) is not None]
    confident_yes_no = [(p, u) for p, u in accepted if confident(u) and understand(u.text, QUESTION) in set(Answer)]
    assert len(accepted) <= 0.2 * len(results), accepted
    assert len(confident_yes_no) <= 1, confident_yes_no


def test_a_sentence_around_yes_is_rejected():
    for voice in TEST_VOICES[:2]:
        u = hear(speech("yes I think so", voice, "clean"), QUESTION)
        assert u.rejected or not confident(u), u


def test_noise_coughs_and_silence_are_rejected():
    for name, clip in noises(2):
        for expect in (QUESTION, EXPECT_FOR[Vocabulary.NUMBER], COUNTING):
            u = hear(clip, expect)
            assert u.rejected or understand(u.text, expect) is None, (name, u)
            assert (u.reason is not None) == u.rejected, (name, u)  # a rejection says why; an acceptance does not


def test_the_coachs_own_counting_is_never_a_confident_command():
    false = []
    for cue in COACH_CUES:
        for echo in (False, True):
            u = hear(coach_echo(cue, echo), COUNTING)
            if not u.rejected and isinstance(understand(u.text, COUNTING), CommandWord) and confident(u):
                false.append((cue, echo, u))
    assert len(false) <= 2, false

