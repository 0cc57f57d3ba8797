"""The options, declared once: a session's options (accepted before or after the command name, their
defaults read from settings.py) and the data folder's; one way to end a command (``leave``/``fail``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from voicecoach import app
from voicecoach.domain.endings import ExitCode
from voicecoach.settings import RATE_RANGE_WPM, RECOGNISERS, Settings, VoiceConfig

F = Callable[..., Any]

RECOGNISER_CHOICE = click.Choice(list(RECOGNISERS), case_sensitive=False)


def leave(code: int) -> NoReturn:
    """End the command with this exit code (an ExitCode; the one way a command exits)."""
    raise click.exceptions.Exit(int(code))


def fail(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """A user error: one line on stderr, then exit (code 2 unless told)."""
    click.echo(f"voicecoach: {message}", err=True)
    leave(code)


@dataclass(frozen=True)
class SessionOption:
    """One option of the session commands and the setting it fills."""

    flags: tuple[str, ...]
    """The option's names on the command line, then (where it differs) its Python name."""
    setting: str
    """The field of Settings (or of VoiceConfig when ``voice`` is true) it fills."""
    help: str
    voice: bool = False
    negated: bool = False
    """A --no-X flag: given, it sets the field to False."""
    default_shown: str | None = None
    """What the help says the default is, where the field's own default would not say it well (None: the
    field's default, unless that is None)."""
    click_args: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        """The Python name click gives the value."""
        return self.flags[-1] if not self.flags[-1].startswith("-") else self.flags[0].lstrip("-").replace("-", "_")

    @property
    def is_flag(self) -> bool:
        """True for an on/off option."""
        return bool(self.click_args.get("is_flag"))

    def default(self) -> Any:
        """The setting's default (from settings.py), as this option would give it."""
        fields = {f.name: f for f in dataclasses.fields(VoiceConfig if self.voice else Settings)}
        value = fields[self.setting].default
        return (not value) if self.negated else value

    def option(self) -> Callable[[F], F]:
        """The click option; its default is None so that a value given before the command name shows through."""
        text, default = self.help, self.default()
        if self.default_shown is not None:
            text += f" [default: {self.default_shown}]"
        elif not self.is_flag and default is not None:
            text += f" [default: {format(default, 'g') if isinstance(default, float) else default}]"
        return click.option(*self.flags, default=None, help=text, **self.click_args)


SESSION_OPTIONS = (
    SessionOption(("--text",), "text", "Text mode: print what the coach says and type your answers.",
                  click_args={"is_flag": True}),
    SessionOption(("--json", "json_output"), "json",
                  "Print one JSON summary on stdout at the end; other lines go to stderr.",
                  click_args={"is_flag": True}),
    SessionOption(("--transcript",), "transcript", "Write every event to FILE as JSON Lines.",
                  click_args={"type": click.Path(dir_okay=False, path_type=Path)}),
    SessionOption(("--time-scale",), "time_scale", "Multiply every wait by X: 1 is real time, 0 does not wait.",
                  click_args={"type": click.FloatRange(min=0), "metavar": "X"}),
    # No envvar here: it would override a --data-dir given before the command name (app.data_dir reads it).
    SessionOption(("--data-dir",), "data_dir", "Where your data is kept (also VOICECOACH_DATA_DIR).",
                  default_shown="your user data folder",
                  click_args={"type": click.Path(file_okay=False, path_type=Path)}),
    SessionOption(("--no-display",), "display",
                  "Voice mode: do not show the live view (count, rest timer, what was heard).",
                  negated=True, click_args={"is_flag": True}),
    SessionOption(("--voice",), "voice", 'The voice, e.g. en-us, en-gb, en-us+f3 (see "voicecoach voices").',
                  voice=True, click_args={"metavar": "ID"}),
    SessionOption(("--rate",), "rate",
                  f"Speaking rate in words per minute, {RATE_RANGE_WPM[0]} to {RATE_RANGE_WPM[1]}.",
                  voice=True, click_args={"type": click.IntRange(*RATE_RANGE_WPM), "metavar": "WPM"}),
    SessionOption(("--volume",), "volume", "Loudness of the voice and cue sounds, 0 to 1.",
                  voice=True, click_args={"type": click.FloatRange(0, 1), "metavar": "X"}),
    SessionOption(("--mic",), "mic",
                  'Voice mode: the microphone, by number or part of its name (see "voicecoach devices").',
                  voice=True, click_args={"metavar": "DEVICE"}),
    SessionOption(("--speaker",), "speaker", "Voice mode: the speaker or headphones, likewise.",
                  voice=True, click_args={"metavar": "DEVICE"}),
    SessionOption(("--recogniser",), "recogniser", "Voice mode: the speech recogniser, moonshine or pocketsphinx.",
                  voice=True, click_args={"type": RECOGNISER_CHOICE}),
    SessionOption(("--no-history",), "history", "A one-off session: do not read or keep the history.",
                  negated=True, click_args={"is_flag": True}),
)
FULL_TRIAGE = SessionOption(
    ("--full-triage",), "full_triage",
    "Ask every safety and symptom question, even within a week of a full check (a quick return).",
    click_args={"is_flag": True})


def session_options(*, full_triage: bool = False) -> Callable[[F], F]:
    """The options a session command takes (also accepted before the command name)."""
    declared = (*SESSION_OPTIONS, FULL_TRIAGE) if full_triage else SESSION_OPTIONS

    def decorate(func: F) -> F:
        for declaration in reversed(declared):
            func = declaration.option()(func)
        return func

    return decorate


def settings_from(ctx: click.Context, values: dict[str, Any]) -> Settings:
    """The settings: each option as given after the command name, else before it, else its default."""
    outer: dict[str, Any] = ctx.obj or {}
    top: dict[str, Any] = {}
    voice: dict[str, Any] = {}
    for declaration in (*SESSION_OPTIONS, FULL_TRIAGE):
        given = values.get(declaration.name)
        if given is None:
            given = outer.get(declaration.name)
        if given is None:
            value = declaration.default()
        elif declaration.is_flag:
            value = bool(given)
        else:
            value = given
        if declaration.negated:
            value = not value
        (voice if declaration.voice else top)[declaration.setting] = value
    return Settings(**top, voice=VoiceConfig(**voice))


def data_folder(ctx: click.Context, data_dir: Path | None) -> Path:
    """The data folder: this command's --data-dir, else the one given before the command name, else the default."""
    outer: dict[str, Any] = ctx.obj or {}
    try:
        return app.data_dir(data_dir if data_dir is not None else outer.get("data_dir"))
    except app.SetupError as err:
        fail(str(err))


def data_dir_option(func: F) -> F:
    """The --data-dir option of the commands that only read or change the data folder."""
    data_dir = next(o for o in SESSION_OPTIONS if o.setting == "data_dir")
    return data_dir.option()(func)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A click callback: YYYY-MM-DD, or a clear usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-03-01") from None
