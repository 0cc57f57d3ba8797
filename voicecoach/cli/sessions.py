"""The session commands: ``session``, ``triage``, ``exercise`` and the list of ``exercises``."""

from __future__ import annotations

from typing import Any

import click

from voicecoach import app
from voicecoach.cli.options import fail, leave, session_options, settings_from
from voicecoach.coach import catalogue
from voicecoach.domain.doses import Kind, PlanItem


def run_session(ctx: click.Context, command: str, values: dict[str, Any], plan: list[PlanItem] | None = None) -> None:
    """Run a session command with the options given, then exit with the session's code."""
    try:
        report = app.run(command, settings_from(ctx, values), plan or [])
    except app.SetupError as err:
        fail(str(err))
    leave(report.exit_code)


@click.command()
@session_options(full_triage=True)
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
    run_session(ctx, "session", values)


@click.command()
@session_options()
@click.pass_context
def triage(ctx: click.Context, /, **values: Any) -> None:
    """The safety and symptom questions alone; says where the answers point.

    \b
    Example:
      printf 'yes\\nno\\nno\\nno\\nno\\nno\\nno\\nno\\nno\\n' | voicecoach triage --text --json
    """
    run_session(ctx, "triage", values)


def _exercise_names(ctx: click.Context, param: click.Parameter, names: tuple[str, ...]) -> list[str]:
    found = []
    for name in names:
        try:
            found.append(catalogue.find(name).id)
        except KeyError:
            valid = ", ".join(f"{e.id} ({e.name.replace(' ', '-')})" for e in catalogue.exercises().values())
            raise click.BadParameter(f"unknown exercise {name!r}; choose from {valid}") from None
    return found


@click.command()
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
@session_options()
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
    run_session(ctx, "exercise", values, plan)


@click.command(name="exercises")
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
