"""The command line through click's CliRunner: commands, options, JSON, transcripts, bad input."""

import json

import pytest
from click.testing import CliRunner

from tests.test_triage_outcomes import CASES
from tests.triage_helpers import DEFAULTS, NO_RED_FLAGS, walk
from voicecoach import __version__
from voicecoach.cli import cli
from voicecoach.domain.answers import Answer

ALL_NO_TRIAGE = "yes\n" + NO_RED_FLAGS + "no\n" + "no\n" * 8 + "ready\nyes\nyes\nyes\n" + "no\n"
"""O1, every red flag, P1, S1-S8b, the knee test, A0."""


def invoke(args, text_input="", **kwargs):
    runner = CliRunner()
    return runner.invoke(cli, args, input=text_input, catch_exceptions=False, **kwargs)


def lines(result):
    return result.output.splitlines()


def test_version():
    result = invoke(["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))])
def test_every_command_has_help_with_an_example(command):
    result = invoke([*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert "Example" in result.output


def test_the_help_test_covers_the_core_commands():
    assert {"session", "triage", "exercise", "exercises", "devices"} <= set(cli.commands)


def test_triage_json_prints_exactly_one_object_on_stdout():
    result = invoke(["triage", "--text", "--json"], ALL_NO_TRIAGE)
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["outcome"] == "INCONCLUSIVE"
    assert body["side"] == "both"
    assert [p["exercise"] for p in body["plan"]] == ["E1", "E2"]
    assert body["answers"]["R1"] == "no" and body["answers"]["K3"] == "yes"
    assert "Welcome to voicecoach" in result.stderr


def test_a_red_flag_exits_with_the_referral_code():
    result = invoke(["triage", "--text", "--json"], "yes\nno\nno\nyes\n")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["outcome"] == "URGENT"


def test_bridge_counts_one_to_ten_for_each_of_three_holds():
    result = invoke(["exercise", "bridge", "--text", "--time-scale", "0"], "3\n3\n")
    assert result.exit_code == 0
    out = lines(result)
    counts = [int(line) for line in out if line.isdigit()]
    assert counts == list(range(1, 11)) * 3
    assert out.count("Lift your pelvis off the floor... now. Hold.") == 3
    assert out.count("And lower.") == 3


def test_back_extension_counts_ten_three_times_with_rests_between_sets():
    result = invoke(["exercise", "E3", "--text", "--time-scale", "0"], "3\n3\n")
    assert result.exit_code == 0
    out = lines(result)
    assert [int(line) for line in out if line.isdigit()] == list(range(1, 11)) * 3
    assert out.count("Rest for 30 seconds.") == 2
    rest_lines = [i for i, line in enumerate(out) if line == "Rest for 30 seconds."]
    tens = [i for i, line in enumerate(out) if line == "10"]
    assert tens[0] < rest_lines[0] < tens[1] < rest_lines[1] < tens[2]


def test_dose_overrides():
    result = invoke(["exercise", "E1", "--side", "left", "--hold", "4", "--reps", "2", "--text", "--time-scale", "0",
                     "--json"], "1\n1\n")
    body = json.loads(result.stdout)
    assert body["plan"] == [{"exercise": "E1", "name": "knee to chest", "side": "left", "gentle": False,
                             "dose": {"level": "standard", "hold_seconds": 4, "reps": 2, "sets": 1, "per_side": False}}]
    assert [line for line in result.stderr.splitlines() if line.isdigit()] == ["1", "2", "3", "4"] * 2


def test_stop_typed_while_getting_ready_stops_at_once_and_asks_if_the_pain_is_worse():
    # With --time-scale 0 a scripted "stop" is heard at the first moment the coach listens while counting;
    # tests/test_subprocess.py types "stop" in the middle of a real hold.
    result = invoke(["exercise", "bridge", "--text", "--time-scale", "0"], "3\nstop\nyes\n5\n")
    assert result.exit_code == 4
    out = lines(result)
    i = out.index("Is the pain worse than when you started?")
    assert out[i - 1] == "Get into position. We start in 5 seconds."
    assert not [line for line in out if line.isdigit() and line not in ("3", "5")]
    assert "Then we stop for today. If the pain stays worse, please see a doctor or a physiotherapist." in out


def test_pause_then_resume_carries_on_from_the_count():
    result = invoke(["exercise", "bridge", "--text", "--time-scale", "0", "--reps", "1"], "3\npause\nresume\n3\n")
    out = lines(result)
    assert result.exit_code == 0
    assert [int(line) for line in out if line.isdigit() and line not in ("3",)][:2] == [1, 2]
    paused = out.index("Paused. Say resume when you are ready.")
    assert out[paused + 1] == "Resuming."
    assert [line for line in out if line.isdigit()] == [str(n) for n in range(1, 11)]


def test_garbage_is_answered_and_never_a_traceback():
    result = invoke(["triage", "--text"], "\x00\x01garbage\n;;;\nyes\n" + "no\n" * 3)
    assert "Sorry, please answer yes or no." in result.output
    assert "Traceback" not in result.output
    assert result.exit_code == 5


def test_end_of_input_ends_cleanly():
    result = invoke(["--text"], "")
    assert result.exit_code == 5
    assert "Input ended, so the session is over." in result.output


def test_without_sound_devices_voice_mode_says_why_and_goes_on_in_text_mode(monkeypatch):
    monkeypatch.delenv("PULSE_SERVER", raising=False)  # no sound server and no sound card: no devices at all
    result = invoke(["triage"], "yes\nyes\n")
    assert "voicecoach: No microphone (input device) was found." in result.stderr
    assert "Using text mode instead" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert "Are you ready to answer a few questions?" in result.stdout
    assert result.exit_code == 3  # R1 answered yes: referred, in text mode


def test_options_before_the_command_name_apply_to_it():
    result = invoke(["--text", "--json", "triage"], "yes\nyes\n")
    assert json.loads(result.stdout)["outcome"] == "EMERGENCY"


def test_transcript_is_json_lines_with_times_types_and_ids(tmp_path):
    path = tmp_path / "t.jsonl"
    result = invoke(["exercise", "E2", "--reps", "1", "--text", "--time-scale", "0", "--transcript", str(path)],
                    "2\n2\n")
    assert result.exit_code == 0
    events = [json.loads(line) for line in path.read_text().splitlines()]
    assert all({"t", "type"} <= set(e) for e in events)
    asked = [e for e in events if e["type"] == "asked"]
    assert [e["id"] for e in asked] == ["PAIN_BEFORE", "PAIN_AFTER"]
    assert [e["id"] for e in events if e["type"] == "answered"] == ["PAIN_BEFORE", "PAIN_AFTER"]
    counts = [e for e in events if e["type"] == "count"]
    assert [e["n"] for e in counts] == list(range(1, 11))
    assert [e["t"] for e in counts] == [e["scheduled"] for e in counts]
    assert counts[-1]["t"] - counts[0]["t"] == 9.0
    assert events[-1] == {"t": events[-1]["t"], "type": "session_end", "how": "finished", "exit_code": 0}


def test_a_transcripts_heard_events_say_what_was_meant_and_why_not(tmp_path):
    """Added fields of the heard event: its meaning (typed text has no rejection reason: the keyboard is sure)."""
    path = tmp_path / "t.jsonl"
    result = invoke(["exercise", "E2", "--reps", "1", "--text", "--time-scale", "0", "--transcript", str(path)],
                    "lots\n2\n3\n")
    assert result.exit_code == 0
    heard = [json.loads(line) for line in path.read_text().splitlines() if '"heard"' in line]
    assert [(h["text"], h["meaning"], h["accepted"], h["reason"]) for h in heard] == [
        ("lots", None, False, None), ("2", 2, True, None), ("3", 3, True, None)]


def test_unknown_exercise_and_bad_values_are_usage_errors():
    assert invoke(["exercise", "plank", "--text"]).exit_code == 2
    assert invoke(["exercise", "E2", "--hold", "0", "--text"]).exit_code == 2
    assert invoke(["exercise", "E3", "--hold", "5", "--text"]).exit_code == 2
    assert invoke(["exercise", "E3", "--level", "heroic", "--text"]).exit_code == 2
    assert invoke(["--time-scale", "-1", "--text"]).exit_code == 2
    assert invoke(["exercise", "--text"]).exit_code == 2


def test_an_unwritable_transcript_is_a_clear_usage_error(tmp_path):
    result = invoke(["triage", "--text", "--transcript", str(tmp_path / "no" / "such" / "t.jsonl")], "")
    assert result.exit_code == 2
    assert "Cannot write the transcript" in result.stderr


def test_an_unusable_data_dir_is_a_clear_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = invoke(["triage", "--text", "--data-dir", str(blocker / "sub")], "")
    assert result.exit_code == 2
    assert "Cannot use the data folder" in result.stderr


def test_data_dir_from_the_environment(tmp_path):
    target = tmp_path / "vc"
    result = invoke(["triage", "--text"], "", env={"VOICECOACH_DATA_DIR": str(target)})
    assert result.exit_code == 5
    assert target.is_dir()


def test_exercise_names_are_accepted_by_id_and_alias():
    for name in ("E1", "e1", "knee-to-chest", "bridge", "E2", "back-extension", "E3"):
        assert invoke(["exercise", name, "--text", "--time-scale", "0"], "1\n1\n").exit_code == 0, name


def test_exercises_lists_every_level():
    result = invoke(["exercises"])
    assert "single-leg bridge" in result.output and "20 lifts" in result.output


def script_for(asked, given):
    """Typed lines that answer each asked question as ``given`` says (unclear = three garbage lines)."""
    lines = ["yes"]  # O1
    for qid in asked:
        value = given.get(qid, DEFAULTS.get(qid, Answer.NO))
        lines += {Answer.UNCLEAR: ["hmm", "what", "erm"], Answer.SKIPPED: ["skip"]}.get(value, [value.value])
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("answers", "outcome", "side", "plan"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_triage_json_gives_clinical_md_outcome_for_scripted_answers(answers, outcome, side, plan):
    asked, _ = walk(answers)
    result = invoke(["triage", "--text", "--json"], script_for(asked, answers))
    body = json.loads(result.stdout)
    assert body["outcome"] == outcome
    assert body["side"] == side
    assert [(p["exercise"], p["side"], p["dose"]["level"]) for p in body["plan"]] == plan
    assert body["advice"], "every outcome gives advice"
    assert set(body["answers"]) == {"O1", *asked}
    assert result.exit_code == (3 if body["plan"] == [] else 0)


def test_a_data_dir_before_the_command_name_wins_over_the_environment(tmp_path):
    """Found by fuzzing: the subcommand's own --data-dir read VOICECOACH_DATA_DIR and overrode the one given
    before the command name, so the session was kept in another folder than the one asked for."""
    chosen, other = tmp_path / "chosen", tmp_path / "other"
    result = invoke(["--data-dir", str(chosen), "triage", "--text"], "", env={"VOICECOACH_DATA_DIR": str(other)})
    assert result.exit_code == 5
    assert (chosen / "history.sqlite3").exists() and not other.exists()


def test_a_transcript_line_stays_one_line_whatever_was_typed(tmp_path):
    """Found by fuzzing: a typed U+0085 (next line) was written raw into the JSON, and str.splitlines()
    split the event in two."""
    path = tmp_path / "t.jsonl"
    invoke(["triage", "--text", "--transcript", str(path)], "0\u00850\nx\u2028y\n")
    lines = path.read_text().splitlines()
    heard = [json.loads(line) for line in lines if '"heard"' in line]
    assert [e["text"] for e in heard] == ["0\u00850", "x\u2028y"]
