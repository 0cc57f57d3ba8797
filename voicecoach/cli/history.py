"""The history commands: ``history`` (table, JSON, CSV, plot) and ``forget``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from voicecoach.cli.options import data_dir_option, data_folder, fail, leave, parse_date
from voicecoach.domain.endings import ExitCode
from voicecoach.history import view as history_view
from voicecoach.history.plot import PlotUnavailable, draw
from voicecoach.history.store import HistoryError


@click.command(name="history")
@click.option("--json", "as_json", is_flag=True, help="Print the sessions as a JSON array.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the sessions as CSV, one row each.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE.png",
              help="Also draw the pain trend, the exercise volume and each day against the rhythm into a PNG.")
@click.option("--since", callback=parse_date, default=None, metavar="YYYY-MM-DD",
              help="Only sessions from this date on.")
@data_dir_option
@click.pass_context
def history_command(ctx: click.Context, /, as_json: bool, as_csv: bool, plot: Path | None,
                    since: date | None, data_dir: Path | None) -> None:
    """Your past sessions: date, outcome, exercises done, pain before -> after, how each ended.

    \b
    Examples:
      voicecoach history
      voicecoach history --since 2025-01-01 --json
      voicecoach history --csv > sessions.csv
      voicecoach history --plot progress.png
    """
    if as_json and as_csv:
        raise click.UsageError("choose --json or --csv, not both")
    folder = data_folder(ctx, data_dir)
    how = history_view.Format.JSON if as_json else history_view.Format.CSV if as_csv else history_view.Format.TABLE
    try:
        sessions = history_view.read(folder, since,
                                     warn=lambda message: click.echo(f"voicecoach: {message}", err=True))
        if plot is not None:
            draw(sessions, plot)
    except (HistoryError, PlotUnavailable) as err:
        fail(str(err))
    except OSError as err:
        fail(f"Cannot write the plot {plot}: {err.strerror or err}")
    click.echo(history_view.render(sessions, how))
    if plot is not None:
        click.echo(f"Plot of {len(sessions)} session(s) written to {plot}", err=True)


@click.command()
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
@data_dir_option
@click.pass_context
def forget(ctx: click.Context, /, yes: bool, data_dir: Path | None) -> None:
    """Delete your stored history: every session, for good. Asks first.

    \b
    Examples:
      voicecoach forget
      voicecoach forget --yes --data-dir ~/voicecoach-test
    """
    folder = data_folder(ctx, data_dir)
    count, running = history_view.stored_sessions(folder)
    if running:
        fail(f"A session is still running (session {running[0]}); end it first, then forget.")
    if count == 0:
        click.echo("There is no stored history.")
        return
    question = f"Delete all {count} sessions?" if count is not None else f"Delete the history in {folder}?"
    if not yes:
        click.echo(f"{question} [y/N]: ", nl=False)
        reply = sys.stdin.readline()
        if not reply:  # the end of input is not a yes
            click.echo("\nNothing was deleted (no answer).")
            leave(ExitCode.NO_INPUT)
        if reply.strip().lower() not in ("y", "yes"):
            click.echo("Nothing was deleted.")
            return
    removed = history_view.forget(folder)
    click.echo(f"Deleted {'the history' if count is None else f'{count} sessions'} ({len(removed)} file(s)).")
