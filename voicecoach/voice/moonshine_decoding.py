"""Two ways to read Moonshine's decoder: the free greedy transcript, and the log-probability of given phrases.

Scoring is teacher forcing: a phrase's tokens are fed in one batched, cached decoder call and the
log-probabilities of its tokens (and of the end token) are summed. A phrase is scored both as written
("Yes") and with a closing full stop ("Yes."), the way the model writes a one-word sentence; the better
of the two counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from voicecoach.voice.moonshine_model import END, START, MoonshineModel, Start
from voicecoach.voice.moonshine_spellings import Groups, merged, units

FULL_STOP = "."
BATCH = 16
"""Phrases per decoder call (bounds the memory of the logits: 16 x L x 32768 floats)."""
HORIZON = 8.0
"""By default, scores further than this below the best answer are not worked out (a recogniser passes the
widest margin its decision looks at, moonshine_scoring.decision_horizon, which is narrower)."""


@dataclass(frozen=True)
class Transcript:
    """The free greedy hearing: text, token ids, their summed log-probability, and how decoding ended."""

    text: str
    ids: tuple[int, ...]
    logprob: float
    ended: bool
    """The model wrote the end token (False: stopped by the length limit or a repetition)."""
    repeated: bool
    """The same token came again and again (a known hallucination)."""


def greedy(model: MoonshineModel, start: Start, max_tokens: int, max_repeats: int = 3) -> Transcript:
    """The most likely token at each step until the end token, ``max_tokens`` or a run of repeats."""
    ids: list[int] = []
    total = 0.0
    logprobs = start.logprobs
    cache = start.decoder_cache
    run = 0
    while len(ids) < max_tokens:
        token = int(np.argmax(logprobs))
        total += float(logprobs[token])
        if token == END:
            return Transcript(model.tokenizer.decode(ids), tuple(ids), total, ended=True, repeated=False)
        run = run + 1 if ids and token == ids[-1] else 1
        ids.append(token)
        if run > max_repeats:
            return Transcript(model.tokenizer.decode(ids), tuple(ids), total, ended=False, repeated=True)
        step, cache = model.step(start, np.array([[token]], dtype=np.int64), cache)
        logprobs = step[0, -1]
    return Transcript(model.tokenizer.decode(ids), tuple(ids), total, ended=False, repeated=_looping(ids))


@dataclass
class Scores:
    """Phrase scores of one clip, and the free transcript when a scored phrase turned out to be it."""

    values: dict[str, float] = field(default_factory=dict)
    greedy: Transcript | None = None
    """Set when a scored phrase is exactly what greedy decoding writes: the transcript comes for free."""


def score(model: MoonshineModel, start: Start, candidates: list[tuple[str, str | None]],
          known: Scores | None = None, *, prune: bool = True, horizon: float = HORIZON,
          under_decoy: float = 0.0, spellings: Groups = ()) -> Scores:
    """The log-probability of each phrase as the whole utterance (best of "Phrase" and "Phrase."), for the
    phrases that can matter: the best answer, and the best of everything with another meaning.

    ``candidates`` are (phrase, meaning) pairs (meaning None: a decoy). A phrase's score is at most the
    log-probability of its first token, which the first decoder step already gives; phrases are scored
    best bound first, in batches, and scoring stops when no bound left can change the decision (see
    :func:`_needed`): positive margins are exact up to ``horizon`` (and at least ``horizon`` beyond it);
    when a decoy wins, phrases are scored ``under_decoy`` below it (0: the margin is only known to be
    negative). The spellings of one word (``spellings``: "8" and "eight") are scored together and weighed as
    one phrase, whose probability is their sum (moonshine_spellings.merged). ``known`` holds what was already
    scored for this clip (reused and extended in place); ``prune=False`` scores every phrase.
    """
    done = known if known is not None else Scores()
    stop = [model.tokenizer.piece(FULL_STOP)]
    tokens = {p: model.tokenizer.encode(_written(p)) for p, _ in candidates}
    meaning = dict(candidates)
    first = {p: float(start.logprobs[tokens[p][0]]) for p in meaning}
    bound = {u: float(np.logaddexp.reduce([first[p] for p in u])) for u in units(meaning, spellings)}
    waiting = sorted((u for u in bound if any(p not in done.values for p in u)), key=lambda u: -bound[u])
    while waiting:
        if prune and bound[waiting[0]] < _needed(merged(done.values, spellings), meaning, horizon, under_decoy):
            break
        batch: list[str] = []
        while waiting and (not batch or len(batch) + len(waiting[0]) <= BATCH):
            batch += [p for p in waiting.pop(0) if p not in done.values]
        _score_batch(model, start, {p: tokens[p] + stop for p in batch}, done)
    return done


def begins_a_phrase(model: MoonshineModel, start: Start, phrases: list[str]) -> bool:
    """True when the model's most likely first token is the first token of one of ``phrases``."""
    first = int(np.argmax(start.logprobs))
    return any(model.tokenizer.encode(_written(p))[0] == first for p in phrases)


def _needed(done: dict[str, float], meaning: dict[str, str | None], horizon: float,
            under_decoy: float) -> float:
    """A phrase must be able to score above this to change the decision: come within ``under_decoy`` of a
    winning decoy, or within ``horizon`` of a winning answer (or beat its best rival)."""
    scored = [(s, p) for p, s in done.items() if p in meaning]
    if not scored:
        return float("-inf")
    top, phrase = max(scored)
    if meaning[phrase] is None:  # a decoy leads: only an answer above it, or close under it, matters
        return top - under_decoy
    rivals = [s for p, s in done.items() if p in meaning and meaning[p] != meaning[phrase]]
    return max(max(rivals, default=float("-inf")), top - horizon)


def _score_batch(model: MoonshineModel, start: Start, sequences: dict[str, list[int]], into: Scores) -> None:
    """Score phrases given as token ids ending in a full stop, in one decoder call."""
    width = max(len(s) for s in sequences.values())
    ids = np.full((len(sequences), width), END, dtype=np.int64)
    for row, sequence in enumerate(sequences.values()):
        ids[row, : len(sequence)] = sequence
    logprobs, _ = model.step(start, ids, start.decoder_cache)
    for row, (phrase, sequence) in enumerate(sequences.items()):
        words = sequence[:-1]  # without the closing full stop
        steps = [start.logprobs, *(logprobs[row, j] for j in range(len(sequence)))]
        total = sum(float(steps[j][t]) for j, t in enumerate(words))
        last, after_stop = steps[len(words)], steps[len(words) + 1]
        bare = total + float(last[END])
        stopped = total + float(last[sequence[-1]]) + float(after_stop[END])
        into.values[phrase] = max(bare, stopped)
        on_path = all(int(np.argmax(steps[j])) == t for j, t in enumerate(words))
        if on_path and int(np.argmax(last)) == END:
            into.greedy = Transcript(model.tokenizer.decode(words), tuple(words), bare, ended=True, repeated=False)
        elif on_path and int(np.argmax(last)) == sequence[-1] and int(np.argmax(after_stop)) == END:
            into.greedy = Transcript(model.tokenizer.decode(sequence), tuple(sequence), stopped, ended=True,
                                     repeated=False)


def _written(phrase: str) -> str:
    """How the model writes a phrase at the start of a sentence: "how many left" -> "How many left"."""
    return phrase[:1].upper() + phrase[1:]


def _looping(ids: list[int]) -> bool:
    """A short pattern repeated to the length limit ("help help help", "no, no, no, no")."""
    for size in (1, 2, 3):
        tail = ids[-4 * size :]
        if len(tail) == 4 * size and tail == tail[:size] * 4:
            return True
    return False


__all__ = ["START", "Scores", "Transcript", "begins_a_phrase", "greedy", "score"]
