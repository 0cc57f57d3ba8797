"""``voicecoach remind on|off|status|fire``: local reminders at the rhythm the exercises need."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from voicecoach.cli.options import data_dir_option, data_folder, fail
from voicecoach.history import view as history_view
from voicecoach.history.adherence import load_rhythm
from voicecoach.history.store import HistoryError, utc_now
from voicecoach.remind import install, notify
from voicecoach.remind.due import what_is_due
from voicecoach.remind.schedule import BadTimes, parse_times

VIA = {"systemd": "a systemd user timer", "cron": "your crontab"}


@click.group(name="remind")
def remind() -> None:
    """Reminders at the exercises' rhythm: on, off, status.

    A systemd user timer (or, without one, a line in your crontab) runs
    "voicecoach remind fire" at the times you choose; it shows a desktop
    notification saying which exercises are still due today (or, after
    a referral, to see a doctor instead). Nothing needs a network or root.

    \b
    Examples:
      voicecoach remind on
      voicecoach remind on --times 07:30,12:30,18:30
      voicecoach remind status
      voicecoach remind off
    """


@remind.command(name="on")
@click.option("--times", default=None, metavar="HH:MM,...",
              help="The times of day, local time. [default: 08:00,13:00,19:00]")
@click.option("--via", type=click.Choice(["auto", "systemd", "cron"]), default="auto", show_default=True,
              help="auto: a systemd user timer where a user systemd runs, else a crontab line.")
@data_dir_option
@click.pass_context
def remind_on(ctx: click.Context, /, times: str | None, via: str, data_dir: Path | None, **_: Any) -> None:
    """Turn reminders on (again, at new times, if they were on).

    \b
    Example:
      voicecoach remind on --times 08:00,19:00
    """
    try:
        chosen = parse_times(times) if times is not None else load_rhythm().reminder_times
    except BadTimes as err:
        raise click.BadParameter(str(err), param_hint="--times") from None
    folder = data_folder(ctx, data_dir)
    command = [sys.executable, "-m", "voicecoach", "remind", "fire", "--data-dir", str(folder.resolve())]
    try:
        how = install.choose(via)
        install.systemd_off()
        install.cron_off()
        if how == "systemd":
            written = install.systemd_on(chosen, command)
            where = ", ".join(str(p) for p in written)
        else:
            install.cron_on(chosen, command)
            where = "crontab -l shows the lines"
    except install.RemindError as err:
        fail(str(err))
    click.echo(f"Reminders are on, through {VIA[how]}, at {', '.join(chosen)} ({where}).")
    click.echo("Each says which exercises are still due today. 'voicecoach remind off' removes them.")


@remind.command(name="off")
@data_dir_option
@click.pass_context
def remind_off(ctx: click.Context, /, data_dir: Path | None, **_: Any) -> None:
    """Turn reminders off, removing everything "remind on" installed.

    \b
    Example:
      voicecoach remind off
    """
    try:
        files = install.systemd_off()
        lines = install.cron_off()
    except install.RemindError as err:
        fail(str(err))
    notify.forget_pending(data_folder(ctx, data_dir))
    if not files and not lines:
        click.echo("Reminders were not on.")
        return
    removed = [*(str(p) for p in files), *([f"{len(lines)} crontab line(s)"] if lines else [])]
    click.echo(f"Reminders are off. Removed: {', '.join(removed)}.")


@remind.command(name="status")
@data_dir_option
@click.pass_context
def remind_status(ctx: click.Context, /, data_dir: Path | None, **_: Any) -> None:
    """Say whether reminders are on, when, and what one would say now.

    \b
    Example:
      voicecoach remind status
    """
    try:
        state = install.systemd_state() or install.cron_state()
    except install.RemindError as err:
        fail(str(err))
    if state is None:
        click.echo("Reminders are off. 'voicecoach remind on' turns them on.")
    else:
        note = "" if state.active else " (the timer is not running: try 'voicecoach remind on' again)"
        click.echo(f"Reminders are on, through {VIA[state.via or 'cron']}, at {', '.join(state.times)}{note}.")
    click.echo(f"Now it would say: {_reminder(ctx, data_dir).text}")


@remind.command(name="fire")
@data_dir_option
@click.pass_context
def remind_fire(ctx: click.Context, /, data_dir: Path | None, **_: Any) -> None:
    """Show the reminder now (what the timer runs): a desktop notification, else a note for the next start.

    \b
    Example:
      voicecoach remind fire
    """
    reminder = _reminder(ctx, data_dir)
    if not reminder.shown:
        click.echo(f"Nothing due: {reminder.text}")
        return
    click.echo(reminder.text)
    if not notify.desktop(reminder.text):
        kept = notify.keep(data_folder(ctx, data_dir), reminder.text, utc_now())
        click.echo(f"No desktop notification could be shown; kept for the next start of voicecoach ({kept}).")


def _reminder(ctx: click.Context, data_dir: Path | None) -> Any:
    folder = data_folder(ctx, data_dir)
    try:
        sessions = history_view.read(folder, warn=lambda message: click.echo(f"voicecoach: {message}", err=True))
    except HistoryError as err:
        fail(str(err))
    return what_is_due(sessions, utc_now().astimezone().date())
