"""The live terminal view (voice mode): an event sink that shows the exercise, the count, the set, the rest
timer and what was heard, big enough to read from the floor.

On a terminal it draws the panel (adapters/panel.py) with rich's :class:`~rich.live.Live` on the alternate
screen, cursor hidden, and refreshes it itself when what it shows changes: no refresh thread of rich's. The
terminal is given back (normal screen, cursor shown, one summary line) when the session ends, on
:meth:`TerminalDisplay.close`, and at interpreter exit. Anywhere else (a pipe, a log file, TERM=dumb) it writes
one plain line each time the summary changes. rich is imported only by a display on a terminal, when it is made
(before the session's first sound, not on the event thread mid-sentence), so text mode never loads it. It never
raises into the session: a stream that fails turns the display off.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import TracebackType
from typing import IO, TYPE_CHECKING

from voicecoach.adapters.captions import heard_text, status_line
from voicecoach.adapters.view import ViewState, apply, at
from voicecoach.events import Event, Heard, SessionEnd

if TYPE_CHECKING:
    from rich.live import Live


class TerminalDisplay:
    """An event sink drawing the live view on ``stream``; ``clock`` times the rest (pass the coach clock's now).

    Events may come from several threads (the event queue's, the ticker's): one lock orders them.
    """

    def __init__(
        self,
        stream: IO[str],
        clock: Callable[[], float] = time.monotonic,
        color: bool | None = None,
        *,
        width: int | None = None,
        height: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if env is None else env
        self.stream = stream
        self.clock = clock
        self.live = _is_terminal(stream) and env.get("TERM") != "dumb"
        """Draw the panel on the alternate screen; otherwise write plain lines."""
        self.color = self.live and (not env.get("NO_COLOR") if color is None else color)
        self.width = width
        """Columns (tests); None: the terminal's, as rich measures it at each refresh (80 where it says 0)."""
        self.height = height
        self.env = env
        self.state = ViewState()
        self.enabled = True
        self.error: Exception | None = None
        """Why the display turned itself off, if it did."""
        self._lock = threading.RLock()
        self._screen: Live | None = None
        self._shown: object = None
        """What the screen shows (or the last line logged): nothing is drawn twice."""
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if self.live:
            importlib.import_module("voicecoach.adapters.panel")  # rich (about 35 ms), before anything is said

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
        """Bring the rest timer up to ``now`` (default: the clock) and redraw if what is shown changed."""
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
        """Tick from a background thread until :meth:`stop` (for owners with no loop of their own); a tick
        compares two small values and redraws only when the rest timer's second has changed."""
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
            if self._screen is not None:
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
        shown = (replace(self.state, now=0.0), self.state.rest_left)  # the clock alone changes nothing drawn
        if shown == self._shown:
            return
        from voicecoach.adapters.panel import panel  # noqa: PLC0415  (rich: only on a terminal)

        if self._screen is None:
            self._screen = self._open_screen()
        self._screen.update(panel(self.state), refresh=True)
        self._shown = shown

    def _open_screen(self) -> Live:
        """rich's Live on the alternate screen, refreshed only by :meth:`_draw`; stdout and stderr left alone."""
        from rich.live import Live  # noqa: PLC0415  (text mode never loads rich)

        from voicecoach.adapters.panel import terminal_console  # noqa: PLC0415

        console = terminal_console(self.stream, color=self.color, width=self.width, height=self.height,
                                   env=self.env)
        screen = Live(console=console, screen=True, auto_refresh=False, redirect_stdout=False,
                      redirect_stderr=False)
        self._screen = screen  # before start: a stream failing half-way through is still given back
        atexit.register(self.close)
        screen.start()
        return screen

    def _log(self, event: Event) -> None:
        line = status_line(self.state)
        if line is not None and line != self._shown:
            self.stream.write(line + "\n")
            self._shown = line
        if isinstance(event, Heard) and self.state.heard is not None:
            self.stream.write(heard_text(self.state.heard) + "\n")
        self.stream.flush()

    def _leave(self) -> None:
        """Give the terminal back; best effort, as the stream may be what failed."""
        screen, self._screen = self._screen, None
        with contextlib.suppress(Exception):
            atexit.unregister(self.close)
        if screen is not None:
            with contextlib.suppress(Exception):
                screen.stop()

    def _fail(self, err: Exception) -> None:
        self.enabled = False
        self.error = err
        self._stop.set()
        self._leave()

    def _run_ticker(self, interval_seconds: float) -> None:
        while not self._stop.wait(interval_seconds):
            self.tick()


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False
