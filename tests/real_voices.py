"""Recordings of real people (../shared/corpus/real-voices, see its README.md and LICENSES.md) for the
simulated person: "stop", "yes", "no" and number words said by real speakers, at a set level.

The corpus is not copied into the repository; it is found beside it (as in CI) or at
$VOICECOACH_REAL_VOICES.
"""

from __future__ import annotations

import os
import random
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicecoach.voice.pcm import Clip, read_wav, write_wav

ROOT = Path(__file__).resolve().parent.parent
LEVEL_DBFS = -20.0
"""Active speech level the person's words are set to: a person at arm's length from a laptop, about
10 dB above the coach's echo (the rig plays the echo at -12 dB)."""


def corpus_dir() -> Path | None:
    """The real-voices folder, or None when it is not there."""
    folder = Path(os.environ.get("VOICECOACH_REAL_VOICES", ROOT.parent / "shared" / "corpus" / "real-voices"))
    return folder if (folder / "manifest.tsv").exists() else None


@dataclass(frozen=True)
class Word:
    """One recording, set to the level, and where the word lies in it (seconds)."""

    path: Path
    clip: Clip
    start: float
    end: float

    @property
    def speaker(self) -> str:
        """The speaker's id from the file name (word__source_speaker_n.wav)."""
        return self.path.stem.split("__", 1)[1].rsplit("_", 1)[0]


def speech_span(clip: Clip, below_peak_db: float = 30.0) -> tuple[float, float]:
    """First and last 10 ms frame within ``below_peak_db`` of the loudest frame (the word itself)."""
    n = clip.rate // 100
    x = clip.samples.astype(np.float64)
    frames = x[: len(x) // n * n].reshape(-1, n)
    level = np.sqrt((frames**2).mean(axis=1)) + 1e-9
    loud = np.flatnonzero(level > level.max() * 10 ** (-below_peak_db / 20))
    return float(loud[0] * n / clip.rate), float((loud[-1] + 1) * n / clip.rate)


def _levelled(clip: Clip, start: float, end: float, level_dbfs: float) -> Clip:
    word = clip.samples[round(start * clip.rate) : round(end * clip.rate)].astype(np.float64)
    rms = float(np.sqrt(np.mean(word**2))) + 1e-9
    return clip.scaled(10 ** (level_dbfs / 20) * 32768 / rms)


class RealVoices:
    """Picks recordings of a word, cycling through speakers (seeded)."""

    def __init__(self, folder: Path, seed: int = 0, level_dbfs: float = LEVEL_DBFS) -> None:
        self.folder = folder
        self.level_dbfs = level_dbfs
        self._rng = random.Random(seed)
        self._order: dict[str, list[Path]] = {}

    def has(self, word: str) -> bool:
        """True when someone recorded ``word``."""
        return bool(self.paths(word))

    def paths(self, word: str) -> list[Path]:
        """Every recording of ``word`` (sorted)."""
        return sorted(self.folder.glob(f"{word}__*.wav"))

    def pick(self, word: str) -> Word:
        """The next recording of ``word`` (each speaker once before any twice)."""
        order = self._order.get(word)
        if not order:
            order = self.paths(word)
            self._rng.shuffle(order)
            self._order[word] = order
        return self.load(order.pop())

    def load(self, path: Path) -> Word:
        """One recording, set to the level."""
        clip = read_wav(path)
        start, end = speech_span(clip)
        return Word(path, _levelled(clip, start, end, self.level_dbfs), start, end)


class RoomNoise:
    """A real recording of noise (e.g. a running tap) played into the room over and over, at a level."""

    def __init__(self, path: Path, workdir: Path, level_dbfs: float = -38.0, device: str = "room") -> None:
        clip = read_wav(path)
        rms = float(np.sqrt(np.mean(clip.samples.astype(np.float64) ** 2))) + 1e-9
        self.wav = workdir / "room-noise.wav"
        write_wav(self.wav, clip.scaled(10 ** (level_dbfs / 20) * 32768 / rms))
        self.device = device
        self._stop = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> RoomNoise:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._process is not None:
            self._process.terminate()
        self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._process = subprocess.Popen(["paplay", f"--device={self.device}", str(self.wav)])
            self._process.wait()
