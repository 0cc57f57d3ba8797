"""``voicecoach report``: the one-page summary for a clinician, as HTML (and PDF where Chromium is there)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import click

from voicecoach.cli.options import data_dir_option, data_folder, fail, parse_date
from voicecoach.history import clinician, report_html
from voicecoach.history import view as history_view
from voicecoach.history.pdf import PdfUnavailable, print_pdf
from voicecoach.history.store import HistoryError, utc_now

DEFAULT_SESSIONS = 14
"""Sessions shown unless --sessions says otherwise: enough for two weeks at once a day, on one or two pages."""


@click.command(name="report")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE.html",
              help="Where to write the report. [default: report-<date>.html in the data folder]")
@click.option("--since", callback=parse_date, default=None, metavar="YYYY-MM-DD",
              help="Only sessions from this date on.")
@click.option("--sessions", "last", type=click.IntRange(min=1), default=DEFAULT_SESSIONS, show_default=True,
              metavar="N", help="Show the last N sessions (after --since).")
@click.option("--pdf", "pdf", is_flag=True, help="Also print it to a PDF beside the HTML (needs Chromium).")
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4", show_default=True,
              help="The paper size of the PDF (the HTML prints on either).")
@data_dir_option
@click.pass_context
def report(ctx: click.Context, /, out: Path | None, since: date | None, last: int, pdf: bool, paper: str,
           data_dir: Path | None, **_: Any) -> None:
    """Write a one-page summary to show your doctor or physiotherapist, as an HTML file.

    It lists the latest answers to the questions, where they pointed and when, any red flag ever answered
    yes, the pain before and after each session (a chart), the plan and the doses done against planned,
    how often you exercised against the rhythm (bridge and back extension twice a day, knee to chest
    several times a day), the level changes, and the safety notice. Open it in a browser to print it.
    Nothing is sent anywhere.

    \b
    Examples:
      voicecoach report
      voicecoach report --since 2025-03-01 --out ~/Desktop/back-report.html
      voicecoach report --sessions 6 --pdf --paper letter
    """
    folder = data_folder(ctx, data_dir)
    now = utc_now()
    target = out if out is not None else folder / f"report-{now.astimezone():%Y-%m-%d}.html"
    try:
        sessions = history_view.read(folder, warn=lambda message: click.echo(f"voicecoach: {message}", err=True))
    except HistoryError as err:
        fail(str(err))
    summary = clinician.build(sessions, now, since=since, last=last)
    content = report_html.render(summary)
    try:
        _write_private(target, content)
    except OSError as err:
        fail(f"Cannot write the report {target}: {err.strerror or err}")
    click.echo(f"Report of {len(summary.sessions)} session(s) written to {target}")
    if pdf:
        pdf_path = target.with_suffix(".pdf")
        try:
            print_pdf(content, pdf_path, paper.lower())
        except PdfUnavailable as err:
            fail(str(err))
        except (OSError, TimeoutError) as err:
            fail(f"Cannot write the PDF {pdf_path}: {err}")
        pdf_path.chmod(0o600)
        click.echo(f"PDF ({paper.upper() if paper.lower() == 'a4' else 'Letter'}) written to {pdf_path}")


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: the report holds health data, like the history."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    path.chmod(0o600)
