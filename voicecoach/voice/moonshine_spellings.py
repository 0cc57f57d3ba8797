"""Written forms of one spoken word ("8" and "eight"): the model may write either, so the word's probability
is the sum of theirs (pure; the groups are in data/moonshine.toml, [spellings])."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import numpy as np

from voicecoach import data

Groups = tuple[tuple[str, ...], ...]


@cache
def spellings() -> Groups:
    """The groups of phrases that are one word written differently (data/moonshine.toml)."""
    return tuple(tuple(group) for group in data.load("moonshine")["spellings"]["same_word"])


def units(phrases: Iterable[str], groups: Groups) -> list[tuple[str, ...]]:
    """``phrases`` gathered into words: the spellings of one word together (those among ``phrases``), every
    other phrase alone; in the order each word first appears."""
    wanted = list(dict.fromkeys(phrases))
    present = set(wanted)
    group_of = {p: tuple(q for q in g if q in present) for g in groups for p in g if p in present}
    return list(dict.fromkeys(group_of.get(p, (p,)) for p in wanted))


def merged(scores: Mapping[str, float], groups: Groups) -> dict[str, float]:
    """``scores`` with each scored spelling of a word given the word's score: the log of the summed
    probabilities of its scored spellings ("eight" -2.1 and "8" -3.1 both become -1.79)."""
    out = dict(scores)
    for group in groups:
        scored = [p for p in group if p in scores]
        if len(scored) > 1:
            total = float(np.logaddexp.reduce([scores[p] for p in scored]))
            out.update(dict.fromkeys(scored, total))
    return out
