"""From Moonshine's scores to a decision: accept, confirm (unsure) or reject (pure, no audio, no model).

The dialogue's expectation gives the phrases worth scoring (data/moonshine.toml): the answers it expects,
with their meanings, and decoys that mean nothing here (sound-alikes, fillers, other questions' answers).
The best-scoring answer must beat everything with another meaning by a margin; agreeing with the free
transcript is what makes the hearing sure.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from voicecoach import data
from voicecoach.dialogue.understanding import Answer, CommandWord, Meaning, number_choice, understand
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.moonshine_guards import collapsed, repeats_to_a_cut
from voicecoach.voice.moonshine_spellings import merged, spellings

_TOKEN = re.compile(r"[a-z]+|[0-9]+")
SCORES_ONLY_WORDS = 2
"""An answer that wins on score alone is heard only when the transcript is short (empty, "Fool.", "And six."):
a longer transcript that means nothing is something else ("Hey, channel rocks!")."""
ANY_QUESTION = Expect.of(*Vocabulary)
"""Every vocabulary: a transcript that means something here but not in the current expectation answers
another question ("9." to a yes/no question, "Yes." to a pain question), and no score overrules it."""
HORIZON = 8.0
"""Margins are only measured this far (moonshine_decoding.HORIZON): a bigger one counts as this."""


@dataclass(frozen=True)
class Tuning:
    """The thresholds of the decision, in nats of log-probability (data/moonshine_tuning.toml)."""

    sure_margin: float
    """The answer beats every other meaning by this much and the free transcript says it: accepted as sure."""
    agree_margin: float
    """The free transcript says it but the margin is smaller: accepted as unsure (confirmed on safety questions)."""
    confirm_margin: float
    """The transcript says something else, yet the answer wins by this much: unsure."""
    confirm_gap: float
    """... and scores at most this far below the free transcript."""
    decoy_slack: float = 0.0
    """A transcript that means nothing, a decoy scoring above the answer but by less than this, and the answer
    still beating every other meaning by confirm_margin within confirm_gap: unsure (an 8 kHz "five" is heard as
    "Bye"). 0: a decoy above the answer always rejects it."""
    sure_confidence: float = 0.9
    unsure_confidence: float = 0.45
    """Below the dialogue's confirm_below (0.6): a safety answer or a pain score is confirmed aloud."""


@cache
def tuning(context: str | None = None) -> Tuning:
    """The calibrated thresholds, for one context ("yes_no", "pain", "exercise": its own section overrides the
    common ones) or the common ones (see the comment in data/moonshine_tuning.toml for how they were chosen)."""
    text = resources.files(data).joinpath("moonshine_tuning.toml").read_text(encoding="utf-8")
    sections = tomllib.loads(text)["decision"]
    common = {k: v for k, v in sections.items() if not isinstance(v, dict)}
    own = sections.get(context, {}) if context else {}
    return Tuning(**(common | own))


SECTIONS = (None, "yes_no", "pain", "exercise")
"""The tuning's sections: the common one (None) and each context's."""
MARGIN_SLACK = 1.0
"""Nats beyond the widest threshold that scoring still works out exactly (a margin read in a log)."""


@cache
def decision_horizon() -> float:
    """The widest margin any context's decision compares with (the margin thresholds of data/
    moonshine_tuning.toml), plus MARGIN_SLACK: phrases scoring further below the best answer cannot change a
    decision, so the recogniser does not score them (moonshine_decoding.score's ``horizon``)."""
    widest = max(max(t.sure_margin, t.agree_margin, t.confirm_margin) for t in map(tuning, SECTIONS))
    return min(HORIZON, widest + MARGIN_SLACK)


@cache
def decoy_reach() -> float:
    """How far below a winning decoy phrases can still change a decision (the widest decoy_slack plus the
    confirm_margin an answer needs there, plus MARGIN_SLACK; 0 when no context forgives a decoy): the
    recogniser scores no further (moonshine_decoding.score's ``under_decoy``)."""
    reach = max((t.decoy_slack + t.confirm_margin for t in map(tuning, SECTIONS) if t.decoy_slack > 0), default=None)
    return 0.0 if reach is None else min(HORIZON, reach + MARGIN_SLACK)


def context_of(expect: Expect) -> str:
    """Which tuning section an expectation uses: "yes_no", "pain" (a number) or "exercise" (commands alone)."""
    if Vocabulary.YES_NO in expect.vocabularies:
        return "yes_no"
    if Vocabulary.NUMBER in expect.vocabularies:
        return "pain"
    return "exercise"


@dataclass(frozen=True)
class Candidate:
    """A phrase to score, and what it means in the current expectation (None: a decoy)."""

    phrase: str
    meaning: str | None


@dataclass(frozen=True)
class Verdict:
    """The decision on one utterance."""

    text: str
    """The phrase heard (for :func:`understand`), or the free transcript when rejected."""
    confidence: float
    rejected: bool
    reason: str
    margin: float = 0.0


def label(meaning: Meaning | None) -> str | None:
    """A meaning as a comparable label: "yes", "3", "stop" (a pain "ouch" and "stop" are both "stop")."""
    if meaning is None:
        return None
    if isinstance(meaning, CommandWord):
        return meaning.command.value
    if isinstance(meaning, Answer):
        return meaning.value
    return str(meaning)


def phrases_of(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The phrases scored for one vocabulary."""
    return tuple(data.load("moonshine")["phrases"][vocabulary.value])


@cache
def candidates(expect: Expect) -> tuple[Candidate, ...]:
    """The expected phrases with their meanings, then the decoys (meaning None) for this expectation."""
    wanted = [p for v in Vocabulary if v in expect.vocabularies for p in phrases_of(v)]
    answers = [Candidate(p, label(understand(p, expect))) for p in dict.fromkeys(wanted)]
    spec = data.load("moonshine")["decoys"]
    others = [p for v in Vocabulary if v not in expect.vocabularies for p in phrases_of(v)]
    near = [d for c in answers for d in spec.get(c.phrase, [])]
    taken = {c.phrase for c in answers}
    decoys = [
        Candidate(p, None)
        for p in dict.fromkeys([*near, *spec["fillers"], *others])
        if p not in taken and understand(p, expect) is None
    ]
    return (*answers, *decoys)


def all_phrases() -> tuple[str, ...]:
    """Every phrase any expectation scores (to score a clip once for several expectations)."""
    found: list[str] = []
    for vocabularies in ((Vocabulary.YES_NO,), (Vocabulary.NUMBER,), (Vocabulary.READY,), ()):
        expect = Expect.of(*vocabularies, Vocabulary.COMMANDS)
        found += [c.phrase for c in candidates(expect)]
    return tuple(dict.fromkeys(found))


def is_sentence(transcript: str, ended: bool, expects: tuple[Expect, ...]) -> bool:
    """A free transcript still going at the length limit (unless it is one word over and over: see
    :func:`cut_repetition`), or of more than three words that no expectation understands: a sentence (or a
    string of digits), rejected without scoring."""
    if not ended:
        return not cut_repetition(transcript, ended)
    long = len(transcript.split()) > 3
    return long and all(understand(transcript, e) is None and number_choice(transcript) is None for e in expects)


def cut_repetition(transcript: str, ended: bool) -> bool:
    """One word written over and over until the length limit cut it ("Six. Six. Six.", "Nine. Nine. N"):
    the model's known repetition, not a sentence; like a transcript that repeats itself, it is not trusted,
    and only the scores speak (an answer is then at most unsure)."""
    return not ended and (collapsed(transcript) != transcript or repeats_to_a_cut(transcript))


def judge(transcript: str, logprob: float, *, ended: bool, trusted: bool, scores: dict[str, float],
          expect: Expect, settings: Tuning | None = None) -> Verdict:
    """The decision on one hearing: an untrusted transcript (empty, repeating...) counts as saying nothing,
    a sentence is rejected, the rest goes to :func:`decide`."""
    trusted = trusted and not cut_repetition(transcript, ended)
    text = collapsed(transcript) if trusted and ended else transcript if trusted else ""
    if text and is_sentence(text, ended, (expect,)):
        return Verdict(text, 0.0, rejected=True, reason="a sentence")
    return decide(text, logprob, scores, expect, settings)


def decide(transcript: str, transcript_logprob: float, scores: dict[str, float], expect: Expect,
           settings: Tuning | None = None) -> Verdict:
    """Accept, confirm or reject, from the free transcript and the scores of this expectation's candidates
    (the spellings of one word, "8" and "eight", weighed together: moonshine_spellings.merged)."""
    t = settings or tuning(context_of(expect))
    scores = merged(scores, spellings())
    pool = candidates(expect)
    said = label(understand(transcript, expect))
    choice = number_choice(transcript) if Vocabulary.NUMBER in expect.vocabularies else None
    if choice is not None:  # "six or seven": the dialogue asks which
        return Verdict(transcript, t.sure_confidence, rejected=False, reason="two numbers")
    scored = [c for c in pool if c.meaning is not None and c.phrase in scores]
    if not scored:
        return Verdict(transcript, 0.0, rejected=True, reason="no expected phrase comes close")
    best = max(scored, key=lambda c: scores[c.phrase])
    over_others = _lead(scores, best, [c for c in pool if c.meaning is not None and c.meaning != best.meaning])
    over_decoys = _lead(scores, best, [c for c in pool if c.meaning is None])
    margin = min(over_others, over_decoys)
    gap = transcript_logprob - scores[best.phrase]
    if said is not None and said != best.meaning:
        return Verdict(transcript, 0.0, rejected=True, reason=f"transcript says {said}, scores {best.meaning}",
                       margin=margin)
    if said is None and understand(transcript, ANY_QUESTION) is not None:  # "9." to a yes/no question
        return Verdict(transcript, 0.0, rejected=True, reason="the transcript answers another question",
                       margin=margin)
    under_decoy = said is None and over_others > 0 >= over_decoys > -t.decoy_slack
    if margin <= 0 and not under_decoy:
        return Verdict(transcript, 0.0, rejected=True, reason="a decoy or another meaning wins", margin=margin)
    if said == best.meaning:
        if margin >= t.sure_margin:
            return Verdict(best.phrase, t.sure_confidence, rejected=False, reason="agrees", margin=margin)
        if margin >= t.agree_margin:
            return Verdict(best.phrase, t.unsure_confidence, rejected=False, reason="agrees, small margin",
                           margin=margin)
        return Verdict(transcript, 0.0, rejected=True, reason="agrees, margin too small", margin=margin)
    if len(transcript.split()) > SCORES_ONLY_WORDS or other_numbers(transcript):
        return Verdict(transcript, 0.0, rejected=True, reason="the transcript says something else", margin=margin)
    lead = over_others if under_decoy else margin
    if lead >= t.confirm_margin and gap <= t.confirm_gap:
        reason = "scores only, under a decoy" if under_decoy else "scores only"
        return Verdict(best.phrase, t.unsure_confidence, rejected=False, reason=reason, margin=margin)
    return Verdict(transcript, 0.0, rejected=True, reason="not an answer", margin=margin)


def _lead(scores: dict[str, float], best: Candidate, rivals: list[Candidate]) -> float:
    """How far the best answer scores above the best of ``rivals`` (HORIZON when none was scored)."""
    found = [scores[c.phrase] for c in rivals if c.phrase in scores]
    return min(HORIZON, scores[best.phrase] - max(found)) if found else HORIZON


def other_numbers(transcript: str) -> bool:
    """The transcript holds numbers that are no single answer: a number above ten ("210", "4720"), or two
    numbers or more ("Seven three zero"): a string of digits, not a pain score."""
    found = [w for w in _TOKEN.findall(transcript.lower()) if w.isdigit() or w in _number_words()]
    return len(found) >= 2 or any(w.isdigit() and int(w) > 10 for w in found)


@cache
def _number_words() -> frozenset[str]:
    return frozenset(p for p in phrases_of(Vocabulary.NUMBER) if not p.isdigit())
