"""A real process killed in the middle of a hold: its session stays in the history, marked interrupted."""

import json
import signal
import subprocess

import pytest

from tests.history_helpers import SI_JOINT
from tests.test_subprocess import SCRIPT, Coach

pytestmark = pytest.mark.subprocess


def history(data_dir):
    proc = subprocess.run([str(SCRIPT), "history", "--json", "--data-dir", str(data_dir)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def test_sigkill_in_the_middle_of_a_hold_leaves_the_session_interrupted(tmp_path):
    coach = Coach("--text", "--time-scale", "0.1", "--data-dir", str(tmp_path))
    coach.type(SI_JOINT + "3")
    coach.read_until("Pull your right knee towards you, as far as it goes... now. Hold.")
    coach.read_until("And release.")  # the first hold is done and kept
    coach.read_until("Pull your right knee towards you, as far as it goes... now. Hold.")
    coach.read_until("4")
    coach.proc.send_signal(signal.SIGKILL)
    coach.proc.wait(timeout=30)
    assert coach.proc.returncode == -signal.SIGKILL

    [session] = history(tmp_path)
    assert session["how"] == "interrupted" and session["exit_code"] is None
    assert session["outcome"] == "SI_JOINT" and session["answers"]["K1"] == "no"
    assert session["pain_before"] == 3 and session["pain_after"] is None
    e1, e2, e3 = session["exercises"]
    assert (e1["exercise"], e1["status"], e1["holds_done"]) == ("E1", "interrupted", 1)
    assert e1["hold_seconds_done"][0] == pytest.approx(10.0, abs=0.5)
    assert (e2["status"], e3["status"]) == ("planned", "planned")

    table = subprocess.run([str(SCRIPT), "history", "--data-dir", str(tmp_path)], capture_output=True, text=True,
                           timeout=60, check=False).stdout
    assert "E1 1/3x10s interrupted" in table and table.splitlines()[2].endswith("interrupted")


def test_sigterm_in_the_middle_of_a_hold_ends_the_session_as_interrupted(tmp_path):
    coach = Coach("exercise", "bridge", "--text", "--time-scale", "0.1", "--data-dir", str(tmp_path))
    coach.type("2")
    coach.read_until("Lift your pelvis off the floor... now. Hold.")
    coach.read_until("3")
    coach.proc.send_signal(signal.SIGTERM)
    out, _ = coach.finish()
    assert coach.proc.returncode == 130
    assert "Session interrupted. Everything so far is kept." in out

    [session] = history(tmp_path)
    assert (session["how"], session["exit_code"], session["pain_before"]) == ("interrupted", 130, 2)
    assert session["exercises"][0]["status"] == "interrupted"
