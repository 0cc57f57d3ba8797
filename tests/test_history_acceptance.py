"""Issue 4's acceptance, through the real CLI with a data folder: sessions kept, the back extension
stepped up after three sessions without more pain and down after a rise, and the reports."""

import csv
import io
import json

from tests.history_helpers import cli_session, e3_counts, exercise, history_json, invoke

STEP_UP = "Back extension: the last 3 times you did 10 lifts without more pain; today we'll do 15 lifts."
STEP_DOWN = "Back extension: last time your pain rose by 2 points, so today we'll step down from 15 lifts to 10 lifts."


def test_four_sessions_without_more_pain_then_a_rise_of_two(tmp_path):
    runs = [cli_session(tmp_path, 3, 3) for _ in range(4)]
    assert [r.exit_code for r in runs] == [0, 0, 0, 0]
    outputs = [r.output.splitlines() for r in runs]

    sessions = history_json(tmp_path)
    assert len(sessions) == 4
    assert [s["how"] for s in sessions] == ["finished"] * 4
    assert [exercise(s, "E3")["planned"]["reps"] for s in sessions] == [10, 10, 10, 15]
    for out in outputs[:3]:
        assert e3_counts(out) == list(range(1, 11)) * 3
        assert STEP_UP not in out
    assert e3_counts(outputs[3]) == list(range(1, 16)) * 3, "counted to 15 in each of 3 sets"
    said = outputs[3]
    assert said.index(STEP_UP) < said.index("Today's plan: knee to chest, bridge, back extension.")
    assert exercise(sessions[3], "E3")["change"] == "up"
    assert exercise(sessions[3], "E3")["reps_done"] == 45

    fifth = cli_session(tmp_path, 3, 5)  # pain rises by 2
    assert e3_counts(fifth.output.splitlines()) == list(range(1, 16)) * 3
    assert "Your pain is 2 points higher than before you started." in fifth.output
    sixth = cli_session(tmp_path, 3, 3)
    assert STEP_DOWN in sixth.output.splitlines()
    assert e3_counts(sixth.output.splitlines()) == list(range(1, 11)) * 3

    sessions = history_json(tmp_path)
    assert [exercise(s, "E3")["planned"]["reps"] for s in sessions] == [10, 10, 10, 15, 15, 10]
    assert [s["pain_change"] for s in sessions] == [0, 0, 0, 0, 2, 0]
    assert exercise(sessions[5], "E3")["change"] == "down"
    assert exercise(sessions[5], "E3")["change_from"] == "15 lifts"


def test_the_table_lists_each_session_with_outcome_exercises_pain_and_ending(tmp_path):
    for before, after in ((3, 3), (3, 2), (4, 4), (3, 3)):
        cli_session(tmp_path, before, after)
    result = invoke(["history", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["#", "date", "outcome", "exercises", "done", "pain", "ended"]
    rows = lines[2:6]
    assert [row.split()[0] for row in rows] == ["1", "2", "3", "4"]
    assert "E1 3x10s, E2 3x10s, E3 3x10" in rows[0] and "3 -> 3" in rows[0] and rows[0].endswith("finished")
    assert "3 -> 2" in rows[1]
    assert "E3 3x15 (up)" in rows[3]
    assert all("SI_JOINT" in row for row in rows)


def test_csv_parses_one_row_per_session(tmp_path):
    cli_session(tmp_path, 3, 3)
    cli_session(tmp_path, 4, 6)
    result = invoke(["history", "--csv", "--data-dir", str(tmp_path)])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["id"], r["pain_before"], r["pain_after"], r["pain_change"]) for r in rows] == [
        ("1", "3", "3", "0"), ("2", "4", "6", "2")]
    assert rows[0]["lifts"] == "30" and rows[0]["seconds_held"] == "60.0"
    assert rows[0]["outcome"] == "SI_JOINT" and rows[0]["how"] == "finished"


def test_json_and_csv_together_is_a_usage_error(tmp_path):
    assert invoke(["history", "--json", "--csv", "--data-dir", str(tmp_path)]).exit_code == 2


def test_no_history_yet(tmp_path):
    assert invoke(["history", "--data-dir", str(tmp_path)]).output.strip() == "No sessions yet."
    assert history_json(tmp_path) == []


def test_no_history_option_neither_reads_nor_keeps(tmp_path):
    for _ in range(3):
        cli_session(tmp_path, 3, 3)
    one_off = cli_session(tmp_path, 3, 3, extra=("--no-history",))
    assert e3_counts(one_off.output.splitlines()) == list(range(1, 11)) * 3, "no progression without the history"
    assert len(history_json(tmp_path)) == 3


def test_since_keeps_sessions_from_that_date_on(tmp_path):
    cli_session(tmp_path, 3, 3)
    assert len(history_json(tmp_path, "--since", "2000-01-01")) == 1
    assert history_json(tmp_path, "--since", "2999-01-01") == []
    bad = invoke(["history", "--since", "yesterday", "--data-dir", str(tmp_path)])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_forget_asks_first_and_deletes_everything_on_yes(tmp_path):
    cli_session(tmp_path, 3, 3)
    cli_session(tmp_path, 3, 3)
    kept = invoke(["forget", "--data-dir", str(tmp_path)], "n\n")
    assert "Delete all 2 sessions? [y/N]" in kept.output and "Nothing was deleted." in kept.output
    assert len(history_json(tmp_path)) == 2
    assert invoke(["forget", "--data-dir", str(tmp_path)], "\n").exit_code == 0  # Enter: the default, no
    assert len(history_json(tmp_path)) == 2
    gone = invoke(["forget", "--data-dir", str(tmp_path)], "y\n")
    assert gone.exit_code == 0 and "Deleted 2 sessions" in gone.output
    assert not any(p.name.startswith("history.sqlite3") for p in tmp_path.iterdir())
    assert history_json(tmp_path) == []
    assert invoke(["forget", "--data-dir", str(tmp_path)]).output.strip() == "There is no stored history."


def test_forget_yes_does_not_ask_and_takes_damaged_copies_too(tmp_path):
    (tmp_path / "history.sqlite3").write_bytes(b"garbage" * 1000)
    cli_session(tmp_path, 3, 3)  # moves the damaged file aside and starts afresh
    assert len(list(tmp_path.iterdir())) == 2
    result = invoke(["forget", "--yes", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0 and "Delete all" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_history_commands_take_the_data_dir_before_the_command_name_and_from_the_environment(tmp_path,
                                                                                           private_data_dir):
    cli_session(tmp_path, 3, 3)
    assert '"how": "finished"' in invoke(["--data-dir", str(tmp_path), "history", "--json"]).stdout
    cli_session(private_data_dir, 3, 3)
    cli_session(private_data_dir, 3, 3)
    assert len(json.loads(invoke(["history", "--json"]).stdout)) == 2
