"""The recogniser's grammars as data: what to listen for in each expectation, and the garbage around it.

One grammar per :class:`Expect`: the union of its vocabularies' spoken phrases, plus one alternative
that is a single garbage word (fillers, and in the background the coach's own cue words). A garbage
result means "heard speech, but not an answer". Pure functions, no audio library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from voicecoach import data
from voicecoach.ports import Expect, Vocabulary

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_WORD = re.compile(r"[a-z']+")
_CLAUSE = re.compile(r"[.,!?;:]+")
_TOKEN = re.compile(r"\{[a-z_]+\}|[a-z']+")
COUNT_RULE = "<count>"
SIDE_RULE = "<side>"


@dataclass(frozen=True)
class Grammar:
    """The phrases one expectation accepts and the single words that mean "something else"."""

    name: str
    phrases: tuple[str, ...]
    garbage: tuple[str, ...]
    """Single words, and in the background the coach's cue phrases (which may use <count> and <side>)."""

    def jsgf(self) -> str:
        """The grammar in JSGF, for pocketsphinx's ``add_jsgf_string``."""
        lines = ["#JSGF V1.0;", f"grammar {self.name};"]
        if self.garbage:
            lines += [
                "public <top> = <answer> | <garbage>;",
                f"<answer> = {' | '.join(self.phrases)};",
                f"<garbage> = {' | '.join(self.garbage)};",
            ]
        else:
            lines.append(f"public <top> = {' | '.join(self.phrases)};")
        uses = " ".join(self.garbage)
        spec = data.load("grammar")["background"]
        if COUNT_RULE in uses:
            lines.append(f"{COUNT_RULE} = {' | '.join(spec['count_words'])};")
        if SIDE_RULE in uses:
            lines.append(f"{SIDE_RULE} = {' | '.join(spec['sides'])};")
        return "\n".join(lines) + "\n"

    def words(self) -> set[str]:
        """Every word the grammar may output (to check them against the pronouncing dictionary)."""
        spec = data.load("grammar")["background"]
        found = {w for p in (*self.phrases, *self.garbage) for w in p.split() if not w.startswith("<")}
        return found | set(spec["count_words"]) | set(spec["sides"])


def spoken_phrases(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The phrases of one vocabulary that the recogniser listens for."""
    return tuple(data.load("grammar")["spoken"][vocabulary.value])


def fillers() -> tuple[str, ...]:
    """The garbage words heard anywhere."""
    return tuple(data.load("grammar")["garbage"]["fillers"])


def _coach_texts() -> list[str]:
    spec = data.load("grammar")["background"]
    talk = data.load("phrases")["exercise"]
    texts = [str(talk[key]) for key in spec["phrase_keys"]]
    for exercise in data.load("exercises")["exercise"]:
        texts += [exercise["go"], exercise["release"]]
    return texts


@cache
def coach_cue_words() -> tuple[str, ...]:
    """Every word the coach says while it counts or rests (counts, go/release cues, rest phrases)."""
    spec = data.load("grammar")["background"]
    found: list[str] = [*spec["count_words"], *spec["sides"]]
    for text in _coach_texts():
        found += _WORD.findall(_PLACEHOLDER.sub(" ", text.lower()))
    return tuple(dict.fromkeys(found))


@cache
def coach_cue_phrases() -> tuple[str, ...]:
    """The coach's cues clause by clause, as JSGF alternatives: "rest over", "<count> seconds left"."""
    found: list[str] = []
    for text in _coach_texts():
        for clause in _CLAUSE.split(text.lower()):
            tokens = [_rule(t) for t in _TOKEN.findall(clause)]
            if len(tokens) >= 2:
                found.append(" ".join(tokens))
    return tuple(dict.fromkeys(found))


def _rule(token: str) -> str:
    if token == "{side}":
        return SIDE_RULE
    return COUNT_RULE if token.startswith("{") else token


def grammar_for(expect: Expect, *, filler_garbage: bool = True, coach_garbage: bool = True) -> Grammar:
    """The grammar for an expectation: its phrases, and garbage words that are none of them."""
    order = [v for v in Vocabulary if v in expect.vocabularies]
    phrases = tuple(dict.fromkeys(p for v in order for p in spoken_phrases(v)))
    candidates = list(fillers()) if filler_garbage else []
    if expect.background and coach_garbage:
        candidates += [*coach_cue_words(), *coach_cue_phrases()]
    taken = set(phrases)
    garbage = tuple(w for w in dict.fromkeys(candidates) if w not in taken)
    name = "_".join(v.value for v in order) + ("_bg" if expect.background else "")
    return Grammar(name=name or "empty", phrases=phrases, garbage=garbage)
