"""One voice session at a time per data folder.

Two voice sessions on one machine would talk over each other, and each would hear the other's voice
as the person's answers (a triage question answered by the other coach). The second one is refused
with a clear message; text sessions are not limited. The lock is the operating system's (flock), so
it goes with its process however that ends, even killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = "voice.lock"


class VoiceBusy(Exception):
    """Another process holds the voice lock; the message says which and what to do."""


class VoiceLock:
    """Held while a voice session runs; :meth:`release` (or the process ending) frees it."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def take(cls, folder: Path) -> VoiceLock:
        """Take the lock in ``folder``, or raise VoiceBusy naming the process that has it."""
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise VoiceBusy(
                f"Another voicecoach session is already running by voice (process {holder}) with this data "
                "folder. Finish it first (say stop), or add --text to this one to read and type instead."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        return cls(fd)

    def release(self) -> None:
        """Free the lock (the file stays, empty, for the next session)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
