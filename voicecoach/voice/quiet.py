"""Keeping the speech engine's own chatter off the user's terminal.

pyttsx3 prints "Audio saved to <file>" with a Python ``print`` from espeak's callback thread, and
native libraries (PortAudio, ALSA, JACK) print probe noise straight to file descriptor 2.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import TextIO

SAVED_NOTICE = "Audio saved to "


class _DropSaveNotices(io.TextIOBase):
    """A stdout that forwards everything except pyttsx3's "Audio saved to ..." lines."""

    def __init__(self, target: TextIO) -> None:
        self.target = target
        self._dropping: set[int] = set()
        """Threads whose next bare newline ends a dropped notice (``print`` writes it separately)."""

    def write(self, text: str) -> int:
        """Forward ``text`` unless it is (the end of) a save notice."""
        me = threading.get_ident()
        if text.startswith(SAVED_NOTICE):
            if not text.endswith("\n"):
                self._dropping.add(me)
            return len(text)
        if me in self._dropping and text == "\n":
            self._dropping.discard(me)
            return len(text)
        return self.target.write(text)

    def flush(self) -> None:
        """Flush the real stdout."""
        self.target.flush()

    def writable(self) -> bool:
        """Always writable."""
        return True


@contextlib.contextmanager
def no_save_notices() -> Iterator[None]:
    """While active, pyttsx3's save notices (from any thread) do not reach stdout; all else does."""
    original = sys.stdout
    sys.stdout = _DropSaveNotices(original)
    try:
        yield
    finally:
        if isinstance(sys.stdout, _DropSaveNotices) and sys.stdout.target is original:
            sys.stdout = original


_FD_LOCK = threading.Lock()


@contextlib.contextmanager
def captured_fd2() -> Iterator[io.StringIO]:
    """Send file descriptor 2 to a temporary file while active; its text is in the yielded buffer after.

    Only for short native calls (library start-up, opening a device): whatever any thread writes to
    stderr in that moment is captured too, so it can go into an error message.
    """
    captured = io.StringIO()
    with _FD_LOCK, tempfile.TemporaryFile() as sink:
        with contextlib.suppress(ValueError, OSError):
            sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.write(sink.read().decode("utf-8", "replace"))


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Hide what native libraries print on file descriptor 2 while active (PortAudio's probes)."""
    with captured_fd2():
        yield


@contextlib.contextmanager
def native_chatter_hidden() -> Iterator[None]:
    """For a whole run: what C libraries write straight to file descriptor 2 (ALSA's "underrun
    occurred", PortAudio's asserts) goes to /dev/null, while Python's ``sys.stderr`` (our messages)
    keeps the real stderr through a duplicate of it."""
    try:
        sys.stderr.flush()
        real = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2: nothing to protect
        yield
        return
    original = sys.stderr
    ours = os.fdopen(os.dup(real), "w", buffering=1, encoding="utf-8", errors="backslashreplace")
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    sys.stderr = ours
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            ours.flush()
        sys.stderr = original
        os.dup2(real, 2)
        os.close(real)
        with contextlib.suppress(OSError):
            ours.close()
