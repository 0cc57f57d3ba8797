"""Guards around Moonshine for its known failure modes (pure, numpy only).

Before decoding: audio too short or too long to be an answer, and segments where nothing stands out of the noise
(steady noise). After: an empty or non-ASCII transcript, or one that repeats itself ("snow snow
snow ..."), is not trusted as what was said (the answer may still win on its score, but only as unsure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from voicecoach.voice.pcm import Clip

_WORD = re.compile(r"[A-Za-z0-9']+")


@dataclass(frozen=True)
class Limits:
    """The numbers behind the guards."""

    min_seconds: float = 0.15
    max_seconds: float = 8.0
    """Longer than this is a sentence (or steady noise), never an answer; it is not decoded."""
    min_rise_db: float = 6.0
    """The loudest 10 ms must stand this far above the clip's own floor (its 10th percentile), else the clip
    is steady noise with nothing in it. Low, so that a short word 5 dB above real noise still passes."""
    min_peak_dbfs: float = -55.0
    """A clip whose loudest 10 ms is quieter than this holds no speech."""


def audio_problem(clip: Clip, limits: Limits | None = None) -> str | None:
    """Why a 16 kHz clip cannot hold an answer (too short, too long, too quiet, no speech), or None."""
    lim = limits or Limits()
    if clip.seconds < lim.min_seconds:
        return "too short"
    if clip.seconds > lim.max_seconds:
        return "too long"
    n = len(clip.samples) // 160
    frames = clip.samples[: n * 160].astype(np.float64).reshape(n, 160)
    level = 10 * np.log10(np.mean(frames * frames, axis=1) + 1.0)
    loudest = float(level.max())
    if loudest - 20 * np.log10(32768) < lim.min_peak_dbfs:
        return "too quiet"
    if loudest - float(np.percentile(level, 10)) < lim.min_rise_db:
        return "no speech"
    return None


def transcript_problem(text: str, repeated: bool) -> str | None:
    """Why the free transcript is not to be trusted (empty, non-ASCII, repeating), or None."""
    if not text.strip():
        return "empty"
    if not text.isascii():
        return "not ASCII"
    if repeated:
        return "repeats itself"
    words = _WORD.findall(text.lower())
    if len(words) >= 4 and len(set(words)) <= len(words) // 3:
        return "repeats itself"
    return None


def repeats_to_a_cut(text: str) -> bool:
    """One word written over and over, its last copy cut off by the length limit ("Nine. Nine. N",
    "Lira, Lira, L"): the model's repetition, not a sentence. Words only: a cut string of digits
    ("344-344-3") is a number, not a repeated word."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 2 or not all(w.isalpha() for w in words):
        return False
    *whole, cut = words
    return len(set(whole)) == 1 and cut != whole[0] and whole[0].startswith(cut)


def collapsed(text: str) -> str:
    """A word said two or three times over is said once: "Stop stop" -> "Stop", "No, no." -> "No"
    (more repeats are left alone: a hallucination guard rejects them)."""
    words = _WORD.findall(text)
    if 2 <= len(words) <= 3 and len({w.lower() for w in words}) == 1:
        return str(words[0])
    return text
