"""The audio Moonshine is given: a word cut tight at the clip's edge gets a quiet lead-in and tail (pure, numpy).

The microphone's segmenter hands over an utterance with 0.3 s of the room before the word and 0.35 s of
quiet after it; a clip cut at the word (a recording trimmed to the word, a segment that started late)
confuses the model: measured on the tuning speakers' words cut tight and band-limited to 8 kHz, "help"
was heard 0 of 7 times with confidence, and 7 of 7 with a lead-in and tail added. Clips that already
start and end quiet are left alone.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from voicecoach.voice.pcm import Clip, Samples

QUIET_NEEDED_SECONDS = 0.1
"""A side with less quiet than this before (or after) the word gets padded."""
QUIET_ABOVE_FLOOR_DB = 6.0
"""A 10 ms frame is quiet within this of the clip's floor (its 10th percentile: the room, or the word's
softest edge in a clip cut at the word)..."""
QUIET_BELOW_PEAK_DB = 30.0
"""... or this far below its loudest frame."""
PAD_SECONDS = 0.3
"""As much quiet as the segmenter's pre-roll."""
PAD_BELOW_PEAK_DB = 30.0
"""The padding is the clip's own floor, at most this far under its loudest 10 ms (and never digital silence)."""
DITHER = 2.0
"""Smallest padding level (RMS in 16-bit units)."""


def _frame_levels(samples: Samples, size: int) -> npt.NDArray[np.float64]:
    n = len(samples) // size
    frames = samples[: n * size].astype(np.float64).reshape(n, size)
    levels: npt.NDArray[np.float64] = np.sqrt(np.mean(frames * frames, axis=1)) + 1e-9
    return levels


def _quiet_run(quiet: npt.NDArray[np.bool_]) -> int:
    """How many frames at the start are quiet."""
    loud = np.flatnonzero(~quiet)
    return int(loud[0]) if len(loud) else len(quiet)


def with_quiet_edges(clip: Clip) -> Clip:
    """The clip with PAD_SECONDS of low noise added on each side that has too little quiet around the word."""
    size = clip.rate // 100
    if len(clip.samples) < 2 * size:
        return clip
    levels = _frame_levels(clip.samples, size)
    peak, floor = float(levels.max()), float(np.percentile(levels, 10))
    quiet = levels <= max(floor * 10 ** (QUIET_ABOVE_FLOOR_DB / 20), peak * 10 ** (-QUIET_BELOW_PEAK_DB / 20))
    needed = round(QUIET_NEEDED_SECONDS * 100)
    head, tail = _quiet_run(quiet) < needed, _quiet_run(quiet[::-1]) < needed
    if not (head or tail):
        return clip
    level = max(DITHER, min(floor, peak * 10 ** (-PAD_BELOW_PEAK_DB / 20)))
    rng = np.random.default_rng(len(clip.samples))  # fixed per clip: the same clip is always heard the same
    pad = round(PAD_SECONDS * clip.rate)
    before = rng.normal(0.0, level, pad if head else 0)
    after = rng.normal(0.0, level, pad if tail else 0)
    joined = np.concatenate([before, clip.samples.astype(np.float64), after])
    return Clip(np.clip(np.round(joined), -32768, 32767).astype(np.int16), clip.rate)


__all__ = ["PAD_SECONDS", "with_quiet_edges"]
