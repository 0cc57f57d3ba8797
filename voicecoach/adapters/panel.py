"""The live view's panel, drawn with rich: a :class:`ViewState` as a bordered panel whose count and rest timer are
digits five lines tall, to be read from the floor two metres away.

Every part is laid out at render time for the width rich gives it (the terminal's, measured at each refresh), so
a narrow terminal gets a plain number instead of big digits and nothing is ever wider than the screen. Only the
live terminal view imports this module (and so rich): text mode and the plain-line log never do.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import IO

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from voicecoach.adapters.captions import header, heard_text, next_up, position, wrap
from voicecoach.adapters.view import Phase, ViewState, words

FONT = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
}
"""A 3 x 5 dot font; each dot is drawn two characters wide so the digits look square."""
BLOCK = "\u2588"
"""The full block, for terminals that can show it; "#" where the terminal's encoding cannot."""
INDENT = "  "
NARROWEST_FRAMED = 16
"""Columns below which the view is drawn without its frame (which takes four)."""

PHASE_STYLE = {
    Phase.TRIAGE: "bold", Phase.EXERCISE: "bold green", Phase.REST: "bold cyan", Phase.PAUSED: "bold yellow",
    Phase.DONE: "bold",
}


def big_digits(number: int, glyph: str = BLOCK) -> list[str]:
    """A whole number drawn in the 5-line font, digits two columns apart."""
    rows = []
    for row in range(5):
        cells = ["".join(glyph * 2 if dot == "#" else "  " for dot in FONT[d][row]) for d in str(max(0, number))]
        rows.append("  ".join(cells).rstrip())
    return rows


class BigNumber:
    """A number in big digits where they fit the width given, else in plain digits; blocks or "#" as the
    terminal's encoding allows."""

    def __init__(self, number: int, style: str) -> None:
        self.number = number
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The rows of the number, for the width rich offers."""
        rows = big_digits(self.number, "#" if options.ascii_only else BLOCK)
        if len(INDENT) + max(len(row) for row in rows) > options.max_width:
            rows = [str(self.number)]
        for row in rows:
            yield Text(INDENT + row, style=self.style, no_wrap=True, overflow="crop")


class Header:
    """The phase and the exercise on the left, the set on the right when both fit (the left always shows)."""

    def __init__(self, left: str, right: str, style: str) -> None:
        self.left = left
        self.right = right
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """One line, for the width rich offers."""
        if not self.right or len(self.left) + 2 + len(self.right) > options.max_width:
            yield _line(self.left, self.style)
            return
        grid = Table.grid(expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(Text(self.left, style=self.style), Text(self.right, style=self.style))
        yield grid


class Wrapped:
    """Text wrapped to the width given, at most ``most`` lines, the last one ending in "..." when cut."""

    def __init__(self, text: str, most: int, style: str = "") -> None:
        self.text = text
        self.most = most
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The lines, for the width rich offers."""
        for line in wrap(self.text, options.max_width, self.most):
            yield Text(line, style=self.style, no_wrap=True, overflow="crop")


def panel(state: ViewState) -> RenderableType:
    """The whole view: a panel edged in the phase's colour, its header, the count or question, and below what
    the coach said, what was heard and what can be said now."""
    style = PHASE_STYLE[state.phase]
    parts: list[RenderableType] = [Header(*header(state), style), *_body(state), Text("")]
    if state.said:
        parts.append(Wrapped(f'Coach: "{state.said}"', 2))
    if state.heard:
        parts.append(_line(heard_text(state.heard), "green" if state.heard.accepted else "red"))
    if state.hint:
        parts.append(_line(state.hint, "dim"))
    return _Framed(Group(*parts), border_style=style.removeprefix("bold").strip() or "default")


def terminal_console(stream: IO[str], *, color: bool, width: int | None = None, height: int | None = None,
                     env: Mapping[str, str] | None = None) -> Console:
    """A rich console drawing on ``stream``, which the caller has found to be a terminal (so rich's own guesses,
    from FORCE_COLOR or TTY_INTERACTIVE, are not asked); ``width`` and ``height`` fix its size (tests), else
    rich measures the terminal (80 x 25 where it reports 0)."""
    return _TerminalConsole(file=stream, force_terminal=True, force_interactive=True,
                            color_system="auto" if color else None, width=width, height=height,
                            legacy_windows=False, _environ=env)


class _TerminalConsole(Console):
    """A console whose closed pipe is an error for its owner to handle (rich's default ends the process)."""

    def on_broken_pipe(self) -> None:
        """Raise, so the display turns itself off and the session goes on."""
        raise BrokenPipeError(errno.EPIPE, "the terminal has gone")


class _Framed:
    """The view in a panel, or bare on a terminal too narrow for the frame to leave room inside."""

    def __init__(self, view: Group, border_style: str) -> None:
        self.view = view
        self.border_style = border_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The panel, for the width rich offers."""
        if options.max_width < NARROWEST_FRAMED:
            yield self.view
        else:
            yield Panel(self.view, border_style=self.border_style, padding=(0, 1))


def _body(state: ViewState) -> list[RenderableType]:
    if state.question is not None and state.phase is not Phase.DONE:
        return [Wrapped(state.question, 3, "bold")]
    match state.phase:
        case Phase.EXERCISE if state.exercise_done:
            return [Text(""), _line(words("status", state.exercise_done), "bold")]
        case Phase.EXERCISE:
            caption = _line(position(state))
            if state.count is None:
                return [caption, Text(""), _line(words("text", "get_ready"), "bold")]
            return [caption, Text(""), BigNumber(state.count, "bold green")]
        case Phase.REST:
            return [_line(f"Next: {next_up(state)}"), Text(""), BigNumber(state.rest_left or 0, "bold cyan"),
                    _line(words("text", "rest_caption"))]
        case Phase.PAUSED:
            return [Wrapped(words("text", "paused"), 2, "bold yellow")]
    return []


def _line(text: str, style: str = "") -> Text:
    """One line, cut at the panel's edge rather than wrapped."""
    return Text(text, style=style, no_wrap=True, overflow="crop")
