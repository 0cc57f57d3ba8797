"""The cue sounds: short chimes for get ready, start, release, rest over and set done.

:func:`synthesise_cues` makes them (deterministically, numpy only); ``scripts/make_cues.py`` writes
them to ``voicecoach/audio/`` (``audio/`` at the top of the repository points there), and the
installed package reads them back with :func:`load_cues`.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from voicecoach.ports import Sound
from voicecoach.voice.pcm import Clip, read_wav

RATE = 22050
PEAK = 0.45
"""Peak level as a fraction of full scale: clearly audible, below the speech."""

_NOTES = {"C5": 523.25, "E5": 659.26, "G5": 783.99, "A5": 880.0, "C6": 1046.5, "E6": 1318.5}

# Each cue: (note, start s, length s) tones, overlapping freely; all start at 0 so the onset is exact.
_SCORES: dict[Sound, tuple[tuple[str, float, float], ...]] = {
    Sound.GET_READY: (("E5", 0.0, 0.22), ("A5", 0.12, 0.26)),
    Sound.START: (("C6", 0.0, 0.22), ("E6", 0.0, 0.16)),
    Sound.RELEASE: (("A5", 0.0, 0.22), ("E5", 0.12, 0.28)),
    Sound.REST_OVER: (("C5", 0.0, 0.16), ("E5", 0.09, 0.16), ("G5", 0.18, 0.22)),
    Sound.SET_DONE: (("C5", 0.0, 0.4), ("E5", 0.0, 0.4), ("G5", 0.0, 0.4), ("C6", 0.05, 0.35)),
}


def _tone(freq: float, seconds: float) -> np.ndarray:
    """A bell-like tone: a 4 ms attack, exponential decay, a soft second harmonic, a 15 ms fade out."""
    t = np.arange(round(seconds * RATE)) / RATE
    wave = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(4 * np.pi * freq * t)
    envelope = np.exp(-t / (seconds / 3.0))
    attack = min(len(t), round(0.004 * RATE))
    envelope[:attack] *= np.linspace(0.0, 1.0, attack)
    fade = min(len(t), round(0.015 * RATE))
    envelope[len(t) - fade :] *= np.linspace(1.0, 0.0, fade)
    return np.asarray(wave * envelope)


def synthesise_cues() -> dict[Sound, Clip]:
    """Every cue sound, 22050 Hz mono, normalised to the same peak."""
    cues = {}
    for sound, score in _SCORES.items():
        length = max(start + seconds for _, start, seconds in score)
        mix = np.zeros(round(length * RATE) + 1)
        for note, start, seconds in score:
            tone = _tone(_NOTES[note], seconds)
            first = round(start * RATE)
            mix[first : first + len(tone)] += tone
        mix *= PEAK * 32767 / np.max(np.abs(mix))
        cues[sound] = Clip(np.round(mix).astype(np.int16), RATE)
    return cues


def file_name(sound: Sound) -> str:
    """The cue's file name in the package's ``audio`` folder."""
    return f"{sound.value}.wav"


def load_cues() -> dict[Sound, Clip]:
    """The cue sounds shipped with the package."""
    folder = resources.files("voicecoach") / "audio"
    return {sound: read_wav(folder.joinpath(file_name(sound)).read_bytes()) for sound in Sound}
