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

from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import CommandWord
from voicecoach.ports import Clock, Expect, InputClosed, Sound, Utterance


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
    input is scripted, kept for the next question (so a script's answers stay in order) and the lines
    behind it are still read: a command after it acts at once, it is never blocked by a line waiting for
    its question. When a person types at a terminal every line is taken, and the coach says what can be
    typed. A wait without a deadline (``until=None``) always takes the next line: nothing else could ever
    come to take it, so holding it back would wait for ever.
    """

    def __init__(self, lines: LineSource, clock: Clock, *, interactive: bool) -> None:
        self.lines = lines
        self.clock = clock
        self.interactive = interactive
        self._held: deque[str] = deque()
        self._closed = False

    def listen(self, expect: Expect, until: float | None) -> Utterance | None:
        """See ports.Listener."""
        if expect.background and not self.interactive and until is not None:
            return self._command_behind_held_lines(expect, until)
        while True:
            line = self._first(until)
            if line is None:  # nothing typed in time
                return None
            if line.strip():
                return Utterance(line.strip())

    def _command_behind_held_lines(self, expect: Expect, until: float) -> Utterance | None:
        """The first command among the lines not yet taken (reading more until ``until``); the other
        lines stay, in order, for the questions that follow. None when the deadline passes first."""
        scanned = 0
        while True:
            for index in range(scanned, len(self._held)):
                if isinstance(understand(self._held[index], expect), CommandWord):
                    command = self._held[index]
                    del self._held[index]
                    return Utterance(command.strip())
            scanned = len(self._held)
            if self._closed and not self._held:
                raise InputClosed
            line = None if self._closed else self._read(until)
            if line is None:
                self.clock.sleep_until(until)
                return None
            self._held.append(line)

    def _first(self, until: float | None) -> str | None:
        """Take the first line not yet taken, reading one if needed; None at the deadline."""
        if not self._held:
            if self._closed:
                raise InputClosed
            line = self._read(until)
            if line is None:
                if until is not None:
                    self.clock.sleep_until(until)
                return None
            self._held.append(line)
        return self._held.popleft()

    def _read(self, until: float | None) -> str | None:
        """One more line from the source; None at the deadline; InputClosed at the end of input."""
        try:
            return self.lines.next_line(self.clock.real_seconds_until(until))
        except EOFError:
            self._closed = True
            if self._held:
                return None
            raise InputClosed from None
