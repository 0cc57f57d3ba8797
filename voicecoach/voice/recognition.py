"""pocketsphinx decoding of one utterance against the grammar of what the coach expects.

One ``Decoder(lm=None)`` holds a named JSGF search per expectation (built lazily, then switched with
``activate_search``; see docs/voice-lab/FINDINGS.md for why not ``Decoder(jsgf=...)``). The clip is
conditioned first (16 kHz, a fixed-seed noise floor so digital silence never reaches the front end),
decoded, and a garbage word or an empty result is a rejection. A second decode of a slightly
slowed copy must agree, and speech energy outside the recognised words lowers the confidence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voicecoach.dialogue.understanding import understand
from voicecoach.ports import Expect, Utterance
from voicecoach.voice.confidence import Evidence, confidence_of
from voicecoach.voice.grammars import Grammar, grammar_for
from voicecoach.voice.pcm import Clip

RATE = 16000
FRAMES_PER_SECOND = 100


class RecogniserUnavailable(RuntimeError):
    """pocketsphinx or its English model is missing; the message says what to install."""


class AudioDataLike(Protocol):
    """What we use of ``speech_recognition.AudioData`` (the microphone path and AudioFile give one)."""

    sample_rate: int

    def get_raw_data(self, convert_rate: int | None = None, convert_width: int | None = None) -> bytes:
        """The PCM bytes, optionally converted."""


def clip_from_audio_data(audio: AudioDataLike) -> Clip:
    """A SpeechRecognition ``AudioData`` as a mono 16-bit clip at its own rate."""
    return Clip.from_bytes(audio.get_raw_data(convert_width=2), audio.sample_rate)


@dataclass(frozen=True)
class Tuning:
    """The numbers behind decoding (defaults chosen by scripts/bench_recogniser_espeak.py)."""

    noise_floor_rms: float = 100.0
    """Gaussian noise (of 32768) added before decoding: digital silence decodes badly."""
    noise_seed: int = 7
    perturb_speed: float = 0.93
    """The second decode hears the clip this much slower (0: no second decode)."""
    filler_garbage: bool = True
    coach_garbage: bool = True
    speech_db_above_floor: float = 12.0
    """A 10 ms frame is speech when its energy is this far above the clip's quietest frames."""


@dataclass(frozen=True)
class Segment:
    """One word of a hypothesis and where it lies, in 10 ms frames."""

    word: str
    start: int
    end: int


@dataclass(frozen=True)
class Hearing:
    """One decode: the words recognised, their frames, and whether a garbage word won (not a phrase)."""

    text: str
    segments: tuple[Segment, ...]
    garbage: bool
    frames: int


@dataclass(frozen=True)
class Recognised:
    """The full result of :meth:`Recogniser.recognise_detailed`: the utterance and the evidence behind it."""

    utterance: Utterance
    evidence: Evidence
    hearings: tuple[Hearing, ...] = field(default=())
    milliseconds: float = 0.0


def condition(clip: Clip, tuning: Tuning) -> Clip:
    """The clip at 16 kHz with a fixed-seed noise floor added (robust to digital silence, deterministic)."""
    clip = clip.resampled(RATE)
    if tuning.noise_floor_rms <= 0 or len(clip.samples) == 0:
        return clip
    noise = np.random.default_rng(tuning.noise_seed).standard_normal(len(clip.samples)) * tuning.noise_floor_rms
    mixed = np.clip(np.round(clip.samples.astype(np.float64) + noise), -32768, 32767).astype(np.int16)
    return Clip(mixed, RATE)


def speech_frames(clip: Clip, db_above_floor: float) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which 10 ms frames of a 16 kHz clip carry sound well above its own quietest frames."""
    n = len(clip.samples) // 160
    if n == 0:
        return np.zeros(0, dtype=bool)
    frames = clip.samples[: n * 160].astype(np.float64).reshape(n, 160)
    level = 10 * np.log10(np.mean(frames * frames, axis=1) + 1.0)
    floor = float(np.percentile(level, 10))
    loudest = float(np.max(level))
    threshold = max(floor + db_above_floor, loudest - 35.0)
    return np.asarray(level > threshold)


class Recogniser:
    """pocketsphinx decoding of one utterance against the grammar of what the coach expects."""

    def __init__(self, model_dir: Path | None = None, tuning: Tuning | None = None) -> None:
        """Load the model once (~120 ms). ``model_dir`` holds ``en-us/`` (acoustic model) and
        ``cmudict-en-us.dict``; None uses the model bundled with pocketsphinx."""
        self.tuning = tuning or Tuning()
        self._decoder = _load_decoder(model_dir)
        self._searches: dict[str, Grammar] = {}

    def recognise(self, audio: Clip, expect: Expect) -> Utterance:
        """What was said, as a phrase of the expected vocabularies, or a rejection."""
        return self.recognise_detailed(audio, expect).utterance

    def recognise_detailed(self, audio: Clip, expect: Expect) -> Recognised:
        """:meth:`recognise` with the evidence and decodes behind the answer (for benchmarks and logs)."""
        started = time.perf_counter()
        clip = condition(audio, self.tuning)
        grammar = self._activate(expect)
        first = self.hear(clip, grammar)
        hearings = [first]
        if not first.garbage and first.text and self.tuning.perturb_speed > 0:
            slowed = Clip(clip.resampled(round(RATE / self.tuning.perturb_speed)).samples, RATE)
            hearings.append(self.hear(slowed, grammar))
        evidence = self._evidence(clip, hearings, expect)
        utterance = _decide(first, evidence)
        elapsed = (time.perf_counter() - started) * 1000
        return Recognised(utterance, evidence, tuple(hearings), elapsed)

    def hear(self, clip: Clip, grammar: Grammar) -> Hearing:
        """One decode of a conditioned 16 kHz clip with an already active grammar."""
        decoder = self._decoder
        decoder.start_utt()
        decoder.process_raw(clip.to_bytes(), full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        text = "" if hyp is None else str(hyp.hypstr).strip()
        segments = tuple(
            Segment(_base_word(str(s.word)), int(s.start_frame), int(s.end_frame))
            for s in (decoder.seg() or ())
            if not _is_filler(str(s.word))
        )
        garbage = bool(text) and text not in grammar.phrases
        return Hearing(text=text, segments=segments, garbage=garbage, frames=int(decoder.n_frames()))

    def _activate(self, expect: Expect) -> Grammar:
        grammar = grammar_for(
            expect, filler_garbage=self.tuning.filler_garbage, coach_garbage=self.tuning.coach_garbage
        )
        if not grammar.phrases:
            raise ValueError("an expectation needs at least one vocabulary")
        if grammar.name not in self._searches:
            garbage = tuple(g for g in grammar.garbage if all(self._known(w) for w in g.split() if w[0] != "<"))
            known = Grammar(grammar.name, grammar.phrases, garbage)
            missing = [w for p in known.phrases for w in p.split() if not self._known(w)]
            if missing:
                raise RecogniserUnavailable(f"words missing from the pronouncing dictionary: {', '.join(missing)}")
            self._decoder.add_jsgf_string(grammar.name, known.jsgf())
            self._searches[grammar.name] = known
        self._decoder.activate_search(grammar.name)
        return self._searches[grammar.name]

    def _known(self, word: str) -> bool:
        return self._decoder.lookup_word(word) is not None

    def _evidence(self, clip: Clip, hearings: list[Hearing], expect: Expect) -> Evidence:
        first = hearings[0]
        speech = speech_frames(clip, self.tuning.speech_db_above_floor)
        inside = np.zeros(len(speech), dtype=bool)
        for s in first.segments:
            inside[max(0, s.start - 5) : s.end + 6] = True
        outside = speech & ~inside[: len(speech)]
        word_frames = sum(s.end - s.start + 1 for s in first.segments)
        return Evidence(
            agree=all(_same_meaning(h, first, expect) for h in hearings[1:]),
            second_decode=len(hearings) > 1,
            speech_seconds_outside=float(outside.sum()) / FRAMES_PER_SECOND,
            speech_seconds=float(speech.sum()) / FRAMES_PER_SECOND,
            word_seconds=word_frames / FRAMES_PER_SECOND,
        )


def _decide(first: Hearing, evidence: Evidence) -> Utterance:
    if first.garbage or not first.text:
        reason = "outside the expected words" if first.garbage else "no words decoded"
        return Utterance(text=first.text, confidence=0.0, rejected=True, reason=reason)
    score = confidence_of(evidence)
    if score <= 0.0:
        return Utterance(text=first.text, confidence=score, rejected=True,
                         reason=f"{evidence.speech_seconds_outside:.1f} s of speech outside the expected words")
    return Utterance(text=first.text, confidence=score)


def _same_meaning(other: Hearing, first: Hearing, expect: Expect) -> bool:
    """The decodes agree when they mean the same ("no" and "nope" do; "yes" and "no" never)."""
    if other.garbage or not other.text:
        return False
    return other.text == first.text or understand(other.text, expect) == understand(first.text, expect)


def _is_filler(word: str) -> bool:
    return word.startswith(("<", "["))


def _base_word(word: str) -> str:
    """``yes(2)`` (an alternative pronunciation) -> ``yes``."""
    return word.split("(", 1)[0]


def _load_decoder(model_dir: Path | None) -> Any:
    try:
        from pocketsphinx import Decoder, get_model_path  # noqa: PLC0415 (optional heavy import)
    except ImportError as error:
        raise RecogniserUnavailable(
            f"pocketsphinx is not installed ({error}); install it with: pip install 'pocketsphinx>=5.1,<6'"
        ) from error
    base = model_dir or Path(get_model_path()) / "en-us"
    hmm, dictionary = base / "en-us", base / "cmudict-en-us.dict"
    if not (hmm / "mdef").is_file() or not dictionary.is_file():
        raise RecogniserUnavailable(
            f"no pocketsphinx English model in {base} (expected {hmm.name}/ and {dictionary.name})"
        )
    try:
        return Decoder(hmm=str(hmm), dict=str(dictionary), lm=None, loglevel="FATAL")
    except (RuntimeError, ValueError) as error:
        raise RecogniserUnavailable(f"pocketsphinx could not load the model in {base}: {error}") from error
