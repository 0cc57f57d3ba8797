"""Options and helpers shared by the commands that read the data folder (history, forget, report, remind)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from voicecoach import app
from voicecoach.domain.endings import ExitCode

F = Callable[..., Any]


def data_folder(ctx: click.Context, data_dir: Path | None) -> Path:
    """The data folder: this command's --data-dir, else the one given before the command name, else the default."""
    outer: dict[str, Any] = ctx.obj or {}
    try:
        return app.data_dir(data_dir if data_dir is not None else outer.get("data_dir"))
    except app.SetupError as err:
        fail(ctx, str(err))


def fail(ctx: click.Context, message: str) -> NoReturn:
    """A user error: one line on stderr, exit code 2."""
    click.echo(f"voicecoach: {message}", err=True)
    ctx.exit(int(ExitCode.USAGE))


def data_dir_option(func: F) -> F:
    """The --data-dir option of the commands that only read or change the data folder."""
    # No envvar here: it would override a --data-dir given before the command name (app.data_dir reads it).
    return click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Where your data is kept (also VOICECOACH_DATA_DIR). "
                             "[default: your user data folder]")(func)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A click callback: YYYY-MM-DD, or a clear usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-03-01") from None
