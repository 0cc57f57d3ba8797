"""``voicecoach report``: the clinician report as one self-contained HTML page (no script, font or link).

It prints on A4 and on Letter (the page size is the printer's; the content fits the narrower of the two).
Every text from the history or the data is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from voicecoach import __version__
from voicecoach.history import svg
from voicecoach.history.adherence import Adherence
from voicecoach.history.clinician import ClinicianReport, done_against_planned
from voicecoach.history.records import SessionRecord
from voicecoach.thresholds import PAIN_RISE_STEP_DOWN

CSS = """
@page { margin: 10mm 11mm; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 9pt; color: #111; line-height: 1.25; }
body { margin: 0 auto; max-width: 186mm; padding: 6mm 0; }
h1 { font-size: 14pt; margin: 0 0 1mm; }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; border-bottom: 1px solid #999; padding-bottom: 0.5mm; }
p { margin: 1mm 0; }
.meta { color: #444; margin-bottom: 2mm; }
.notice { border: 1.5px solid #333; padding: 2mm 3mm; margin: 2mm 0; background: #f7f7f7; }
.notice p { margin: 0.5mm 0; }
.outcome { font-size: 10pt; }
.alert { color: #a01b1b; font-weight: bold; }
.ok { color: #1e6b31; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0; }
th, td { text-align: left; vertical-align: top; padding: 0.4mm 1.5mm; border-bottom: 1px solid #ddd; }
th { background: #eee; font-weight: bold; }
td.num { text-align: right; white-space: nowrap; }
td.nowrap, th.nowrap { white-space: nowrap; }
tr.yes td { color: #a01b1b; font-weight: bold; }
tr.unclear td { color: #8a5a00; }
.columns { display: flex; gap: 3mm; }
.columns > div { flex: 1 1 0; }
#answers table { font-size: 7.5pt; }
#answers td:nth-child(3), #answers td:nth-child(4) { white-space: nowrap; }
.chart { display: block; max-width: 100%; height: auto; }
section { break-inside: avoid; page-break-inside: avoid; }
section.long { break-inside: auto; page-break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
footer { margin-top: 3mm; color: #444; font-size: 8.5pt; border-top: 1px solid #999; padding-top: 1mm; }
@media print { body { padding: 0; max-width: none; } .notice { background: none; } }
"""


def _when(moment: datetime, with_time: bool = True) -> str:
    local = moment.astimezone()
    return f"{local:%d %b %Y %H:%M}" if with_time else f"{local:%d %b %Y}"


def _table(head: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]], classes: Sequence[str] = ()) -> str:
    """A table; each row is (its class, its escaped cells)."""
    cols = "".join(f'<th class="{escape(c)}">{escape(h)}</th>' for h, c in zip(head, [*classes, *[""] * len(head)],
                                                                            strict=False))
    body = "".join(f'<tr class="{escape(cls)}">' + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
                   for cls, cells in rows)
    return f"<table><thead><tr>{cols}</tr></thead><tbody>{body}</tbody></table>"


def render(report: ClinicianReport) -> str:
    """The whole page."""
    words = report.words
    body = [
        f"<h1>{escape(words['title'])}</h1>",
        f'<p class="meta">{escape(_period(report))}</p>',
        '<div class="notice" id="safety-notice">'
        f"<p>{escape(words['safety_notice'])}</p><p><b>{escape(words['emergency_line'])}</b></p></div>",
        _outcome(report), _red_flags(report), _pain(report), _sessions(report.sessions), _doses(report),
        _adherence(report.adherence), _progression(report), _answers(report),
        f"<footer>{escape(words['privacy'])} voicecoach {escape(__version__)}, "
        f"{escape(_when(report.made_at))}.</footer>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(words['title'])}</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")


def _period(report: ClinicianReport) -> str:
    shown = report.sessions
    if not shown:
        return f"No sessions in this period ({report.stored} stored). Made {_when(report.made_at)}."
    span = f"{_when(shown[0].started_at, False)} to {_when(shown[-1].started_at, False)}"
    return (f"{len(shown)} session(s) shown, {span} ({report.stored} stored in all). "
            f"Made {_when(report.made_at)}.")


def _outcome(report: ClinicianReport) -> str:
    latest = report.latest_outcome
    if latest is None:
        return '<section id="outcome"><h2>Where the answers point</h2><p>No triage in this period.</p></section>'
    changed = [s for s in report.sessions if s.outcome is not None and s.outcome != latest.outcome]
    history = (f" Earlier in this period: {', '.join(sorted({s.outcome or '' for s in changed}))}."
               if changed else " The same in every triage of this period.")
    return ('<section id="outcome"><h2>Where the answers point</h2>'
            f'<p class="outcome">Latest triage, {escape(_when(latest.started_at))}: '
            f'<b>{escape(latest.outcome or "")}</b>'
            f"{escape(' (' + latest.side + ' side)' if latest.side in ('left', 'right') else '')}. "
            f"{escape(report.points_to)}</p><p>Flags: {escape(', '.join(latest.flags) or 'none')}."
            f"{escape(history)} Each session's outcome and flags are in the table of sessions below.</p></section>")


def _red_flags(report: ClinicianReport) -> str:
    words = report.words
    if not report.red_flags:
        since = _when(report.first_stored, False) if report.first_stored else "-"
        text = words["no_red_flag"].format(count=report.stored, since=since)
        return f'<section id="red-flags"><h2>Red flags</h2><p class="ok">{escape(text)}</p></section>'
    rows = [(r.answer, [escape(_when(r.when)), escape(r.id), escape(r.text), escape(r.answer),
                        escape(r.outcome or "-")]) for r in report.red_flags]
    return ('<section id="red-flags"><h2>Red flags</h2><p class="alert">A red-flag question was answered yes '
            "(or not clearly) in a stored session; the coach referred the person and gave no exercises.</p>"
            + _table(("date", "id", "question", "answer", "outcome"), rows, ("nowrap",)) + "</section>")


def _pain(report: ClinicianReport) -> str:
    scored = [s for s in report.sessions if s.pain_before is not None or s.pain_after is not None]
    rose = [s for s in scored if (s.pain_change or 0) >= PAIN_RISE_STEP_DOWN]
    summary = f"{len(scored)} session(s) with a pain score (0 = none, 10 = worst imaginable)."
    if rose:
        when = ", ".join(_when(s.started_at) for s in rose)
        summary += f" Pain rose by {PAIN_RISE_STEP_DOWN} or more in {len(rose)}: {when}."
    return (f'<section id="pain"><h2>Pain before and after each session</h2><p>{escape(summary)}</p>'
            f"{svg.pain_chart(report.sessions)}</section>")


def _sessions(sessions: Sequence[SessionRecord]) -> str:
    rows = []
    for s in sessions:
        pain = "-" if s.pain_before is None and s.pain_after is None else \
            f"{_score(s.pain_before)} \u2192 {_score(s.pain_after)}"
        rows.append(("", [escape(_short(s.started_at)), escape(s.outcome or f"({s.command})"),
                          escape(", ".join(s.flags) or "-"), escape(pain), escape(done_against_planned(s)),
                          escape(s.how)]))
    return ('<section id="sessions" class="long"><h2>Sessions: outcome, pain, exercises done against planned</h2>'
            + _table(("date", "outcome", "flags", "pain", "done (holds x seconds, sets x lifts; done/planned)",
                      "ended"), rows, ("nowrap", "", "", "nowrap"))
            + "<p>(up), (down): the level changed that day by the progression rules.</p></section>")


def _short(moment: datetime) -> str:
    return f"{moment.astimezone():%d %b %H:%M}"


def _score(value: int | None) -> str:
    return "?" if value is None else str(value)


def _doses(report: ClinicianReport) -> str:
    if not report.doses:
        return '<section id="plan"><h2>Plan and doses</h2><p>No exercises planned in this period.</p></section>'
    rows = [("", [escape(f"{d.exercise} {d.name}"), escape(d.level), escape(d.planned),
                  escape(f"{d.done} of {d.planned_total} {d.unit}"),
                  escape(f"{d.sessions_completed} of {d.sessions_planned}")]) for d in report.doses]
    return ('<section id="plan"><h2>Plan and doses</h2><p>The latest plan, and over the sessions shown what was '
            "done against what was planned.</p>"
            + _table(("exercise", "level now", "per session", "done over the period", "sessions completed"), rows)
            + "</section>")


def _adherence(adherence: Adherence) -> str:
    days = adherence.days
    due = adherence.days_due
    met = sum(d.on_rhythm for d in days)
    active = sum(d.active for d in days)
    text = (f"The rhythm: {adherence.rhythm.describe()} (E2 and E3 twice a day, E1 several times a day). "
            f"Over {len(days)} day(s): exercises on {active}, as often as the rhythm asks on {met} of the {due} "
            f"day(s) with exercises due. Streak now: {adherence.streak_active} day(s) in a row with exercises, "
            f"{adherence.streak_on_rhythm} on the rhythm (longest {adherence.longest_on_rhythm}).")
    return (f'<section id="adherence"><h2>Adherence to the rhythm</h2><p>{escape(text)}</p>'
            f"{svg.adherence_chart(adherence)}</section>")


def _progression(report: ClinicianReport) -> str:
    if not report.steps:
        body = "No level changes in this period."
    else:
        body = "; ".join(f"{_short(s.when)} {s.exercise} {s.direction}, "
                         + (f"{s.from_level} \u2192 " if s.from_level else "") + s.to_level for s in report.steps) + "."
    return ('<section id="progression"><h2>Progression</h2><p>Up one level after 3 completed sessions in a row '
            f"without more pain; down one after pain rose by 2 or more.</p><p>{escape(body)}</p></section>")


def _answers(report: ClinicianReport) -> str:
    if not report.answers:
        return '<section id="answers"><h2>Latest triage answers</h2><p>No answers in this period.</p></section>'
    rows = []
    for a in report.answers:
        kind = a.answer if a.red_flag and a.answer in ("yes", "unclear") else ""
        rows.append((kind, [escape(a.id), escape(a.text), f"<b>{escape(a.answer)}</b>",
                            escape(f"{a.when.astimezone():%d %b}")]))
    half = (len(rows) + 1) // 2
    head = ("id", "question", "answer", "date")
    return ('<section id="answers" class="long"><h2>Latest triage answers</h2>'
            f'<p>{escape(report.words["answers_note"])}'
            f'</p><div class="columns"><div>{_table(head, rows[:half])}</div><div>{_table(head, rows[half:])}</div>'
            "</div></section>")
