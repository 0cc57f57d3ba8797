"""Real speech for tests: espeak-ng voices and variants, rendered at 16 kHz with the conditions a
room adds (a noise floor, noise at a set SNR, reverberation, level changes). Deterministic: every
random draw comes from a seeded generator."""

from __future__ import annotations

import functools

import numpy as np

from voicecoach.voice.espeak import espeak
from voicecoach.voice.pcm import Clip, Samples, rms

RATE = 16000
VOICES = ("en-us", "en", "en-gb-x-rp", "en-us+m1", "en+m3", "en+m7", "en-us+f1", "en+f3", "en+f5", "en+klatt")
"""Base voices and variants used by the voice tests (men, women, the klatt synthesiser)."""


@functools.lru_cache(maxsize=4096)
def say(text: str, voice: str = "en-us", rate: int = 150, pitch: int = 50) -> Clip:
    """``text`` spoken by espeak-ng, at 16 kHz, without espeak's leading and trailing silence."""
    return espeak(text, voice=voice, rate=rate, pitch=pitch).resampled(RATE).trimmed()


def in_room(clip: Clip, *, seed: int = 0, floor: float = 60.0, before: float = 0.4, after: float = 0.5) -> Clip:
    """The clip as a microphone hears it in a quiet room: padded with room tone (never digital zero)."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([np.zeros(round(before * RATE)), clip.samples.astype(np.float64), np.zeros(round(after * RATE))])
    x += rng.standard_normal(len(x)) * floor
    return Clip(_int16(x), RATE)


def white_noise(seconds: float, seed: int = 0) -> Samples:
    """Gaussian white noise (unit-less, to be scaled)."""
    return _int16(np.random.default_rng(seed).standard_normal(round(seconds * RATE)) * 3000)


@functools.lru_cache(maxsize=1)
def babble() -> Samples:
    """Six espeak voices reading unrelated sentences at once: speech-like noise without any answer word."""
    sentences = [
        ("the quick brown fox jumps over the lazy dog and runs into the forest", "en-us"),
        ("please remember to buy bread and milk on the way home tonight", "en+f3"),
        ("the meeting has been moved to thursday afternoon at the library", "en+m3"),
        ("she sells sea shells by the sea shore every summer morning", "en-us+f2"),
        ("a large cup of coffee with a little bit of sugar would be lovely", "en+m7"),
        ("the train to the city was delayed because of the heavy weather", "en-gb-x-rp+f4"),
    ]
    parts = [say(text, voice, 160).samples.astype(np.float64) for text, voice in sentences]
    length = max(len(p) for p in parts)
    mix = np.zeros(length)
    for i, part in enumerate(parts):
        mix += np.roll(np.pad(part, (0, length - len(part))), i * 4000)
    return _int16(mix / len(parts))


def counting(
    words: list[str], coach_voice: str = "en-us+f3", *, user_word: str | None = None, user_voice: str = "en+m3",
    user_at: float = 0.0, seed: int = 0,
) -> tuple[Clip, float | None, list[tuple[float, float]]]:
    """The coach says ``words`` one a second from 1 s, its echo at half the person's level, in a quiet
    room; a person may say ``user_word`` starting ``user_at`` seconds in. Returns the audio, the end of
    the person's word (None without one), and when the coach was playing (what the player's log says)."""
    rng = np.random.default_rng(seed)
    total = np.zeros(RATE * (len(words) + 2))
    spans = []
    for i, word in enumerate(words):
        clip = say(word, coach_voice).samples.astype(np.float64) * 0.5
        start = RATE * (i + 1)
        total[start : start + len(clip)] += clip[: len(total) - start]
        spans.append((start / RATE, (start + len(clip)) / RATE))
    word_end = None
    if user_word is not None:
        clip = say(user_word, user_voice, 150).samples.astype(np.float64)
        start = round(user_at * RATE)
        total[start : start + len(clip)] += clip
        word_end = (start + len(clip)) / RATE
    total += rng.standard_normal(len(total)) * 60
    return Clip(_int16(total), RATE), word_end, spans


def with_noise(clip: Clip, noise: Samples, snr_db: float, seed: int = 0) -> Clip:
    """``clip`` with ``noise`` mixed in so that speech level / noise level is ``snr_db``."""
    rng = np.random.default_rng(seed)
    x = clip.samples.astype(np.float64)
    reps = len(x) // len(noise) + 1
    tiled = np.tile(noise.astype(np.float64), reps)
    start = int(rng.integers(0, len(tiled) - len(x) + 1))
    n = tiled[start : start + len(x)]
    n *= _speech_level(x) / (np.sqrt(np.mean(n * n)) + 1e-9) / 10 ** (snr_db / 20)
    return Clip(_int16(x + n), clip.rate)


def reverberant(clip: Clip, rt60: float = 0.4, seed: int = 0) -> Clip:
    """``clip`` in a small room: convolved with an exponentially decaying noise impulse response."""
    rng = np.random.default_rng(seed)
    n = round(rt60 * RATE)
    t = np.arange(n) / RATE
    response = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    response[0] = 1.0
    response /= np.sqrt(np.sum(response**2))
    wet = np.convolve(clip.samples.astype(np.float64), response)[: len(clip.samples) + n]
    wet = np.pad(wet, (0, len(clip.samples) + n - len(wet)))
    dry = np.pad(clip.samples.astype(np.float64), (0, n))
    mixed = 0.6 * dry + 0.4 * wet
    return Clip(_int16(mixed * rms(clip.samples) / (np.sqrt(np.mean(mixed**2)) + 1e-9)), clip.rate)


def _speech_level(x: np.ndarray) -> float:
    frames = x[: len(x) // 160 * 160].reshape(-1, 160)
    energy = np.sqrt((frames**2).mean(axis=1))
    active = energy[energy > 0.1 * energy.max()] if len(energy) else energy
    return float(np.sqrt((active**2).mean())) if len(active) else 1.0


def _int16(x: np.ndarray) -> Samples:
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)
