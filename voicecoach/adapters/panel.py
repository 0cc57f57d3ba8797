"""Drawing a :class:`ViewState`: the big panel for a live terminal, and one plain line for logs.

Pure functions of the state; the count and the rest timer are drawn in digits five lines tall so they
can be read from the floor, two metres away.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from voicecoach.adapters.view import HeardLine, Phase, ViewState, words

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
"""The full block, for terminals that can show it; "#" otherwise."""
INDENT = "  "

_STYLES = {
    "bold": "1",
    "dim": "2",
    "green": "1;32",
    "cyan": "1;36",
    "yellow": "1;33",
    "red": "31",
    "ok": "32",
    "plain": "",
}
_PHASE_STYLE = {
    Phase.TRIAGE: "bold", Phase.EXERCISE: "green", Phase.REST: "cyan", Phase.PAUSED: "yellow", Phase.DONE: "bold",
}


@dataclass(frozen=True)
class _Line:
    text: str
    style: str = "plain"


def big_digits(number: int, glyph: str = BLOCK) -> list[str]:
    """A whole number drawn in the 5-line font, digits two columns apart."""
    rows = []
    for row in range(5):
        cells = ["".join(glyph * 2 if dot == "#" else "  " for dot in FONT[d][row]) for d in str(max(0, number))]
        rows.append("  ".join(cells).rstrip())
    return rows


def render(state: ViewState, width: int = 80, *, color: bool = False, glyph: str = BLOCK) -> list[str]:
    """The panel, a few lines no wider than ``width``; ANSI colour only when ``color``."""
    width = max(20, width)
    lines = [_header(state, width), *_body(state, width, glyph), *_footer(state, width)]
    return [_finish(line, width, color) for line in lines]


def status_line(state: ViewState) -> str | None:
    """One plain line summing up where the session is (for logs); None when there is nothing to say."""
    if state.phase is Phase.DONE:
        return f"Session over: {state.ended}"
    if state.question is not None:
        return f"Question: {state.question}"
    where = _exercise_name(state)
    match state.phase:
        case Phase.EXERCISE if state.exercise_done:
            return f"Exercise: {where}, {words('status', state.exercise_done).lower()}"
        case Phase.EXERCISE:
            parts = (f"Exercise: {where}", _set_of(state).lower(), _plain_position(state))
            return ", ".join(part for part in parts if part)
        case Phase.REST:
            return f"Rest {_seconds(state.rest_seconds)} s: {where}, next {_next_up(state).lower()}"
        case Phase.PAUSED:
            return f"Paused: {where}" if where else "Paused"
    return None


def heard_text(heard: HeardLine) -> str:
    """'Heard: "stop" (82%)', or with "not understood" when the listener could not use it."""
    parts = [f'Heard: "{heard.text}"']
    if not heard.accepted:
        parts.append(f"- {words('text', 'not_understood')}")
    if heard.confidence is not None:
        parts.append(f"({round(heard.confidence * 100)}%)")
    return " ".join(parts)


def _header(state: ViewState, width: int) -> _Line:
    label = words("phase", state.phase.value)
    left = f"{label}  {_exercise_name(state)}".rstrip()
    if state.phase is Phase.DONE and state.ended:
        left = f"{label}  {state.ended}"
    right = _set_of(state) if state.exercise and state.phase is not Phase.DONE else ""
    gap = width - len(left) - len(right)
    text = f"{left}{' ' * gap}{right}" if right and gap >= 2 else left
    return _Line(text, _PHASE_STYLE[state.phase])


def _body(state: ViewState, width: int, glyph: str) -> list[_Line]:
    if state.question is not None and state.phase is not Phase.DONE:
        return [_Line(line, "bold") for line in _wrap(state.question, width, 3)]
    match state.phase:
        case Phase.EXERCISE if state.exercise_done:
            return [_Line(""), _Line(words("status", state.exercise_done), "bold")]
        case Phase.EXERCISE:
            caption = _position(state)
            if state.count is None:
                return [_Line(caption), _Line(""), _Line(words("text", "get_ready"), "bold")]
            return [_Line(caption), _Line(""), *_big(state.count, width, glyph, "green")]
        case Phase.REST:
            return [
                _Line(f"Next: {_next_up(state)}"), _Line(""),
                *_big(state.rest_left or 0, width, glyph, "cyan"),
                _Line(words("text", "rest_caption")),
            ]
        case Phase.PAUSED:
            return [_Line(words("text", "paused"), "yellow")]
    return []


def _footer(state: ViewState, width: int) -> list[_Line]:
    lines = [_Line("")]
    if state.said:
        lines += [_Line(line) for line in _wrap(f'Coach: "{state.said}"', width, 2)]
    if state.heard:
        lines.append(_Line(heard_text(state.heard), "ok" if state.heard.accepted else "red"))
    if state.hint:
        lines.append(_Line(state.hint, "dim"))
    return lines


def _big(number: int, width: int, glyph: str, style: str) -> list[_Line]:
    rows = big_digits(number, glyph)
    if len(INDENT) + max(len(r) for r in rows) > width:
        return [_Line(f"{INDENT}{number}", style)]
    return [_Line(f"{INDENT}{row}", style) for row in rows]


def _exercise_name(state: ViewState) -> str:
    if not state.exercise:
        return ""
    name = state.exercise[:1].upper() + state.exercise[1:]
    if state.side in ("left", "right"):
        return f"{name} ({state.side} side)"
    if state.side == "both":
        return f"{name} (both sides)"
    return name


def _set_of(state: ViewState) -> str:
    """ "Set 2 of 3"; nothing when there is only one set."""
    return f"Set {state.set} of {state.sets}" if state.sets > 1 else ""


def _position(state: ViewState) -> str:
    """Which hold or repetition: "Hold 2 of 3, counting to 10" or "Rep 4 of 10"."""
    if state.hold_seconds is not None:
        hold = state.hold or 1
        return f"Hold {hold} of {state.per_set}, counting to {state.hold_seconds}"
    if state.count is None:
        return f"{state.per_set} reps"
    return f"Rep {state.count} of {state.per_set}"


def _plain_position(state: ViewState) -> str:
    """Which hold, or how many repetitions: changes once a hold or a set, not on every count."""
    if state.hold_seconds is not None:
        return f"hold {state.hold or 1} of {state.per_set}"
    return f"{state.per_set} reps"


def _next_up(state: ViewState) -> str:
    if state.set_finished or state.hold_seconds is None:
        return f"Set {state.set + 1} of {state.sets}"
    return f"Hold {(state.hold or 0) + 1} of {state.per_set}"


def _seconds(value: float | None) -> str:
    value = value or 0.0
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _wrap(text: str, width: int, most: int) -> list[str]:
    """Wrap to ``width``, at most ``most`` lines, the last one ending in "..." when cut."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = [*lines[: most - 1], textwrap.shorten(" ".join(lines[most - 1:]), width, placeholder="...")]
    return lines


def _finish(line: _Line, width: int, color: bool) -> str:
    """Cut to the width first (so colour codes never count), then colour."""
    text = line.text[:width].rstrip()
    code = _STYLES[line.style]
    if not color or not code or not text:
        return text
    return f"\x1b[{code}m{text}\x1b[0m"
