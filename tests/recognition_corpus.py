"""The recogniser's test corpus: answers per vocabulary, out-of-grammar phrases, non-speech sounds and
the coach's own cues, each under named conditions. Shared by tests/test_recognition_audio.py (a
subset) and scripts/bench_recogniser_espeak.py (the full grid). Deterministic (seeded)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tests.speech import RATE, babble, in_room, reverberant, say, white_noise, with_noise
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.grammars import coach_cue_words, spoken_phrases
from voicecoach.voice.pcm import Clip

EXPECT_FOR = {
    Vocabulary.YES_NO: Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS),
    Vocabulary.NUMBER: Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS),
    Vocabulary.READY: Expect.of(Vocabulary.READY, Vocabulary.COMMANDS),
    Vocabulary.COMMANDS: Expect.of(Vocabulary.COMMANDS, background=True),
}
"""How the dialogue listens for each vocabulary (questions also hear commands; commands alone in the background)."""

OOG_PHRASES = (
    "could you say that again", "hello", "hang on", "what", "I don't know", "maybe", "wait a second",
    "the weather is nice today", "I think so", "hmm", "let me think", "oh well", "I'm not sure",
    "yes I think so", "no not really", "um", "hang on a minute", "what did you say",
)
"""Speech that answers nothing. Not here: "okay" (ready), "go on" (resume), "again" (repeat): words.toml
gives them a meaning. "yes I think so" / "no not really" are sentences, which words.toml does not accept."""

COACH_CUES = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "hold", "and release", "and rest", "and lower", "and down", "lift on each count",
    "switch sides", "rest for ten seconds", "rest over", "well done", "now the left side",
    "pull your left knee towards you, as far as it goes... now. Hold.", "set one of three",
    "ten seconds left", "resuming",
)
"""What the coach says while it counts or rests (its voice may leak into the microphone)."""

COACH_VOICE = "en-us"


def speech(text: str, voice: str, condition: str) -> Clip:
    """``text`` in ``voice`` under a named condition, as a microphone hears it."""
    rate = {"rate130": 130, "rate180": 180}.get(condition, 150)
    pitch = {"pitch30": 30, "pitch70": 70}.get(condition, 50)
    clip = say(text, voice, rate, pitch)
    return CONDITIONS[condition](clip)


def _padded_zero(clip: Clip) -> Clip:
    """Padded with digital silence, as a WAV file made by a synthesiser."""
    pad = np.zeros(round(0.4 * RATE), dtype=np.int16)
    return Clip(np.concatenate([pad, clip.samples, pad]), RATE)


def _gain(clip: Clip, db: float) -> Clip:
    return in_room(clip).scaled(10 ** (db / 20))


CONDITIONS: dict[str, Callable[[Clip], Clip]] = {
    "clean": in_room,
    "digital-silence": _padded_zero,
    "rate130": in_room,
    "rate180": in_room,
    "pitch30": in_room,
    "pitch70": in_room,
    "gain-20": lambda c: _gain(c, -20),
    "gain+10clip": lambda c: _gain(c, 10),
    "white20": lambda c: with_noise(in_room(c), white_noise(3.0), 20),
    "white10": lambda c: with_noise(in_room(c), white_noise(3.0), 10),
    "babble20": lambda c: with_noise(in_room(c), babble(), 20),
    "babble10": lambda c: with_noise(in_room(c), babble(), 10),
    "reverb": lambda c: in_room(reverberant(c)),
}


def answers(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The phrases to say for a vocabulary (the recogniser's own spoken list)."""
    return spoken_phrases(vocabulary)


def cough(seed: int) -> Clip:
    """One or two short band-passed noise bursts with a fast attack: a cough, a knock, a clatter."""
    rng = np.random.default_rng(1000 + seed)
    parts = [np.zeros(round(0.3 * RATE))]
    for _ in range(int(rng.integers(1, 3))):
        n = round(rng.uniform(0.15, 0.4) * RATE)
        burst = rng.standard_normal(n)
        spectrum = np.fft.rfft(burst)
        freqs = np.fft.rfftfreq(n, 1 / RATE)
        low, high = rng.uniform(200, 600), rng.uniform(1500, 4000)
        spectrum[(freqs < low) | (freqs > high)] = 0
        shaped = np.fft.irfft(spectrum, n)
        envelope = np.exp(-np.arange(n) / (rng.uniform(0.03, 0.12) * RATE))
        loud = shaped / (np.abs(shaped).max() + 1e-9) * envelope * rng.uniform(4000, 16000)
        parts += [loud, np.zeros(round(0.15 * RATE))]
    parts.append(np.zeros(round(0.3 * RATE)))
    return in_room(Clip(np.clip(np.concatenate(parts), -32768, 32767).astype(np.int16), RATE), seed=seed)


def noises(count: int) -> list[tuple[str, Clip]]:
    """Non-speech clips: coughs, white noise, babble alone, near silence."""
    out: list[tuple[str, Clip]] = []
    for i in range(count):
        out.append(("cough", cough(i)))
        out.append(("white", Clip(white_noise(1.5, seed=i), RATE).scaled(0.3 + 0.5 * (i % 3))))
        start = (i * 7919) % max(1, len(babble()) - 24000)
        out.append(("babble", Clip(babble()[start : start + 24000], RATE)))
        out.append(("near-silence", in_room(Clip(np.zeros(RATE, dtype=np.int16), RATE), seed=i, floor=30 + 20 * i)))
    return out


def coach_echo(text: str, echo: bool) -> Clip:
    """The coach's cue as it reaches the microphone: straight, or through a reverberant room, quieter."""
    clip = say(text, COACH_VOICE, 150)
    if echo:
        return in_room(reverberant(clip, rt60=0.6).scaled(0.5))
    return in_room(clip)


def all_coach_words() -> tuple[str, ...]:
    """The coach cue words the background grammar treats as garbage (for reporting)."""
    return coach_cue_words()
