"""The voice options and the voices command on the command line."""

from click.testing import CliRunner

from voicecoach.cli import cli


def test_voices_lists_english_voice_ids_usable_with_voice():
    result = CliRunner().invoke(cli, ["voices"])
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.output.splitlines()]
    assert "en-us" in ids and "en-gb-x-rp" in ids
    assert "de" not in ids
    assert "de" in [line.split()[0] for line in CliRunner().invoke(cli, ["voices", "--all"]).output.splitlines()]


def test_rate_and_volume_are_range_checked():
    result = CliRunner().invoke(cli, ["exercise", "bridge", "--text", "--rate", "20"])
    assert result.exit_code == 2 and "80<=x<=450" in result.output
    result = CliRunner().invoke(cli, ["exercise", "bridge", "--text", "--volume", "1.5"])
    assert result.exit_code == 2


def test_voice_options_are_accepted_by_the_session_commands():
    result = CliRunner().invoke(
        cli, ["exercise", "bridge", "--text", "--time-scale", "0", "--voice", "en-gb", "--rate", "120",
              "--volume", "0.5", "--reps", "1"], input="1\n1\n")
    assert result.exit_code == 0, result.output


def test_the_recogniser_is_chosen_on_the_command_line():
    result = CliRunner().invoke(
        cli, ["exercise", "bridge", "--text", "--time-scale", "0", "--recogniser", "pocketsphinx", "--reps", "1"],
        input="1\n1\n")
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["exercise", "bridge", "--text", "--recogniser", "whisper"])
    assert result.exit_code == 2 and "moonshine" in result.output
    assert "--recogniser" in CliRunner().invoke(cli, ["check", "--help"]).output
