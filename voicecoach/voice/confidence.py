"""Turning the recogniser's evidence into one confidence from 0 to 1 (pure, no audio)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """What one recognition saw besides the words themselves."""

    agree: bool
    """The second decode (a slightly slowed copy) gave the same meaning ("nope" for "no" agrees)."""
    second_decode: bool
    """A second decode was made at all."""
    speech_seconds_outside: float
    """Seconds of speech-level sound outside the recognised words (a sentence around a grammar word)."""
    speech_seconds: float
    """Seconds of speech-level sound in the whole clip."""
    word_seconds: float
    """Seconds the recognised words span."""


@dataclass(frozen=True)
class ConfidencePolicy:
    """The numbers behind the confidence."""

    agree: float = 0.9
    disagree: float = 0.35
    outside_reject_seconds: float = 0.35
    """This much speech outside the words: a sentence, rejected."""
    outside_doubt_seconds: float = 0.15
    """This much lowers the confidence below the confirmation threshold."""
    doubt: float = 0.4


def confidence_of(evidence: Evidence, policy: ConfidencePolicy | None = None) -> float:
    """0 (reject) to 1: high only when both decodes agree and nothing else was said."""
    p = policy or ConfidencePolicy()
    if evidence.speech_seconds_outside >= p.outside_reject_seconds:
        return 0.0
    score = p.agree if evidence.agree or not evidence.second_decode else p.disagree
    if evidence.speech_seconds_outside >= p.outside_doubt_seconds:
        score = min(score, p.doubt)
    return score
