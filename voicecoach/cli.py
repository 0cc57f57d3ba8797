"""The command line: parses options, chooses adapters (through app.run), and nothing else."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from voicecoach import __version__, app
from voicecoach.adapters.clock import ScaledClock
from voicecoach.cli_options import data_dir_option as _data_dir_option
from voicecoach.cli_options import data_folder as _data_folder
from voicecoach.cli_options import fail as _fail
from voicecoach.cli_options import parse_date as _date
from voicecoach.cli_remind import remind
from voicecoach.cli_report import report
from voicecoach.coach import catalogue
from voicecoach.domain.doses import Kind, PlanItem
from voicecoach.domain.endings import ExitCode
from voicecoach.history import view as history_view
from voicecoach.history.plot import PlotUnavailable, draw
from voicecoach.history.store import HistoryError
from voicecoach.remind.notify import take_pending
from voicecoach.voice.quiet import native_chatter_hidden

F = Callable[..., Any]

_COMMON = (
    "text", "json_output", "transcript", "time_scale", "data_dir", "no_display", "voice", "rate", "volume",
    "no_history", "mic", "speaker", "recogniser",
)
RECOGNISERS = click.Choice(["moonshine", "pocketsphinx"], case_sensitive=False)


def common_options(func: F) -> F:
    """The options every session command takes (also accepted before the command name)."""
    options = [
        click.option("--text", is_flag=True, default=None,
                     help="Text mode: print what the coach says and type your answers."),
        click.option("--json", "json_output", is_flag=True, default=None,
                     help="Print one JSON summary on stdout at the end; other lines go to stderr."),
        click.option("--transcript", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Write every event to FILE as JSON Lines."),
        click.option("--time-scale", type=click.FloatRange(min=0), default=None, metavar="X",
                     help="Multiply every wait by X: 1 is real time, 0 does not wait. [default: 1]"),
        # No envvar here: it would override a --data-dir given before the command name (app.data_dir reads it).
        click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Where your data is kept (also VOICECOACH_DATA_DIR). [default: your user data folder]"),
        click.option("--no-display", is_flag=True, default=None,
                     help="Voice mode: do not show the live view (count, rest timer, what was heard)."),
        click.option("--voice", default=None, metavar="ID",
                     help='The voice, e.g. en-us, en-gb, en-us+f3 (see "voicecoach voices"). [default: en-us]'),
        click.option("--rate", type=click.IntRange(80, 450), default=None, metavar="WPM",
                     help="Speaking rate in words per minute, 80 to 450. [default: 150]"),
        click.option("--volume", type=click.FloatRange(0, 1), default=None, metavar="X",
                     help="Loudness of the voice and cue sounds, 0 to 1. [default: 1]"),
        click.option("--mic", default=None, metavar="DEVICE",
                     help='Voice mode: the microphone, by number or part of its name (see "voicecoach devices").'),
        click.option("--speaker", default=None, metavar="DEVICE",
                     help="Voice mode: the speaker or headphones, likewise."),
        click.option("--recogniser", type=RECOGNISERS, default=None,
                     help="Voice mode: the speech recogniser, moonshine or pocketsphinx. [default: moonshine]"),
        click.option("--no-history", is_flag=True, default=None,
                     help="A one-off session: do not read or keep the history."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(ctx: click.Context, values: dict[str, Any]) -> app.Settings:
    """Merge a command's options with those given before the command name."""
    outer: dict[str, Any] = ctx.obj or {}
    merged = {k: values.get(k) if values.get(k) is not None else outer.get(k) for k in (*_COMMON, "full_triage")}
    return app.Settings(
        text=bool(merged["text"]),
        json=bool(merged["json_output"]),
        transcript=merged["transcript"],
        time_scale=1.0 if merged["time_scale"] is None else merged["time_scale"],
        data_dir=merged["data_dir"],
        display=not merged["no_display"],
        voice=merged["voice"] or "en-us",
        rate=150 if merged["rate"] is None else merged["rate"],
        volume=1.0 if merged["volume"] is None else merged["volume"],
        history=not merged["no_history"],
        mic=merged["mic"],
        speaker=merged["speaker"],
        recogniser=(merged["recogniser"] or "moonshine").lower(),
        full_triage=bool(merged["full_triage"]),
    )


def _run(ctx: click.Context, command: str, values: dict[str, Any], plan: list[PlanItem] | None = None) -> None:
    try:
        report = app.run(command, _settings(ctx, values), plan or [])
    except app.SetupError as err:
        click.echo(f"voicecoach: {err}", err=True)
        ctx.exit(int(ExitCode.USAGE))
    ctx.exit(report.exit_code)


_FULL_TRIAGE = click.option(
    "--full-triage", is_flag=True, default=None,
    help="Ask every safety and symptom question, even within a week of a full check (a quick return).")


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
            raise click.exceptions.Exit(int(ExitCode.INTERRUPTED)) from None


@click.group(cls=_Commands, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voicecoach")
@common_options
@_FULL_TRIAGE
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
        _run(ctx, "session", {})


def _show_pending_reminder(data_dir: Path | None) -> None:
    """A reminder that could not be shown on the desktop is shown at the next start, on stderr."""
    pending = take_pending(app.data_dir_path(data_dir))
    if pending:
        click.echo(pending, err=True)


@cli.command()
@common_options
@_FULL_TRIAGE
@click.pass_context
def session(ctx: click.Context, /, **values: Any) -> None:
    """Triage, then today's exercises, counted aloud.

    Within a week of a full check that found no warning sign, one question about anything new
    replaces the safety questions (a quick return); --full-triage asks them all.

    \b
    Example:
      voicecoach session --text --transcript today.jsonl
      voicecoach session --full-triage
    """
    _run(ctx, "session", values)


@cli.command()
@common_options
@click.pass_context
def triage(ctx: click.Context, /, **values: Any) -> None:
    """The safety and symptom questions alone; says where the answers point.

    \b
    Example:
      printf 'yes\\nno\\nno\\nno\\nno\\nno\\nno\\nno\\nno\\n' | voicecoach triage --text --json
    """
    _run(ctx, "triage", values)


def _exercise_names(ctx: click.Context, param: click.Parameter, names: tuple[str, ...]) -> list[str]:
    found = []
    for name in names:
        try:
            found.append(catalogue.find(name).id)
        except KeyError:
            valid = ", ".join(f"{e.id} ({e.name.replace(' ', '-')})" for e in catalogue.exercises().values())
            raise click.BadParameter(f"unknown exercise {name!r}; choose from {valid}") from None
    return found


@cli.command()
@click.argument("exercises", nargs=-1, required=True, callback=_exercise_names)
@click.option("--side", type=click.Choice(["left", "right", "both"]), default=None,
              help="Side for one-sided exercises (knee to chest). [default: both]")
@click.option("--hold", type=click.IntRange(1, 120), default=None, metavar="SECONDS",
              help="Seconds per hold (hold exercises).")
@click.option("--reps", type=click.IntRange(1, 100), default=None,
              help="Holds per set (hold exercises) or repetitions per set.")
@click.option("--sets", type=click.IntRange(1, 20), default=None, help="Number of sets.")
@click.option("--level", default=None, metavar="NAME",
              help='Start from a named level, e.g. "gentle" (see "voicecoach exercises").')
@common_options
@click.pass_context
def exercise(ctx: click.Context, /, exercises: list[str], side: str | None, hold: int | None,
             reps: int | None, sets: int | None, level: str | None, **values: Any) -> None:
    """Coach one or more exercises directly: E1 (knee-to-chest), E2 (bridge), E3 (back-extension).

    Asks your pain score (0-10) before and after.

    \b
    Examples:
      voicecoach exercise bridge --text
      voicecoach exercise E1 --side left --hold 15 --text
      printf '2\\n2\\n' | voicecoach exercise E3 --text --time-scale 0
    """
    plan = []
    for exercise_id in exercises:
        ex = catalogue.exercises()[exercise_id]
        try:
            item = catalogue.plan_item(exercise_id, side, level or "standard")
        except KeyError:
            names = ", ".join(d.level for d in ex.levels)
            raise click.BadParameter(f"{ex.id} has no level {level!r}; choose from {names}",
                                     param_hint="--level") from None
        changes: dict[str, int] = {}
        if hold is not None and ex.kind is Kind.HOLD:
            changes["hold_seconds"] = hold
        if reps is not None:
            changes["reps"] = reps
        if sets is not None:
            changes["sets"] = sets
        plan.append(item.with_dose(**changes))
    if hold is not None and all(catalogue.exercises()[e].kind is not Kind.HOLD for e in exercises):
        raise click.BadParameter("only hold exercises (E1, E2) have holds", param_hint="--hold")
    _run(ctx, "exercise", values, plan)


@cli.command(name="exercises")
def list_exercises() -> None:
    """List the exercises, their positions and their levels.

    \b
    Example:
      voicecoach exercises
    """
    for ex in catalogue.exercises().values():
        click.echo(f"{ex.id}  {ex.name} ({ex.kind.value}, {ex.position})")
        click.echo(f"    {ex.explain.format(side='painful')}")
        for dose in ex.levels:
            amount = f"{dose.reps} holds of {dose.hold_seconds} s" if ex.kind is Kind.HOLD else f"{dose.reps} lifts"
            each_side = ", each side" if dose.per_side else ""
            click.echo(f"    level {dose.level}: {amount} x {dose.sets} set(s){each_side}")


@cli.command()
@click.option("--json", "json_output", is_flag=True, help="One JSON object per device.")
def devices(json_output: bool) -> None:
    """List the microphones and speakers, to choose one with --mic or --speaker.

    \b
    Example:
      voicecoach devices
      voicecoach --mic 2 --speaker "USB" session
    """
    from voicecoach.voice import devices as sound  # noqa: PLC0415  (audio libraries load only when asked)

    try:
        found = sound.list_devices()
    except sound.DeviceError as err:
        raise click.ClickException(str(err)) from None
    for line in sound.describe(found, as_json=json_output):
        click.echo(line)
    if not found and not json_output:
        click.echo(sound.NO_DEVICES_HINT, err=True)
        sys.exit(int(ExitCode.DEVICE))


@cli.command()
@click.option("--mic", default=None, metavar="DEVICE", help="The microphone, by number or part of its name.")
@click.option("--speaker", default=None, metavar="DEVICE", help="The speaker, by number or part of its name.")
@click.option("--voice", default="en-us", metavar="ID", help="The voice to speak with. [default: en-us]")
@click.option("--seconds", type=click.FloatRange(2, 60), default=10.0, help="How long to listen. [default: 10]")
@click.option("--recogniser", type=RECOGNISERS, default="moonshine",
              help="The speech recogniser, moonshine or pocketsphinx. [default: moonshine]")
def check(mic: str | None, speaker: str | None, voice: str, seconds: float, recogniser: str) -> None:
    """Check the sound: says a sentence, listens for "yes", shows the level and what to fix.

    \b
    Example:
      voicecoach check
      voicecoach check --mic USB
    """
    from voicecoach.voice.check import run_check  # noqa: PLC0415  (audio libraries load only when asked)
    from voicecoach.voice.errors import VoiceError  # noqa: PLC0415
    from voicecoach.voice.rig import VoiceOptions, open_voice  # noqa: PLC0415

    clock = ScaledClock(1.0)
    try:
        rig = open_voice(VoiceOptions(mic, speaker, voice, recogniser=recogniser.lower()), to_player=clock.monotonic_at,
                         clock=clock, warn=lambda message: click.echo(f"voicecoach: {message}", err=True))
    except VoiceError as err:
        click.echo(f"voicecoach: {err}", err=True)
        sys.exit(int(ExitCode.DEVICE))
    try:
        click.echo(f"Microphone: {rig.mic_name}    Speaker: {rig.speaker_name}")
        result = run_check(rig.speaker, rig.capture, rig.listener, click.echo, seconds)
    except VoiceError as err:
        click.echo(f"voicecoach: {err}", err=True)
        sys.exit(int(ExitCode.DEVICE))
    finally:
        rig.close()
    heard = "nothing" if result.heard is None else repr(result.heard)
    if result.heard is not None:
        heard += " (not understood)" if result.rejected else f" (confidence {result.confidence:.2f})"
    click.echo(f"Heard: {heard}. Peak level {result.peak_dbfs:.1f} dBFS.")
    for line in result.advice:
        click.echo(line)
    sys.exit(int(ExitCode.FINISHED if result.ok else ExitCode.DEVICE))


@cli.command(name="voices")
@click.option("--all", "show_all", is_flag=True, help="List every language, not only English.")
def list_voices(show_all: bool) -> None:
    """List the voices the coach can speak with (use the first column with --voice).

    A voice can take a variant after "+": m1-m7 (men), f1-f5 (women), klatt...

    \b
    Examples:
      voicecoach voices
      voicecoach session --voice en-gb+f3 --rate 140
    """
    from voicecoach.voice.errors import VoiceError  # noqa: PLC0415 (text mode imports no audio library)
    from voicecoach.voice.synthesis import list_voices as voices  # noqa: PLC0415

    try:
        found = voices()
    except VoiceError as err:
        click.echo(f"voicecoach: {err}", err=True)
        sys.exit(int(ExitCode.DEVICE))
    for voice in found:
        if show_all or voice.english:
            click.echo(f"{voice.id.rsplit('/', 1)[-1]:<24} {voice.name}")


@cli.command(name="history")
@click.option("--json", "as_json", is_flag=True, help="Print the sessions as a JSON array.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the sessions as CSV, one row each.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE.png",
              help="Also draw the pain trend, the exercise volume and each day against the rhythm into a PNG.")
@click.option("--since", callback=_date, default=None, metavar="YYYY-MM-DD", help="Only sessions from this date on.")
@_data_dir_option
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
    folder = _data_folder(ctx, data_dir)
    how = history_view.Format.JSON if as_json else history_view.Format.CSV if as_csv else history_view.Format.TABLE
    try:
        sessions = history_view.read(folder, since,
                                     warn=lambda message: click.echo(f"voicecoach: {message}", err=True))
        if plot is not None:
            draw(sessions, plot)
    except (HistoryError, PlotUnavailable) as err:
        _fail(ctx, str(err))
    except OSError as err:
        _fail(ctx, f"Cannot write the plot {plot}: {err.strerror or err}")
    click.echo(history_view.render(sessions, how))
    if plot is not None:
        click.echo(f"Plot of {len(sessions)} session(s) written to {plot}", err=True)


@cli.command()
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
@_data_dir_option
@click.pass_context
def forget(ctx: click.Context, /, yes: bool, data_dir: Path | None) -> None:
    """Delete your stored history: every session, for good. Asks first.

    \b
    Examples:
      voicecoach forget
      voicecoach forget --yes --data-dir ~/voicecoach-test
    """
    folder = _data_folder(ctx, data_dir)
    count, running = history_view.stored_sessions(folder)
    if running:
        _fail(ctx, f"A session is still running (session {running[0]}); end it first, then forget.")
    if count == 0:
        click.echo("There is no stored history.")
        return
    question = f"Delete all {count} sessions?" if count is not None else f"Delete the history in {folder}?"
    if not yes:
        click.echo(f"{question} [y/N]: ", nl=False)
        reply = sys.stdin.readline()
        if not reply:  # the end of input is not a yes
            click.echo("\nNothing was deleted (no answer).")
            ctx.exit(int(ExitCode.NO_INPUT))
        if reply.strip().lower() not in ("y", "yes"):
            click.echo("Nothing was deleted.")
            return
    removed = history_view.forget(folder)
    click.echo(f"Deleted {'the history' if count is None else f'{count} sessions'} ({len(removed)} file(s)).")


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM ends a session like Ctrl-C: kept as interrupted, exit code 130."""
    raise KeyboardInterrupt


def main() -> None:
    """Console-script entry point."""
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


cli.add_command(report)
cli.add_command(remind)
