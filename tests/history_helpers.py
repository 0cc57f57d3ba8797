"""Scripted sessions for the history tests: typed answers, run through the real app with a data folder."""

import io
import json

from click.testing import CliRunner

from tests.triage_helpers import NO_RED_FLAGS
from voicecoach import app
from voicecoach.cli import cli

SI_JOINT = "yes\n" + NO_RED_FLAGS + "no\n" * 9 + "ready\nno\nyes\nyes\n" + "no\n"
"""O1 yes, every red flag and P1 no, S1-S8b no, the knee test with the right knee failing, A0 no: SI_JOINT on the
right; the plan is E1 (right), E2 and E3 at their standard levels."""

URGENT = "yes\nno\nno\nyes\n"
"""O1 yes, R1 and R2 no, R3 (leg weakness) yes: URGENT, no exercises."""


def invoke(args, text_input=""):
    return CliRunner().invoke(cli, args, input=text_input, catch_exceptions=False)


QUICK = "yes\nno\n"
"""O1 yes, then the quick return's check-in R0 answered no: the plan carries over."""


def cli_session(data_dir, before=3, after=3, script=SI_JOINT, extra=(), full_triage=True):
    """One whole text session through the CLI; pain ``before`` and ``after``.

    ``full_triage`` (the default, for scripts that answer every question): --full-triage, so a session
    within a week of the last is not a quick return; the quick-return tests pass False.
    """
    args = ["--text", "--time-scale", "0", "--data-dir", str(data_dir), *(["--full-triage"] if full_triage else [])]
    return invoke([*args, *extra], f"{script}{before}\n{after}\n")


def run_session(data_dir, wall_clock, text, command="session", plan=(), full_triage=True):
    """One session through app.run with a wall clock; returns (report, the lines printed)."""
    out = io.StringIO()
    settings = app.Settings(text=True, time_scale=0, data_dir=data_dir, full_triage=full_triage)
    report = app.run(command, settings, plan, stdin=io.StringIO(text), stdout=out, stderr=io.StringIO(),
                     wall_clock=wall_clock)
    return report, out.getvalue().splitlines()


def history_json(data_dir, *args):
    result = invoke(["history", "--json", "--data-dir", str(data_dir), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def counts_of(lines, exercise_intro, exercise_done):
    """The count lines printed between an exercise's explanation and its "done" line."""
    start = next(i for i, line in enumerate(lines) if line.startswith(exercise_intro))
    end = lines.index(exercise_done, start)
    return [int(line) for line in lines[start:end] if line.isdigit()]


def e3_counts(lines):
    return counts_of(lines, "Back extension. Lie on your stomach", "That is the back extension done.")


def exercise(session, exercise_id):
    return next(e for e in session["exercises"] if e["exercise"] == exercise_id)
