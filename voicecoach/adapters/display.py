"""The live terminal view (voice mode): an event sink that shows the exercise, the count, the set, the rest
timer and what was heard, big enough to read from the floor.

On a terminal it takes over the screen (the alternate screen, cursor hidden) and redraws the panel in place;
the terminal is restored when the session ends, on :meth:`TerminalDisplay.close`, and at interpreter exit.
Anywhere else (a pipe, a log file, TERM=dumb) it writes one plain line each time the summary changes.
It never raises into the session: a stream that fails turns the display off.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import IO

from voicecoach.adapters.panel import BLOCK, heard_text, render, status_line
from voicecoach.adapters.view import ViewState, apply, at
from voicecoach.events import Event, Heard, SessionEnd

ENTER = "\x1b[?1049h\x1b[?25l"
"""Switch to the alternate screen and hide the cursor."""
LEAVE = "\x1b[?25h\x1b[?1049l"
"""Show the cursor and go back to the normal screen."""
HOME = "\x1b[H"
CLEAR_LINE = "\x1b[K"
CLEAR_BELOW = "\x1b[J"
DEFAULT_WIDTH = 80


class TerminalDisplay:
    """An event sink drawing the live view on ``stream``; ``clock`` times the rest (pass the coach clock's now)."""

    def __init__(
        self,
        stream: IO[str],
        clock: Callable[[], float] = time.monotonic,
        color: bool | None = None,
        *,
        width: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if env is None else env
        self.stream = stream
        self.clock = clock
        self.live = _is_terminal(stream) and env.get("TERM") != "dumb"
        """Redraw in place; otherwise write plain lines."""
        self.color = self.live and (not env.get("NO_COLOR") if color is None else color)
        self.width = width
        self.glyph = BLOCK if _can_encode(stream, BLOCK) else "#"
        self.state = ViewState()
        self.enabled = True
        self.error: Exception | None = None
        """Why the display turned itself off, if it did."""
        self._lock = threading.RLock()
        self._on_screen = False
        self._last = ""
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, event: Event) -> None:
        """Take one event and show what changed."""
        with self._lock:
            if not self.enabled:
                return
            try:
                self.state = apply(self.state, event, self.clock())
                if self.live:
                    self._draw()
                else:
                    self._log(event)
            except Exception as err:  # the view is a courtesy: it must never end a session
                self._fail(err)
                return
        if isinstance(event, SessionEnd):
            self.close()

    def tick(self, now: float | None = None) -> None:
        """Bring the rest timer up to ``now`` (default: the clock) and redraw if the panel changed."""
        with self._lock:
            if not self.enabled:
                return
            try:
                self.state = at(self.state, self.clock() if now is None else now)
                if self.live:
                    self._draw()
            except Exception as err:  # as in __call__
                self._fail(err)

    def start_ticker(self, interval_seconds: float = 0.25) -> None:
        """Tick from a background thread until :meth:`stop` (for owners with no loop of their own)."""
        if self._ticker is not None or not self.live:
            return
        self._stop.clear()
        self._ticker = threading.Thread(target=self._run_ticker, args=(interval_seconds,), daemon=True,
                                        name="voicecoach-display")
        self._ticker.start()

    def stop(self) -> None:
        """Stop the ticker thread, if one runs."""
        self._stop.set()
        ticker, self._ticker = self._ticker, None
        if ticker is not None and ticker is not threading.current_thread():
            ticker.join(timeout=2.0)

    def close(self) -> None:
        """Stop ticking, give the terminal back (cursor shown, normal screen) and leave one summary line."""
        self.stop()
        with self._lock:
            if not self.enabled:
                return
            self.enabled = False
            if self._on_screen:
                self._leave()
                line = status_line(self.state)
                with contextlib.suppress(Exception):
                    if line:
                        self.stream.write(line + "\n")
                    self.stream.flush()

    def __enter__(self) -> TerminalDisplay:
        """Use as a context manager: the terminal is restored on the way out, whatever happened."""
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Close the display."""
        self.close()

    # --- drawing ------------------------------------------------------------------------------

    def _draw(self) -> None:
        lines = render(self.state, self._width(), color=self.color, glyph=self.glyph)
        frame = f"{CLEAR_LINE}\n".join(lines) + CLEAR_LINE + CLEAR_BELOW
        if frame == self._last:
            return
        if not self._on_screen:
            self.stream.write(ENTER)
            self._on_screen = True
            atexit.register(self.close)
        self.stream.write(HOME + frame)
        self.stream.flush()
        self._last = frame

    def _log(self, event: Event) -> None:
        line = status_line(self.state)
        if line is not None and line != self._last:
            self.stream.write(line + "\n")
            self._last = line
        if isinstance(event, Heard) and self.state.heard is not None:
            self.stream.write(heard_text(self.state.heard) + "\n")
        self.stream.flush()

    def _width(self) -> int:
        if self.width is not None:
            return self.width
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            return DEFAULT_WIDTH
        return columns if columns > 0 else DEFAULT_WIDTH  # a pseudo-terminal nobody sized reports 0

    def _leave(self) -> None:
        """Give the terminal back; best effort, as the stream may be what failed."""
        self._on_screen = False
        with contextlib.suppress(Exception):
            atexit.unregister(self.close)
        with contextlib.suppress(Exception):
            self.stream.write(LEAVE)
            self.stream.flush()

    def _fail(self, err: Exception) -> None:
        self.enabled = False
        self.error = err
        self._stop.set()
        if self._on_screen:
            self._leave()

    def _run_ticker(self, interval_seconds: float) -> None:
        while not self._stop.wait(interval_seconds):
            self.tick()


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _can_encode(stream: IO[str], text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True
