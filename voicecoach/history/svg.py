"""Charts drawn as inline SVG for the clinician report: no script, no font file, no network.

Every text is escaped; sizes are in CSS pixels and the charts scale to the page width.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from voicecoach.history.adherence import Adherence
from voicecoach.history.records import SessionRecord
from voicecoach.thresholds import PAIN_RISE_STEP_DOWN

RISE = "#c0392b"
FALL = "#1e7b34"
SAME = "#8c8c8c"
BEFORE = "#7a7a7a"
AFTER = "#111111"
REFERRED = "#f4cccc"
FONT = "font-family:DejaVu Sans,Arial,Helvetica,sans-serif"


def _text(x: float, y: float, words: str, size: int = 10, anchor: str = "middle", fill: str = "#222",  # noqa: PLR0917
          weight: str = "normal") -> str:
    """An SVG text element (SVG's own attribute order: position, then size, anchor, colour, weight)."""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{escape(words)}</text>')


def pain_chart(sessions: Sequence[SessionRecord], width: int = 760, height: int = 190) -> str:
    """Pain before (open circle) and after (filled) each session, joined by an arrow: red when it rose by 2+."""
    left, right, top, bottom = 34, 10, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(sessions), 1)
    step = plot_w / n

    def x_of(i: int) -> float:
        return left + step * (i + 0.5)

    def y_of(pain: int) -> float:
        return top + plot_h * (1 - pain / 10)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="pain-chart" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-labelledby="pain-chart-title" style="{FONT}">',
             '<title id="pain-chart-title">Pain before and after each session, 0 to 10</title>',
             '<defs><marker id="arrow-rise" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" '
             f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{RISE}"/></marker>'
             '<marker id="arrow-fall" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" '
             f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{FALL}"/></marker></defs>']
    for pain in range(0, 11, 2):
        y = y_of(pain)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(_text(left - 6, y + 3.5, str(pain), 9, "end", "#555"))
    parts.append(_text(10, top + plot_h / 2, "pain", 9, "middle", "#555").replace(
        "<text ", f'<text transform="rotate(-90 10 {top + plot_h / 2:.1f})" ', 1))
    after_line = []
    label_every = -(-n // 14)
    for i, s in enumerate(sessions):
        x = x_of(i)
        if s.how == "referred" or (s.outcome and not s.exercises and s.pain_before is None):
            parts.append(f'<rect x="{x - step / 2 + 1:.1f}" y="{top}" width="{step - 2:.1f}" height="{plot_h}" '
                         f'fill="{REFERRED}"/>')
            parts.append(_text(x, top + 10, "referred" if s.how == "referred" else "no exercises", 8, fill=RISE))
        if s.pain_before is not None and s.pain_after is not None and s.pain_before != s.pain_after:
            rose = s.pain_after > s.pain_before
            colour = RISE if s.pain_after - s.pain_before >= PAIN_RISE_STEP_DOWN else FALL if not rose else SAME
            marker = "arrow-rise" if colour == RISE else "arrow-fall" if colour == FALL else ""
            y1, y2 = y_of(s.pain_before), y_of(s.pain_after)
            shorten = 5 if y2 > y1 else -5
            parts.append(f'<line class="{"rise" if colour == RISE else "change"}" x1="{x:.1f}" x2="{x:.1f}" '
                         f'y1="{y1:.1f}" y2="{y2 - shorten:.1f}" stroke="{colour}" stroke-width="2.5"'
                         + (f' marker-end="url(#{marker})"' if marker else "") + "/>")
        if s.pain_before is not None:
            parts.append(f'<circle cx="{x - 0.5:.1f}" cy="{y_of(s.pain_before):.1f}" r="4" fill="#fff" '
                         f'stroke="{BEFORE}" stroke-width="1.6"/>')
            parts.append(_text(x - 8, y_of(s.pain_before) + 3.5, str(s.pain_before), 9, "end", BEFORE))
        if s.pain_after is not None:
            after_line.append(f"{x:.1f},{y_of(s.pain_after):.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y_of(s.pain_after):.1f}" r="4" fill="{AFTER}"/>')
            parts.append(_text(x + 8, y_of(s.pain_after) + 3.5, str(s.pain_after), 9, "start", AFTER, "bold"))
        if i % label_every == 0:
            stamp = s.started_at.astimezone()
            parts.append(_text(x, height - bottom + 14, f"{stamp:%d %b}", 9, fill="#333"))
            parts.append(_text(x, height - bottom + 25, f"{stamp:%H:%M}", 8, fill="#777"))
    if len(after_line) > 1:
        parts.append(f'<polyline points="{" ".join(after_line)}" fill="none" stroke="{AFTER}" stroke-width="1" '
                     'stroke-dasharray="3 3" opacity="0.6"/>')
    if not sessions:
        parts.append(_text(width / 2, top + plot_h / 2, "No sessions in this period.", 12, fill="#555"))
    legend_y = height - 4
    parts += [f'<circle cx="{left + 6}" cy="{legend_y - 3}" r="4" fill="#fff" stroke="{BEFORE}" stroke-width="1.6"/>',
              _text(left + 14, legend_y, "before", 9, "start", "#333"),
              f'<circle cx="{left + 66}" cy="{legend_y - 3}" r="4" fill="{AFTER}"/>',
              _text(left + 74, legend_y, "after", 9, "start", "#333"),
              f'<line x1="{left + 118}" x2="{left + 140}" y1="{legend_y - 3}" y2="{legend_y - 3}" stroke="{RISE}" '
              'stroke-width="2.5"/>',
              _text(left + 146, legend_y, f"pain rose by {PAIN_RISE_STEP_DOWN} or more", 9, "start", "#333"),
              f'<line x1="{left + 276}" x2="{left + 298}" y1="{legend_y - 3}" y2="{legend_y - 3}" stroke="{FALL}" '
              'stroke-width="2.5"/>', _text(left + 304, legend_y, "pain fell", 9, "start", "#333"),
              "</svg>"]
    return "".join(parts)


def adherence_chart(adherence: Adherence, width: int = 760) -> str:
    """One row per exercise of the rhythm, one column per day: done / due, green when met, amber when short."""
    days = adherence.days
    exercises = list(adherence.rhythm.times_per_day)
    for d in days:
        exercises += [e for e in d.target if e not in exercises]
    left, top, row_h = 40, 6, 17
    height = top + row_h * len(exercises) + 30
    n = max(len(days), 1)
    cell = min((width - left - 4) / n, 64)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="adherence-chart" viewBox="0 0 {width} '
             f'{height}" width="100%" role="img" aria-labelledby="adherence-title" style="{FONT}">',
             '<title id="adherence-title">Exercises done each day against the rhythm</title>']
    for r, exercise in enumerate(exercises):
        y = top + r * row_h
        parts.append(_text(left - 6, y + row_h / 2 + 3.5, exercise, 10, "end", "#333", "bold"))
        for c, d in enumerate(days):
            x = left + c * cell
            due, done = d.target.get(exercise, 0), d.done.get(exercise, 0)
            fill = ("#eeeeee" if not due and not done else REFERRED if d.referred else
                    "#b7e1c1" if done >= due else "#fde2a8" if done else "#f6f6f6")
            parts.append(f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{max(cell - 2, 1):.1f}" height="{row_h - 2}" '
                         f'fill="{fill}" stroke="#ffffff"/>')
            if cell >= 22 and (due or done):
                parts.append(_text(x + cell / 2, y + row_h / 2 + 3.5, f"{done}/{due}", 9, fill="#222"))
    label_every = max(1, int(46 // cell) + 1) if cell < 46 else 1
    for c, d in enumerate(days):
        if c % label_every == 0:
            parts.append(_text(left + (c + 0.5) * cell, top + row_h * len(exercises) + 13, f"{d.day:%d %b}", 9,
                               fill="#333"))
    if not days:
        parts.append(_text(width / 2, top + 12, "No sessions in this period.", 11, fill="#555"))
    parts.append(_text(left, height - 3, "done / due each day; green: as the rhythm asks; amber: fewer; "
                                         "pink: referred, nothing due", 9, "start", "#555"))
    parts.append("</svg>")
    return "".join(parts)
