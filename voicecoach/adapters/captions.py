"""The words the live view shows, as plain strings: the one-line summary written to logs and pipes, and the
captions the terminal panel puts around the count. Pure functions of a :class:`ViewState`, free of rich (text
mode and the plain-line log import this module, never the panel).
"""

from __future__ import annotations

import textwrap

from voicecoach.adapters.view import HeardLine, Phase, ViewState, words


def status_line(state: ViewState) -> str | None:
    """One plain line summing up where the session is (for logs); None when there is nothing to say."""
    if state.phase is Phase.DONE:
        return f"Session over: {state.ended}"
    if state.question is not None:
        return f"Question: {state.question}"
    where = exercise_name(state)
    match state.phase:
        case Phase.EXERCISE if state.exercise_done:
            return f"Exercise: {where}, {words('status', state.exercise_done).lower()}"
        case Phase.EXERCISE:
            parts = (f"Exercise: {where}", set_of(state).lower(), _plain_position(state))
            return ", ".join(part for part in parts if part)
        case Phase.REST:
            return f"Rest {_seconds(state.rest_seconds)} s: {where}, next {next_up(state).lower()}"
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


def header(state: ViewState) -> tuple[str, str]:
    """The panel's top line: the phase and the exercise on the left, the set on the right."""
    label = words("phase", state.phase.value)
    if state.phase is Phase.DONE and state.ended:
        return f"{label}  {state.ended}", ""
    right = set_of(state) if state.exercise else ""
    return f"{label}  {exercise_name(state)}".rstrip(), right


def exercise_name(state: ViewState) -> str:
    """ "Bridge", "Knee to chest (left side)", "... (both sides)"; empty between exercises."""
    if not state.exercise:
        return ""
    name = state.exercise[:1].upper() + state.exercise[1:]
    if state.side in ("left", "right"):
        return f"{name} ({state.side} side)"
    if state.side == "both":
        return f"{name} (both sides)"
    return name


def set_of(state: ViewState) -> str:
    """ "Set 2 of 3"; nothing when there is only one set."""
    return f"Set {state.set} of {state.sets}" if state.sets > 1 else ""


def position(state: ViewState) -> str:
    """Which hold or repetition: "Hold 2 of 3, counting to 10" or "Rep 4 of 10"."""
    if state.hold_seconds is not None:
        hold = state.hold or 1
        return f"Hold {hold} of {state.per_set}, counting to {state.hold_seconds}"
    if state.count is None:
        return f"{state.per_set} reps"
    return f"Rep {state.count} of {state.per_set}"


def next_up(state: ViewState) -> str:
    """What follows the rest: the next set, or the next hold of this set."""
    if state.set_finished or state.hold_seconds is None:
        return f"Set {state.set + 1} of {state.sets}"
    return f"Hold {(state.hold or 0) + 1} of {state.per_set}"


def wrap(text: str, width: int, most: int) -> list[str]:
    """Wrap to ``width``, at most ``most`` lines, the last one ending in "..." when cut."""
    width = max(1, width)
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        rest = " ".join(lines[most - 1:])
        last = textwrap.shorten(rest, width, placeholder="...") if width > 3 else rest[:width]
        lines = [*lines[: most - 1], last]
    return lines


def _plain_position(state: ViewState) -> str:
    """Which hold, or how many repetitions: changes once a hold or a set, not on every count."""
    if state.hold_seconds is not None:
        return f"hold {state.hold or 1} of {state.per_set}"
    return f"{state.per_set} reps"


def _seconds(value: float | None) -> str:
    value = value or 0.0
    return str(int(value)) if value == int(value) else f"{value:.1f}"
