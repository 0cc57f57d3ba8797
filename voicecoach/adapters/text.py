"""Text mode: each spoken line is printed, answers are typed.

Input is read from a file descriptor with ``select``, so a command typed during a hold acts at
once, and scripted (piped) input is deterministic: a line is taken exactly when the coach listens.
"""

from __future__ import annotations

import os
import select
import sys
from collections import deque
from typing import IO, Protocol

from voicecoach.dialogue.understanding import CommandWord, understand
from voicecoach.ports import Expect, InputClosed, Sound, Utterance


class Clock(Protocol):
    """A clock that can say how long a coach-time deadline is in real seconds."""

    def now(self) -> float: ...

    def sleep_until(self, deadline: float) -> None: ...

    def real_seconds_until(self, deadline: float | None) -> float | None: ...


class TextSpeaker:
    """Prints what the coach says, one line each, flushed at once."""

    lead_seconds = 0.0
    """Printing takes no time to start: counts are printed at their deadlines."""

    def __init__(self, clock: Clock, out: IO[str] | None = None) -> None:
        self.clock = clock
        self.out = out or sys.stdout

    def say(self, text: str) -> None:
        """Print a line."""
        print(text, file=self.out, flush=True)

    def say_at(self, deadline: float, text: str) -> None:
        """Print a count at its deadline."""
        self.clock.sleep_until(deadline)
        self.say(text)

    def cue(self, sound: Sound, deadline: float | None = None) -> None:
        """Cue sounds are not printed: the words around them say the same."""

    def hush(self) -> None:
        """Nothing printed is pending: a count is printed only at its deadline."""


class LineSource(Protocol):
    """Lines of typed input."""

    def next_line(self, timeout: float | None) -> str | None:
        """The next line (without its newline), or None when ``timeout`` real seconds pass first.

        Raises EOFError at the end of input.
        """


class FdLines:
    """Lines from a real file descriptor (terminal, pipe or file), read with ``select`` and ``os.read``.

    Reads bypass Python's buffering, so ``select`` never misses a line already read into a buffer.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = b""
        self._eof = False

    def next_line(self, timeout: float | None) -> str | None:
        """See LineSource."""
        while b"\n" not in self._buffer:
            if self._eof:
                if self._buffer:
                    line, self._buffer = self._buffer, b""
                    return line.decode("utf-8", "replace")
                raise EOFError
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                self._eof = True
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8", "replace").rstrip("\r")


class StreamLines:
    """Lines from an in-memory stream (tests, CliRunner): readline never blocks there."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def next_line(self, timeout: float | None) -> str | None:
        """See LineSource."""
        line = self.stream.readline()
        if line == "":
            raise EOFError
        return line.rstrip("\r\n")


def lines_from(stream: IO[str]) -> LineSource:
    """The right line source for a stream: select-based when it has a real descriptor."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return StreamLines(stream)
    return FdLines(fd)


class TextListener:
    """Typed answers and commands.

    While the coach counts (``expect.background``), only commands are taken. Any other line is, when
    input is scripted, kept for the next question (so a script's answers stay in order); when a
    person types at a terminal it is taken, and the coach says what can be typed.
    """

    def __init__(self, lines: LineSource, clock: Clock, *, interactive: bool) -> None:
        self.lines = lines
        self.clock = clock
        self.interactive = interactive
        self._held: deque[str] = deque()
        self._closed = False

    def listen(self, expect: Expect, until: float | None) -> Utterance | None:
        """See ports.Listener."""
        while True:
            line = self._peek(until)
            held_for_later = (
                line is not None and expect.background and not self.interactive
                and not isinstance(understand(line, expect), CommandWord)
            )
            if line is None or held_for_later:
                # Nothing typed in time, or a scripted answer that belongs to the next question.
                if until is not None:
                    self.clock.sleep_until(until)
                return None
            self._held.popleft()
            if line.strip():
                return Utterance(line.strip())

    def _peek(self, until: float | None) -> str | None:
        """The first line not yet taken, reading more if needed; None at the deadline."""
        if self._held:
            return self._held[0]
        if self._closed:
            raise InputClosed
        try:
            line = self.lines.next_line(self.clock.real_seconds_until(until))
        except EOFError:
            self._closed = True
            raise InputClosed from None
        if line is None:
            return None
        self._held.append(line)
        return line
