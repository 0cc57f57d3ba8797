"""The recogniser's grammars are built from data: every spoken phrase means what words.toml says, and
garbage never contains a phrase the expectation accepts."""

import pytest

from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import Answer, CommandWord
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.grammars import coach_cue_words, fillers, grammar_for, spoken_phrases

QUESTION = Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)
PAIN = Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS)
COUNTING = Expect.of(Vocabulary.COMMANDS, background=True)


@pytest.mark.parametrize("vocabulary", list(Vocabulary))
def test_every_spoken_phrase_is_understood_in_its_vocabulary(vocabulary):
    expect = Expect.of(vocabulary)
    for phrase in spoken_phrases(vocabulary):
        meaning = understand(phrase, expect)
        assert meaning is not None, phrase
        if vocabulary is Vocabulary.COMMANDS:
            assert isinstance(meaning, CommandWord), phrase


def test_correct_is_not_listened_for_because_it_swapped_yes_and_no():
    assert "correct" not in spoken_phrases(Vocabulary.YES_NO)
    assert understand("correct", QUESTION) is Answer.YES  # still fine when typed


def test_yes_no_phrases_cover_both_answers():
    meanings = {understand(p, QUESTION) for p in spoken_phrases(Vocabulary.YES_NO)}
    assert meanings == {Answer.YES, Answer.NO}


def test_several_vocabularies_make_one_grammar_that_is_their_union():
    grammar = grammar_for(PAIN)
    assert set(grammar.phrases) == set(spoken_phrases(Vocabulary.NUMBER)) | set(spoken_phrases(Vocabulary.COMMANDS))
    assert "five" in grammar.phrases and "stop" in grammar.phrases
    assert grammar.name == "number_commands"


@pytest.mark.parametrize("expect", [QUESTION, PAIN, COUNTING, Expect.of(Vocabulary.READY, Vocabulary.COMMANDS)])
def test_garbage_never_holds_an_accepted_phrase(expect):
    grammar = grammar_for(expect)
    assert not set(grammar.garbage) & set(grammar.phrases)
    assert grammar.garbage


def test_a_filler_that_is_an_answer_elsewhere_is_garbage_only_where_it_is_not_expected():
    assert "okay" in spoken_phrases(Vocabulary.READY)
    ready = grammar_for(Expect.of(Vocabulary.READY))
    assert "okay" not in ready.garbage


def test_the_coach_cues_are_garbage_in_the_background_only():
    assert {"one", "twenty", "hold", "release", "rest", "lift", "down", "switch", "sides"} <= set(coach_cue_words())
    assert "release" in grammar_for(COUNTING).garbage
    assert "release" not in grammar_for(Expect.of(Vocabulary.COMMANDS)).garbage
    assert "five" not in grammar_for(PAIN).garbage  # a number is an answer to the pain question


def test_no_coach_cue_word_is_a_command():
    commands = {w for p in spoken_phrases(Vocabulary.COMMANDS) for w in p.split() if len(p.split()) == 1}
    assert not commands & set(coach_cue_words())


def test_jsgf_lists_answers_and_garbage_as_alternatives():
    text = grammar_for(QUESTION).jsgf()
    assert text.startswith("#JSGF V1.0;")
    assert "public <top> = <answer> | <garbage>;" in text
    answer_line = next(line for line in text.splitlines() if line.startswith("<answer>"))
    assert "yes" in answer_line and "how many left" in answer_line
    assert "hello" in next(line for line in text.splitlines() if line.startswith("<garbage>"))


def test_without_garbage_the_grammar_is_the_phrases_alone():
    grammar = grammar_for(QUESTION, filler_garbage=False)
    assert grammar.garbage == ()
    assert "<garbage>" not in grammar.jsgf()


def test_fillers_are_not_yes_or_no():
    assert not set(fillers()) & set(spoken_phrases(Vocabulary.YES_NO))
