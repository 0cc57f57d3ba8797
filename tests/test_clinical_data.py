"""The clinical rules' ids (and the numbers' ranges) are checked when the data is loaded
(voicecoach/triage/rules.py): a typo in a TOML file is an error at start that names the file and the id.
Tested on broken copies of the data."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import voicecoach
from voicecoach.triage import rules

DATA = Path(voicecoach.__file__).parent / "data"


def broken(tmp_path: Path, file: str, old: str, new: str) -> rules.Load:
    """A loader over a copy of the data folder in which ``file`` has its first ``old`` replaced by ``new``."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (copy / file).read_text(encoding="utf-8")
    assert old in text, f"the test's typo needs {old!r} in {file}"
    (copy / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return lambda name: tomllib.loads((copy / f"{name}.toml").read_text(encoding="utf-8"))


def test_the_shipped_data_names_only_what_exists():
    rules.check()


TYPOS = [
    # (file, text, typo, what the error must name besides the file)
    ("triage.toml", 'ask_if = "p1_yes"', 'ask_if = "p1_yess"', ["question P2", "'p1_yess'"]),
    ("triage.toml", 'on_yes = "EMERGENCY"', 'on_yes = "EMERGENCEY"', ["question R1", "'EMERGENCEY'"]),
    ("triage.toml", 'kind = "ready"', 'kind = "redy"', ["question K0", "'redy'"]),
    ("triage.toml", 'id = "S5"', 'id = "S55"', ["decision.toml", "sharp_leg_pain", "'S5'"]),
    ("triage.toml", 'id = "S3"', 'id = "S2"', ["'S2'", "twice"]),
    ("outcomes.toml", 'when_yes = ["S6"]', 'when_yes = ["S66"]', ["flag misstep", "'S66'"]),
    ("outcomes.toml", 'advice = ["physio_two_weeks"]', 'advice = ["physio_2_weeks"]', ["outcome LOWER_BACK",
                                                                                      "'physio_2_weeks'"]),
    ("outcomes.toml", '{ exercise = "E3", side = "both", start = "gentle" }',
     '{ exercise = "E4", side = "both", start = "gentle" }', ["outcome SACROILIITIS_POSSIBLE", "'E4'"]),
    ("outcomes.toml", 'start = "gentle"', 'start = "gentel"', ["outcome PREGNANCY", "'gentel'"]),
    ("outcomes.toml", 'supersedes = ["leg_pain"]', 'supersedes = ["legpain"]', ["by_route", "'legpain'"]),
    ("outcomes.toml", 'when = "inflammatory_back_pain"', 'when = "inflammatory"', ["flag", "'inflammatory'"]),
    ("decision.toml", 'criteria = ["A2", "A3", "A4", "A5", "A6"]', 'criteria = ["A2", "A3", "A4", "A5", "A7"]',
     ["inflammatory_back_pain", "'A7'"]),
    ("decision.toml", "criteria_needed = 4", "criteria_needed = 6", ["criteria_needed", "6"]),
    ("decision.toml", 'right = "S8b"', 'right = "S8B"', ["side", "'S8B'"]),
    ("decision.toml", 'ready = "K0"', 'ready = "KO"', ["knee_test", "'KO'"]),
    ("decision.toml", '"UNRESOLVED", "SEE_DOCTOR"]', '"UNRESOLVED"]', ["red_flag_order", "'SEE_DOCTOR'"]),
    ("decision.toml", 'act_now = ["EMERGENCY", "URGENT"]', 'act_now = ["EMERGENCY", "URGNET"]',
     ["act_now", "'URGNET'"]),
    ("progression.toml", 'E2 = "standard"', 'E2 = "standart"', ["top_level.PREGNANCY", "'standart'"]),
    ("progression.toml", '"SEE_DOCTOR"]', '"SEE_DOCTER"]', ["carry_over", "'SEE_DOCTER'"]),
    ("pain.toml", "high_before = 8", "high_before = 80", ["high_before", "80", "0 to 10"]),
    ("pain.toml", "rise_step_down = 2", "rise_step_down = 0", ["rise_step_down"]),
    ("asking.toml", "number_attempts = 2", "number_attempts = 5", ["number_attempts", "1 to 3"]),
    ("asking.toml", "confirm_below = 0.6", 'confirm_below = "0.6"', ["confirm_below"]),
]


@pytest.mark.parametrize(("file", "text", "typo", "named"), TYPOS, ids=[f"{t[0]}:{t[2]}" for t in TYPOS])
def test_a_typo_in_a_data_file_is_an_error_naming_the_file_and_the_id(tmp_path, file, text, typo, named):
    load = broken(tmp_path, file, text, typo)
    with pytest.raises(rules.DataError) as raised:
        rules.check(load)
    message = str(raised.value)
    blamed = next((n for n in named if n.endswith(".toml")), file)
    assert f"voicecoach/data/{blamed}:" in message, message
    for part in named:
        assert part in message, message


@pytest.mark.subprocess
def test_the_program_stops_at_start_on_a_broken_copy_of_the_data(tmp_path):
    """A real start on a copy of the package whose outcomes.toml has a typo: one clear line, exit 2, no
    traceback, and no question asked."""
    package = tmp_path / "voicecoach"
    shutil.copytree(DATA.parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    outcomes = package / "data" / "outcomes.toml"
    outcomes.write_text(outcomes.read_text(encoding="utf-8").replace('when_yes = ["S7"]', 'when_yes = ["S77"]'),
                        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "voicecoach", "triage", "--text", "--no-history",
                           "--data-dir", str(tmp_path / "user")],
                          input="yes\n", capture_output=True, text=True, env=env, timeout=60, check=False, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "voicecoach/data/outcomes.toml: flag overuse names an unknown question id 'S77'" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
