"""The command line: parses options, chooses adapters (through app.run), and nothing else.

The commands live beside this file, by what they touch: sessions.py (session, triage, exercise,
exercises), sound.py (devices, check, voices), history.py (history, forget), report.py, remind.py;
options.py declares the options once and holds the one way a command exits.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from voicecoach import __version__, app
from voicecoach.cli.history import forget, history_command
from voicecoach.cli.options import leave, session_options
from voicecoach.cli.remind import remind
from voicecoach.cli.report import report
from voicecoach.cli.sessions import exercise, list_exercises, run_session, session, triage
from voicecoach.cli.sound import check, devices, list_voices
from voicecoach.domain.endings import ExitCode
from voicecoach.remind.notify import take_pending
from voicecoach.voice.quiet import native_chatter_hidden

__all__ = ["cli", "main"]


class _Commands(click.Group):
    """The command group: Ctrl-C or SIGTERM anywhere in a command exits 130, as the README says (click
    alone would print "Aborted!" and exit 1 when one lands outside a session's own handling)."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an interrupt that reaches here ends it with exit code 130."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _ignore_signals()
            click.echo("\nInterrupted.", err=True)
            leave(ExitCode.INTERRUPTED)


@click.group(cls=_Commands, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voicecoach")
@session_options(full_triage=True)
@click.pass_context
def cli(ctx: click.Context, /, **values: Any) -> None:
    """A hands-free exercise coach for SI joint and low back pain.

    It asks a few safety and symptom questions, then counts today's exercises
    aloud. It is general exercise guidance, not a diagnosis. Say (or type)
    "stop" at any time.

    Without a command it runs a whole session (the same as "voicecoach session").

    \b
    Examples:
      voicecoach --text                  # a session, typing your answers
      voicecoach triage --text --json    # the questions alone, JSON summary
      voicecoach exercise bridge --text  # one exercise, counted
    """
    ctx.obj = values
    if ctx.invoked_subcommand != "remind":
        _show_pending_reminder(values.get("data_dir"))
    if ctx.invoked_subcommand is None:
        run_session(ctx, "session", {})


def _show_pending_reminder(data_dir: Path | None) -> None:
    """A reminder that could not be shown on the desktop is shown at the next start, on stderr."""
    pending = take_pending(app.data_dir_path(data_dir))
    if pending:
        click.echo(pending, err=True)


for _command in (session, triage, exercise, list_exercises, devices, check, list_voices, history_command, forget,
                 report, remind):
    cli.add_command(_command)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM ends a session like Ctrl-C: kept as interrupted, exit code 130."""
    raise KeyboardInterrupt


def main() -> None:
    """Console-script entry point: the only place the process exits (sys.exit) rather than a command (leave)."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        if os.environ.get("VOICECOACH_DEBUG"):  # diagnostics of the voice layer, and the libraries', on stderr
            logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)9.0f %(name)s: %(message)s")
            _main()
            return
        with native_chatter_hidden():
            _main()
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM in the last moments, while exiting: still exit 130, quietly
        _ignore_signals()
        sys.exit(int(ExitCode.INTERRUPTED))


def _main() -> None:
    try:
        cli.main(prog_name="voicecoach")
    except SystemExit:
        _ignore_signals()  # the exit code is decided: a late Ctrl-C must not turn it into a death by signal
        raise
    except KeyboardInterrupt:
        _ignore_signals()
        click.echo("\nInterrupted.", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(int(ExitCode.FINISHED))


def _ignore_signals() -> None:
    """From here on the process is only exiting: Ctrl-C and SIGTERM change nothing."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
