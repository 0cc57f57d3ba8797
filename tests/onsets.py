"""Finding when sounds start in recorded or rendered audio (energy onsets), for timing tests and benches."""

from __future__ import annotations

import numpy as np

from voicecoach.voice.pcm import Clip

FRAME = 0.005
"""Seconds per analysis frame."""


def onsets(clip: Clip, threshold_db: float = -45.0, quiet_before: float = 0.08) -> list[float]:
    """Times (s from the clip's start) where the level rises above ``threshold_db`` dBFS after
    at least ``quiet_before`` s below it. The time is refined to the first loud sample of the frame."""
    n = max(1, round(FRAME * clip.rate))
    x = clip.samples.astype(np.float64)
    frames = x[: len(x) // n * n].reshape(-1, n)
    level = np.sqrt((frames**2).mean(axis=1)) / 32768.0
    loud = level > 10 ** (threshold_db / 20)
    need = max(1, round(quiet_before / FRAME))
    found, quiet = [], need
    for i, is_loud in enumerate(loud):
        if is_loud and quiet >= need:
            # back up to the first sample above the threshold's amplitude within this and the previous frame
            lo = max(0, (i - 1) * n)
            segment = np.abs(x[lo : (i + 1) * n])
            above = np.flatnonzero(segment > 32768.0 * 10 ** (threshold_db / 20))
            found.append((lo + (int(above[0]) if len(above) else n)) / clip.rate)
        quiet = 0 if is_loud else quiet + 1
    return found


def nearest(times: list[float], target: float) -> float:
    """The time in ``times`` closest to ``target``."""
    return min(times, key=lambda t: abs(t - target))
