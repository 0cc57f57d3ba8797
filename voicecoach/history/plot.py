"""``history --plot``: the pain trend, the exercise volume and the days against the rhythm, as a PNG.

matplotlib is a dependency, imported only here (text mode and the report never load it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from voicecoach.history.adherence import Adherence, adherence
from voicecoach.history.records import SessionRecord
from voicecoach.thresholds import PAIN_RISE_STEP_DOWN

INSTALL_HINT = ("Drawing the plot needs matplotlib, which is missing from this installation: run "
                "'bash scripts/install.sh' again (or: pip install matplotlib).")
HOLD_EXERCISES = {"E1": "knee to chest", "E2": "bridge"}
COLOURS = {"E1": "#4c72b0", "E2": "#55a868", "E3": "#c44e52", "before": "#8c8c8c", "after": "#222222"}
_NOT_FINISHED = {"stopped": "stopped", "interrupted": "cut off", "no_input": "input ended", "referred": "referred"}


class PlotUnavailable(Exception):
    """matplotlib is not installed."""


def draw(sessions: Sequence[SessionRecord], path: Path, today: date | None = None) -> None:
    """Draw the pain before and after each session, the seconds held and lifts done, and each day against the
    rhythm, into a PNG."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415 (optional extra)
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as err:
        raise PlotUnavailable(INSTALL_HINT) from err
    figure = Figure(figsize=(10, 9.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    pain_axes, held_axes, lifts_axes, days_axes = figure.subplots(4, 1, height_ratios=(3, 2, 2, 2.2))
    for axes in (held_axes, lifts_axes):
        axes.sharex(pain_axes)
    for axes in (pain_axes, held_axes):
        axes.tick_params(labelbottom=False)
    xs = list(range(1, len(sessions) + 1))
    _pain(pain_axes, sessions, xs)
    _held(held_axes, sessions, xs)
    _lifts(lifts_axes, sessions, xs)
    labels = [s.started_at.astimezone().strftime("%b %d") for s in sessions]
    lifts_axes.set_xticks(xs, labels, rotation=45 if len(xs) > 8 else 0, ha="right" if len(xs) > 8 else "center")
    if len(xs) > 20:
        for index, label in enumerate(lifts_axes.get_xticklabels()):
            label.set_visible(index % (len(xs) // 20 + 1) == 0)
    lifts_axes.set_xlabel("date of session")
    first, last = (sessions[0], sessions[-1]) if sessions else (None, None)
    span = f"{first.started_at.astimezone():%d %b %Y} to {last.started_at.astimezone():%d %b %Y}" if first and last \
        else "no sessions yet"
    figure.suptitle(f"voicecoach: pain and exercise, {span}", fontsize=13)
    _days(days_axes, adherence(sessions, today or datetime.now().astimezone().date()))
    figure.savefig(path, format="png")


def _pain(axes: Any, sessions: Sequence[SessionRecord], xs: list[int]) -> None:
    """Before (grey) and after (black) each session, joined by an arrow: red when pain rose by the step-down
    amount (data/pain.toml) or more."""
    for x, s in zip(xs, sessions, strict=True):
        if s.pain_before is not None and s.pain_after is not None:
            change = s.pain_after - s.pain_before
            colour = "#d62728" if change >= PAIN_RISE_STEP_DOWN else "#2ca02c" if change < 0 else "#999999"
            if change:
                axes.annotate("", xy=(x, s.pain_after), xytext=(x, s.pain_before),
                              arrowprops={"arrowstyle": "->", "color": colour, "lw": 2})
        if s.how == "referred":
            axes.axvspan(x - 0.4, x + 0.4, color="#f4cccc", zorder=0)
        if s.how in _NOT_FINISHED:
            axes.annotate(_NOT_FINISHED[s.how], (x, 10.3), ha="center", fontsize=8, color="#a61c1c")
    before = [(x, s.pain_before) for x, s in zip(xs, sessions, strict=True) if s.pain_before is not None]
    after = [(x, s.pain_after) for x, s in zip(xs, sessions, strict=True) if s.pain_after is not None]
    if before:
        axes.plot(*zip(*before, strict=True), "o", mfc="white", color=COLOURS["before"], label="pain before")
    if after:
        axes.plot(*zip(*after, strict=True), "o-", color=COLOURS["after"], label="pain after")
    axes.set_ylim(-0.5, 11)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel("pain (0-10)")
    axes.grid(axis="y", alpha=0.3)
    if before or after:
        axes.legend(loc="upper left", fontsize=8, ncols=2)


def _held(axes: Any, sessions: Sequence[SessionRecord], xs: list[int]) -> None:
    """Seconds held per session, stacked by hold exercise."""
    bottom = [0.0] * len(sessions)
    for exercise, name in HOLD_EXERCISES.items():
        heights = [sum(e.seconds_held for e in s.exercises if e.exercise == exercise) for s in sessions]
        if any(heights):
            axes.bar(xs, heights, bottom=bottom, color=COLOURS[exercise], label=f"{exercise} {name}")
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_ylabel("seconds held")
    axes.grid(axis="y", alpha=0.3)
    if any(bottom):
        axes.legend(loc="upper left", fontsize=8, ncols=2)


def _lifts(axes: Any, sessions: Sequence[SessionRecord], xs: list[int]) -> None:
    """Back extensions per session."""
    lifts = [sum(e.reps_done for e in s.exercises if e.exercise == "E3") for s in sessions]
    axes.bar(xs, lifts, color=COLOURS["E3"], label="E3 back extension")
    axes.set_ylabel("lifts")
    axes.grid(axis="y", alpha=0.3)
    if any(lifts):
        axes.legend(loc="upper left", fontsize=8)


def _days(axes: Any, result: Adherence) -> None:
    """Each exercise's completed sessions per day as bars, with the rhythm's number due as a black tick."""
    days = result.days
    exercises = list(result.rhythm.times_per_day)
    width = 0.8 / max(len(exercises), 1)
    for i, exercise in enumerate(exercises):
        xs = [n + (i - (len(exercises) - 1) / 2) * width for n in range(len(days))]
        axes.bar(xs, [d.done.get(exercise, 0) for d in days], width=width * 0.95,
                 color=COLOURS.get(exercise, "#777777"), label=f"{exercise} done")
        due = [(x, d.target[exercise]) for x, d in zip(xs, days, strict=True) if exercise in d.target]
        if due:
            axes.scatter(*zip(*due, strict=True), marker="_", s=180, color="black", zorder=3,
                         label="due (the rhythm)" if i == 0 else None)
    for n, d in enumerate(days):
        if d.referred:
            axes.axvspan(n - 0.45, n + 0.45, color="#f4cccc", zorder=0)
    tallest = max([0, *(n for d in days for n in (*d.done.values(), *d.target.values()))])
    axes.set_ylim(0, tallest + 1.5)
    step = len(days) // 15 + 1
    axes.set_xticks(range(0, len(days), step), [f"{d.day:%b %d}" for d in days][::step])
    axes.set_ylabel("done per day")
    axes.set_xlabel(f"day; streak: {result.streak_active} day(s) in a row with exercises, "
                    f"{result.streak_on_rhythm} on the rhythm (longest {result.longest_on_rhythm})")
    axes.grid(axis="y", alpha=0.3)
    if days:
        axes.legend(loc="upper left", fontsize=8, ncols=4)
