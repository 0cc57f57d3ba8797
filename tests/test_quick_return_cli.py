"""Issue 14 part 0's acceptance through the installed console script (real subprocess, real SQLite file):
a second session the same day asks R0 and not R1-R10; yes to R0 asks R1-R10; eight days after the last
full triage every question is asked. The days are made by moving the stored sessions back in time."""

import json
import sqlite3
import subprocess
from datetime import datetime, timedelta

import pytest

from tests.history_helpers import QUICK, SI_JOINT
from tests.test_subprocess import SCRIPT
from tests.triage_helpers import ASKED_RED_FLAGS, RED_FLAGS

pytestmark = pytest.mark.subprocess


def session(data_dir, tmp_path, script, *extra):
    """One text session; returns (exit code, the question ids asked in order, the JSON summary)."""
    transcript = tmp_path / "t.jsonl"
    proc = subprocess.run(
        [str(SCRIPT), "--text", "--json", "--time-scale", "0", "--data-dir", str(data_dir),
         "--transcript", str(transcript), *extra],
        input=script, capture_output=True, text=True, timeout=60, check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    events = [json.loads(line) for line in transcript.read_text().splitlines()]
    asked = list(dict.fromkeys(e["id"] for e in events if e["type"] == "asked"))
    return proc.returncode, asked, json.loads(proc.stdout)


def move_back(data_dir, days):
    """Move every stored session ``days`` into the past (as if it had happened then)."""
    with sqlite3.connect(data_dir / "history.sqlite3") as db:
        for column in ("started_at", "ended_at", "last_event_at"):
            rows = db.execute(f"SELECT id, {column} FROM sessions WHERE {column} IS NOT NULL").fetchall()
            for row_id, stamp in rows:
                moved = (datetime.fromisoformat(stamp) - timedelta(days=days)).isoformat()
                db.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (moved, row_id))


@pytest.fixture
def after_a_full_triage(tmp_path):
    data_dir = tmp_path / "data"
    code, asked, body = session(data_dir, tmp_path, f"{SI_JOINT}3\n3\n")
    assert code == 0 and body["outcome"] == "SI_JOINT" and set(ASKED_RED_FLAGS) <= set(asked)
    return data_dir


def test_a_second_session_the_same_day_asks_r0_and_not_the_red_flags(after_a_full_triage, tmp_path):
    code, asked, body = session(after_a_full_triage, tmp_path, f"{QUICK}3\n3\n")
    assert code == 0
    assert asked == ["O1", "R0", "PAIN_BEFORE", "PAIN_AFTER"]
    assert not set(RED_FLAGS) & set(asked)
    assert body["outcome"] == "SI_JOINT" and body["side"] == "right" and body["quick_return_from"]
    assert [e["exercise"] for e in body["exercises"]] == ["E1", "E2", "E3"]


def test_yes_to_r0_asks_every_red_flag(after_a_full_triage, tmp_path):
    code, asked, body = session(after_a_full_triage, tmp_path, "yes\nyes\nno\nno\nyes\n")  # R0 yes, R3 yes
    assert asked[:5] == ["O1", "R0", "R1", "R2", "R3"]
    assert code == 3 and body["outcome"] == "URGENT" and body["exercises"] == []


def test_check_everything_asks_every_question(after_a_full_triage, tmp_path):
    code, asked, body = session(after_a_full_triage, tmp_path, f"yes\ncheck everything\n{SI_JOINT[4:]}3\n3\n")
    assert code == 0 and asked[1] == "R0" and set(ASKED_RED_FLAGS) | {"S1", "K0"} <= set(asked)
    assert body["answers"]["R0"] == "check_all" and body["quick_return_from"] is None


def test_eight_days_after_the_last_full_triage_every_question_is_asked(after_a_full_triage, tmp_path):
    move_back(after_a_full_triage, 8)
    code, asked, body = session(after_a_full_triage, tmp_path, f"{SI_JOINT}3\n3\n")
    assert code == 0 and "R0" not in asked
    assert asked[1:1 + len(ASKED_RED_FLAGS)] == ASKED_RED_FLAGS


def test_six_days_after_it_is_still_a_quick_return(after_a_full_triage, tmp_path):
    move_back(after_a_full_triage, 6)
    code, asked, _ = session(after_a_full_triage, tmp_path, f"{QUICK}3\n3\n")
    assert code == 0 and asked[:2] == ["O1", "R0"]


def test_full_triage_option_asks_every_question(after_a_full_triage, tmp_path):
    code, asked, _ = session(after_a_full_triage, tmp_path, f"{SI_JOINT}3\n3\n", "--full-triage")
    assert code == 0 and "R0" not in asked and set(ASKED_RED_FLAGS) <= set(asked)


def test_after_a_pain_rise_of_two_every_question_is_asked(tmp_path):
    data_dir = tmp_path / "data"
    session(data_dir, tmp_path, f"{SI_JOINT}3\n5\n")
    code, asked, _ = session(data_dir, tmp_path, f"{SI_JOINT}3\n3\n")
    assert code == 0 and "R0" not in asked and set(ASKED_RED_FLAGS) <= set(asked)


def test_the_triage_command_always_asks_every_question(after_a_full_triage, tmp_path):
    code, asked, _ = session(after_a_full_triage, tmp_path, SI_JOINT, "triage")
    assert code == 0 and "R0" not in asked and set(ASKED_RED_FLAGS) <= set(asked)
