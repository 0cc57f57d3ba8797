"""Speech clips made once and kept: in memory, and as WAV files in the user's cache folder.

A clip is keyed by the synthesiser (engine, voice, rate) and the text, so a change of voice or rate
never plays a stale clip. Files are written atomically and readable only by the user.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import wave
from collections.abc import Iterable
from pathlib import Path

import platformdirs

from voicecoach import data
from voicecoach.voice.pcm import Clip, read_wav, wav_bytes
from voicecoach.voice.synthesis import Synthesiser

FORMAT = "2"
"""Part of every key: bump it when the synthesis or tidying changes, so old files are not reused."""
MAX_COUNT = 30
"""Counts 1..MAX_COUNT are prepared (holds and sets are never longer)."""


def default_folder() -> Path:
    """The user's cache folder for voicecoach's speech clips."""
    return Path(platformdirs.user_cache_dir("voicecoach", appauthor=False)) / "speech"


class ClipCache:
    """Clips for one synthesiser: from memory, else from disk, else synthesised now (and stored)."""

    def __init__(self, synthesiser: Synthesiser, folder: Path | None = None) -> None:
        self.synthesiser = synthesiser
        self.folder = folder if folder is not None else default_folder()
        self._memory: dict[str, Clip] = {}
        self._lock = threading.Lock()
        self._preparing: threading.Thread | None = None
        self.synthesised = 0
        """Clips synthesised (cache misses) since this cache was made."""

    def path(self, text: str) -> Path:
        """Where the clip for ``text`` is kept on disk."""
        digest = hashlib.sha256(f"{FORMAT}|{self.synthesiser.key}|{text}".encode()).hexdigest()
        return self.folder / f"{digest[:40]}.wav"

    def get(self, text: str) -> Clip:
        """The clip for ``text``."""
        with self._lock:
            clip = self._memory.get(text)
        if clip is not None:
            return clip
        clip = self._from_disk(text)
        if clip is None:
            clip = self.synthesiser.synthesise(text)
            self.synthesised += 1
            self._store(text, clip)
        with self._lock:
            self._memory[text] = clip
        return clip

    def prepare(self, texts: Iterable[str], *, background: bool = False) -> None:
        """Make sure every text has a clip; ``background`` does it in a daemon thread and returns."""
        wanted = list(dict.fromkeys(texts))
        if not background:
            for text in wanted:
                self.get(text)
            return
        self._preparing = threading.Thread(target=self._prepare_quietly, args=(wanted,), daemon=True,
                                           name="voicecoach-prepare")
        self._preparing.start()

    def wait_prepared(self, timeout: float | None = None) -> None:
        """Wait for a background ``prepare`` to finish."""
        if self._preparing is not None:
            self._preparing.join(timeout)

    def _prepare_quietly(self, texts: list[str]) -> None:
        # A failure here resurfaces (as a typed error) when the clip is needed in the foreground.
        with contextlib.suppress(Exception):
            for text in texts:
                self.get(text)

    def _from_disk(self, text: str) -> Clip | None:
        try:
            return read_wav(self.path(text))
        except (OSError, EOFError, ValueError, wave.Error):  # a missing or damaged file is a miss
            return None

    def _store(self, text: str, clip: Clip) -> None:
        """Write the clip atomically (a private temporary file, then a rename); a failure only costs speed."""
        path = self.path(text)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(wav_bytes(clip))
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def coach_texts() -> list[str]:
    """What the coach says again and again: counts, "and down", its fixed phrases, the exercises' cues."""
    texts = [str(n) for n in range(1, MAX_COUNT + 1)]
    for section in data.load("phrases").values():
        for value in section.values():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and "{" not in text:
                    texts.append(text)
    for exercise in data.load("exercises")["exercise"]:
        for field in ("go", "release"):
            texts.extend(exercise[field].format(side=side) for side in ("left", "right", "painful"))
    return list(dict.fromkeys(texts))
