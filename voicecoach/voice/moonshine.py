"""The Moonshine recogniser behind the SpeechRecogniser port: free transcript plus scored expectations.

One utterance: guards on the audio, the encoder, the free greedy transcript, then one batched decoder
call scoring every phrase the expectation allows and its decoys (moonshine_scoring.decide turns that
into accept / unsure / reject). :func:`MoonshineRecogniser.score_phrases` scores a clip against any
small set of phrases (e.g. commands alone, as a second opinion on a spotted "stop").
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voicecoach.ports import Expect, Utterance
from voicecoach.voice.moonshine_again import after_again, faster, worth_again
from voicecoach.voice.moonshine_audio import with_quiet_edges
from voicecoach.voice.moonshine_decoding import Scores, Transcript, begins_a_phrase, greedy, score
from voicecoach.voice.moonshine_guards import Limits, audio_problem, transcript_problem
from voicecoach.voice.moonshine_memory import MemoryGiver
from voicecoach.voice.moonshine_model import Floats, MoonshineModel, MoonshineUnavailable, Start
from voicecoach.voice.moonshine_scoring import (
    Tuning,
    Verdict,
    candidates,
    decision_horizon,
    decoy_reach,
    is_sentence,
    judge,
)
from voicecoach.voice.moonshine_spellings import spellings
from voicecoach.voice.pcm import Clip

RATE = 16000
TOKENS_PER_SECOND = 6.0
MAX_TOKENS = 10
"""An answer is a few tokens; a transcript still going after this many is a sentence (and not decoded further)."""


@dataclass(frozen=True)
class Hearing:
    """What the model made of one clip: its free transcript, and the scores of the phrases asked about."""

    transcript: Transcript
    scores: dict[str, float]
    problem: str | None = None
    """Why the transcript is not trusted (empty, non-ASCII, repeating), or None."""
    milliseconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Recognised:
    """The utterance, the verdict behind it, and the hearing (None when a guard stopped the clip first)."""

    utterance: Utterance
    verdict: Verdict
    hearing: Hearing | None
    milliseconds: float
    again: Hearing | None = None
    """The second hearing, faster, of a pain score not understood (moonshine_again.py), or None."""


class MoonshineRecogniser:
    """Moonshine base-en, scoring what the coach expects; safe to call from one worker thread at a time."""

    def __init__(self, folder: Path | None = None, tuning: Tuning | None = None, limits: Limits | None = None,
                 threads: int = 2, horizon: float | None = None) -> None:
        """Load the model (about 0.4 s on an idle machine); raises MoonshineUnavailable.

        ``horizon``: how far below the best answer, or below a winning decoy, phrases are still scored
        (default: as far as the decision looks, decision_horizon() and decoy_reach(); calibration passes a
        wider one to try wider thresholds)."""
        self.model = MoonshineModel(folder, threads=threads)
        self.tuning = tuning
        self.horizon = horizon if horizon is not None else decision_horizon()
        self.under_decoy = horizon if horizon is not None else decoy_reach()
        self.limits = limits or Limits()
        self._lock = threading.Lock()
        self.memory = MemoryGiver()
        self._warm()
        self.memory.release_now()

    def recognise(self, audio: Clip, expect: Expect) -> Utterance:
        """What was said, as a phrase of the expected vocabularies, or a rejection."""
        return self.recognise_detailed(audio, expect).utterance

    def recognise_detailed(self, audio: Clip, expect: Expect) -> Recognised:
        """:meth:`recognise` with the verdict and the hearing behind it (for benchmarks and logs)."""
        started = time.perf_counter()
        clip = audio.resampled(RATE)
        problem = audio_problem(clip, self.limits)
        if problem is not None:
            verdict = Verdict("", 0.0, rejected=True, reason=problem)
            return Recognised(_utterance(verdict), verdict, None, _ms(started))
        hearing = self.hear(clip, expect)
        verdict, again = self.judge_again(clip, expect, self.judge(hearing, expect))
        self.memory.release_later()
        return Recognised(_utterance(verdict), verdict, hearing, _ms(started), again)

    def judge_again(self, clip: Clip, expect: Expect, first: Verdict) -> tuple[Verdict, Hearing | None]:
        """The first verdict, or, for a pain score not understood, what a second hearing of the clip played
        faster makes of it (unsure at best), with that hearing (moonshine_again.py)."""
        if not worth_again(first, expect):
            return first, None
        again = self.hear(faster(clip), expect)
        return after_again(first, self.judge(again, expect), expect, self.tuning), again

    def judge(self, hearing: Hearing, expect: Expect) -> Verdict:
        """The decision for one expectation on a hearing that scored (at least) its candidates."""
        t = hearing.transcript
        return judge(t.text, t.logprob, ended=t.ended, trusted=hearing.problem is None, scores=hearing.scores,
                     expect=expect, settings=self.tuning)

    def hear(self, clip: Clip, *expects: Expect) -> Hearing:
        """Encode a 16 kHz clip, score the candidates of each expectation (log-probabilities in nats;
        phrases that cannot change a decision are left out) and read the free transcript.

        When the model's first choice of token begins an expected phrase, scoring comes first and the
        transcript is free if a scored phrase is the greedy path; otherwise the transcript is decoded
        first, and a sentence that no expectation understands is not scored at all."""
        pools = [[(c.phrase, c.meaning) for c in candidates(e)] for e in expects]
        with self._lock:
            t0 = time.perf_counter()
            clip = with_quiet_edges(clip)
            start = self.model.start(_floats(clip))
            t1 = time.perf_counter()
            scores = Scores()
            transcript = None
            if not begins_a_phrase(self.model, start, [p for pool in pools for p, _ in pool]):
                transcript = self._greedy(start, clip)
                if transcript_problem(transcript.text, transcript.repeated) is None and is_sentence(
                        transcript.text, transcript.ended, expects):
                    pools = []
            for pool in pools:
                score(self.model, start, pool, scores, horizon=self.horizon, under_decoy=self.under_decoy,
                      spellings=spellings())
            t2 = time.perf_counter()
            transcript = transcript or scores.greedy or self._greedy(start, clip)
            t3 = time.perf_counter()
        timing = {"encode": (t1 - t0) * 1000, "score": (t2 - t1) * 1000, "greedy": (t3 - t2) * 1000}
        problem = transcript_problem(transcript.text, transcript.repeated)
        return Hearing(transcript, scores.values, problem, timing)

    def _greedy(self, start: Start, clip: Clip) -> Transcript:
        return greedy(self.model, start, min(MAX_TOKENS, 3 + round(TOKENS_PER_SECOND * clip.seconds)))

    def score_phrases(self, audio: Clip, phrases: list[str]) -> dict[str, float]:
        """How well each phrase, as the whole utterance, explains ``audio`` (log-probability, higher is better).

        For a second opinion on a few words: compare the phrase you want with the others you give.
        """
        clip = with_quiet_edges(audio.resampled(RATE))
        with self._lock:
            start = self.model.start(_floats(clip))
            return score(self.model, start, [(p, p) for p in phrases], prune=False).values

    def _warm(self) -> None:
        """One tiny decode so the first real answer does not pay ONNX Runtime's first-run costs."""
        silence = Clip(np.zeros(RATE // 2, dtype=np.int16), RATE)
        self.score_phrases(silence, ["yes", "no"])


def _floats(clip: Clip) -> Floats:
    return (clip.samples.astype(np.float32) / 32768.0).astype(np.float32)


def _utterance(verdict: Verdict) -> Utterance:
    return Utterance(text=verdict.text, confidence=verdict.confidence, rejected=verdict.rejected,
                     reason=verdict.reason if verdict.rejected else None)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


__all__ = ["Hearing", "MoonshineRecogniser", "MoonshineUnavailable", "Recognised"]
