"""Replies are parsed by pure functions into yes, no, ready, a number, a command, or nothing."""

import pytest

from voicecoach.dialogue.understanding import normalise, number_choice, number_in, understand, words
from voicecoach.domain.answers import Answer, Command, CommandWord
from voicecoach.ports import Expect, Vocabulary

YES_NO = Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)
NUMBER = Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS)
READY = Expect.of(Vocabulary.READY, Vocabulary.COMMANDS)
COUNTING = Expect.of(Vocabulary.COMMANDS, background=True)


@pytest.mark.parametrize("text", ["y", "Y", "yes", " YES ", "Yes!", "yeah", "yep", "sure", "correct"])
def test_yes_words(text):
    assert understand(text, YES_NO) is Answer.YES


@pytest.mark.parametrize("text", ["n", "No.", "nope", "nah", "  no  "])
def test_no_words(text):
    assert understand(text, YES_NO) is Answer.NO


@pytest.mark.parametrize("text", ["", "   ", "maybe", "yes no", "I think so", "hello", "5", "could you say that again",
                                  "yess", "noo", "asdf;lkj"])
def test_not_understood_on_a_yes_no_question(text):
    assert understand(text, YES_NO) is None


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("zero", 0), ("7", 7), ("Seven", 7), ("10", 10), ("ten", 10)])
def test_numbers(text, number):
    assert understand(text, NUMBER) == number


@pytest.mark.parametrize("text", ["11", "-1", "7.5", "seventy", "yes"])
def test_not_a_pain_score(text):
    assert understand(text, NUMBER) is None


def test_a_number_is_not_a_yes_and_a_yes_is_not_a_number():
    assert understand("5", YES_NO) is None
    assert understand("yes", NUMBER) is None


@pytest.mark.parametrize(("text", "command"), [
    ("stop", Command.STOP), ("STOP!", Command.STOP), ("pause", Command.PAUSE), ("resume", Command.RESUME),
    ("continue", Command.RESUME), ("repeat", Command.REPEAT), ("skip", Command.SKIP), ("slower", Command.SLOWER),
    ("faster", Command.FASTER), ("help", Command.HELP), ("how many left", Command.HOW_MANY_LEFT),
    ("How many left?", Command.HOW_MANY_LEFT), ("tingling", Command.NUMBNESS),
])
def test_commands_are_understood_in_every_context(text, command):
    for expect in (YES_NO, NUMBER, READY, COUNTING):
        meaning = understand(text, expect)
        assert isinstance(meaning, CommandWord)
        assert meaning.command is command


@pytest.mark.parametrize("text", ["ouch", "pain", "it hurts"])
def test_pain_words_stop_and_say_why(text):
    assert understand(text, COUNTING) == CommandWord(Command.STOP, pain=True)
    assert understand("stop", COUNTING) == CommandWord(Command.STOP, pain=False)


def test_answers_are_not_commands_while_counting():
    assert understand("yes", COUNTING) is None
    assert understand("3", COUNTING) is None


def test_ready_accepts_ready_and_yes():
    assert understand("ready", READY) is Answer.READY
    assert understand("I'm ready", READY) is Answer.READY
    assert understand("yes", READY) is Answer.READY
    assert understand("no", READY) is None


def test_normalise():
    assert normalise("  How   many LEFT?! ") == "how many left"
    assert normalise("I\u2019m ready") == "i'm ready"


def test_no_phrase_means_two_things():
    vocab = words()
    answers, commands, numbers = set(vocab.answers), set(vocab.commands), set(vocab.numbers)
    assert not answers & commands
    assert not answers & numbers
    assert not commands & numbers
    yes = {p for p, a in vocab.answers.items() if a is Answer.YES}
    no = {p for p, a in vocab.answers.items() if a is Answer.NO}
    assert yes and no and not yes & no


def test_grammar_phrases_per_vocabulary():
    vocab = words()
    assert "yes" in vocab.phrases(Vocabulary.YES_NO) and "no" in vocab.phrases(Vocabulary.YES_NO)
    assert "ready" in vocab.phrases(Vocabulary.READY)
    assert "ten" in vocab.phrases(Vocabulary.NUMBER)
    assert "how many left" in vocab.phrases(Vocabulary.COMMANDS)


PAIN = Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS)


@pytest.mark.parametrize(("said", "number"), [
    ("three", 3), ("3", 3), ("a three", 3), ("about five", 5), ("five out of ten", 5), ("It's a six.", 6),
    ("it's about a five out of ten", 5), ("maybe 4", 4), ("um, seven", 7), ("zero", 0), ("10 out of 10", 10),
])
def test_numbers_as_people_say_them(said, number):
    assert understand(said, PAIN) == number
    assert number_in(said) == number


@pytest.mark.parametrize("said", ["six or seven", "five ten", "three four", "a", "out of ten", "six and a half"])
def test_what_is_not_one_number_is_not_a_number(said):
    assert understand(said, PAIN) is None


@pytest.mark.parametrize(("said", "pair"), [
    ("six or seven", (6, 7)), ("about 4 to 5", (4, 5)), ("seven or six", (6, 7)), ("It's a five or maybe six", (5, 6)),
])
def test_two_numbers_offered_together_are_a_choice(said, pair):
    assert number_choice(said) == pair


@pytest.mark.parametrize("said", ["six", "six or six", "yes or no", "six or", "stop"])
def test_anything_else_is_no_choice(said):
    assert number_choice(said) is None


def test_number_wrapping_does_not_reach_other_questions():
    assert understand("a three", Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)) is None
    assert understand("about yes", Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)) is None


@pytest.mark.parametrize("said", [
    "please stop", "stop now", "Let's go stop", "Stop, stop.", "OK stop", "no, stop", "I want to stop", "ouch ouch",
])
def test_stop_said_with_a_word_or_two_around_it_still_stops(said):
    for expect in (COUNTING, PAIN, Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)):
        meaning = understand(said, expect)
        assert isinstance(meaning, CommandWord) and meaning.command is Command.STOP, (said, expect)


@pytest.mark.parametrize("said", [
    "don't stop", "do not stop now", "never stop", "no need to stop",  # negated
    "then we stop for today", "say stop at any time", "a stop sign is red",  # inside, or a sentence
    "non-stop", "the pain is a five", "it hurts a bit more",  # no stop word, or a pain word inside a reply
])
def test_a_stop_word_inside_a_sentence_or_negated_is_not_a_stop(said):
    assert understand(said, COUNTING) is None


def test_every_word_heard_inside_a_reply_is_a_stop_command():
    within = words().stop_within
    assert within.words and all(words().commands[w].command is Command.STOP for w in within.words)
