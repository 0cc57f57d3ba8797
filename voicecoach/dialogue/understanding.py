"""Pure functions that turn a reply (typed or recognised) into what it means, or into nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from voicecoach import data
from voicecoach.domain.answers import Answer, Command, CommandWord, Meaning
from voicecoach.ports import Expect, Vocabulary

__all__ = ["Answer", "CommandWord", "Meaning"]  # re-exported only for voice/moonshine_scoring.py (its own branch);
# everything else imports them from voicecoach.domain.answers: drop this line once that file does too.


@dataclass(frozen=True)
class StopWithin:
    """How "stop" is heard with a word or two around it (words.toml, [stop_within]; normalised)."""

    words: frozenset[str]
    """The command words heard inside a short reply ("stop", "ouch")."""
    most_words: int
    negations: tuple[str, ...]

    def find(self, phrase: str) -> str | None:
        """The stop word of a short reply that opens or closes with it and does not negate it ("please stop",
        "stop now", "let's go stop", "ouch ouch"; not "don't stop" nor "then we stop for today"), or None.
        ``phrase`` is normalised."""
        tokens = phrase.split()
        if not 1 < len(tokens) <= self.most_words:
            return None
        for word in (tokens[0], tokens[-1]):
            if word in self.words:
                before = " " + " ".join(tokens[: tokens.index(word)]) + " "
                if not any(f" {n} " in before for n in self.negations):
                    return word
        return None


@dataclass(frozen=True)
class Words:
    """The vocabulary of words.toml, indexed by normalised phrase."""

    answers: dict[str, Answer]
    commands: dict[str, CommandWord]
    numbers: dict[str, int]
    stop_within: StopWithin

    def phrases(self, vocabulary: Vocabulary) -> list[str]:
        """Every phrase of one vocabulary (for building a recogniser's grammar)."""
        match vocabulary:
            case Vocabulary.YES_NO:
                return [p for p, a in self.answers.items() if a in (Answer.YES, Answer.NO)]
            case Vocabulary.READY:
                return [p for p, a in self.answers.items() if a is Answer.READY]
            case Vocabulary.NUMBER:
                return list(self.numbers)
            case Vocabulary.COMMANDS:
                return list(self.commands)
            case Vocabulary.CHECK_ALL:
                return [p for p, a in self.answers.items() if a is Answer.CHECK_ALL]


_NOT_WORD = re.compile(r"[^a-z0-9'.\-]+")


def normalise(text: str) -> str:
    """Lower-case, drop punctuation, fold white space: "  Yes! " -> "yes"; "-1" stays "-1"."""
    tokens = _NOT_WORD.sub(" ", text.lower().replace("\u2019", "'")).split()
    cleaned = (t.strip(".") if re.fullmatch(r"-?[\d.]+", t) else t.strip(".-'") for t in tokens)
    return " ".join(t for t in cleaned if t)


@cache
def words() -> Words:
    """Load the vocabulary from data/words.toml."""
    raw = data.load("words")
    answers = {normalise(p): Answer(kind) for kind, phrases in raw["answers"].items() for p in phrases}
    pain = {normalise(p) for p in raw["pain_words"]["words"]}
    commands = {
        normalise(p): CommandWord(Command(name), pain=normalise(p) in pain)
        for name, phrases in raw["commands"].items()
        for p in phrases
    }
    numbers = {normalise(p): int(n) for n, phrases in raw["numbers"].items() for p in phrases}
    within = raw["stop_within"]
    stop_within = StopWithin(frozenset(map(normalise, within["words"])), within["most_words"],
                             tuple(map(normalise, within["negations"])))
    return Words(answers, commands, numbers, stop_within)


def understand(text: str, expect: Expect, vocabulary: Words | None = None) -> Meaning | None:
    """What a reply means in the current context, or None when it is not understood.

    Commands are understood everywhere (so "stop" always works); answers and numbers only where
    the context expects them, so "yes" typed during a hold is not a command and "5" is not a yes.
    """
    vocab = vocabulary or words()
    phrase = normalise(text)
    if not phrase:
        return None
    if phrase in vocab.commands:
        return vocab.commands[phrase]
    if (stop := vocab.stop_within.find(phrase)) is not None:
        return vocab.commands[stop]
    wanted = expect.vocabularies
    answer = vocab.answers.get(phrase)
    if answer in (Answer.YES, Answer.NO) and Vocabulary.YES_NO in wanted:
        return answer
    if answer is Answer.READY and Vocabulary.READY in wanted:
        return answer
    if answer is Answer.CHECK_ALL and Vocabulary.CHECK_ALL in wanted:
        return answer
    if Vocabulary.READY in wanted and answer is Answer.YES:
        return Answer.READY
    if Vocabulary.NUMBER in wanted:
        return number_in(phrase, vocab)
    return None


def number_in(text: str, vocabulary: Words | None = None) -> int | None:
    """The one number a reply gives, as people say it: "3", "a three", "about five", "it's a six",
    "five out of ten"; None for anything else (also for "six or seven": see :func:`number_choice`)."""
    vocab = vocabulary or words()
    phrase = normalise(text)
    if phrase in vocab.numbers:
        return vocab.numbers[phrase]
    core = _without_wrapping(phrase)
    return vocab.numbers.get(core) if core else None


def number_choice(text: str, vocabulary: Words | None = None) -> tuple[int, int] | None:
    """Two numbers offered together ("six or seven", "about 4 to 5"), smaller first, for the dialogue
    to ask which; None when the reply is not such a pair."""
    vocab = vocabulary or words()
    core = _without_wrapping(normalise(text))
    for joiner in sorted(_wrapping()["between"], key=len, reverse=True):
        left, sep, right = core.partition(f" {joiner} ")
        if sep and left in vocab.numbers and right in vocab.numbers:
            low, high = sorted((vocab.numbers[left], vocab.numbers[right]))
            return (low, high) if low != high else None
    return None


@cache
def _wrapping() -> dict[str, tuple[str, ...]]:
    raw = data.load("words")["number_phrases"]
    return {key: tuple(sorted({normalise(p) for p in raw[key]}, key=len, reverse=True)) for key in raw}


def _without_wrapping(phrase: str) -> str:
    """``phrase`` without the words people put around a number ("it's about a five out of ten" -> "five")."""
    spec = _wrapping()
    changed = True
    while changed and phrase:
        changed = False
        for before in spec["before"]:
            if phrase.startswith(before + " "):
                phrase, changed = phrase[len(before) + 1 :], True
        for after in spec["after"]:
            if phrase.endswith(" " + after):
                phrase, changed = phrase[: -len(after) - 1], True
    return phrase
