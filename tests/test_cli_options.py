"""The session options are declared once (voicecoach/cli/options.py): the settings they give, whether
written before or after the command name, and the defaults, which come from settings.py alone."""

from pathlib import Path

import click

from voicecoach.cli import cli
from voicecoach.cli.options import SESSION_OPTIONS, settings_from
from voicecoach.settings import DEFAULT_RATE_WPM, DEFAULT_VOICE, Settings, VoiceConfig


def settings_for(args: list[str]) -> Settings:
    """The Settings the command line ``args`` would give its session command (nothing is run)."""
    at = next(i for i, arg in enumerate(args) if arg in {"session", "triage", "exercise"})
    outer = cli.make_context("voicecoach", args[: at + 1], resilient_parsing=True)
    outer.obj = dict(outer.params)  # what the group's callback keeps for its command
    command = cli.get_command(outer, args[at])
    assert command is not None
    inner = command.make_context(args[at], args[at + 1:], parent=outer)
    return settings_from(inner, inner.params)


def test_no_options_give_the_defaults_of_settings_py():
    assert settings_for(["session"]) == Settings()
    assert Settings().voice == VoiceConfig(voice=DEFAULT_VOICE, rate=DEFAULT_RATE_WPM)


def test_an_option_before_the_command_name_applies_and_one_after_it_wins():
    before = settings_for(["--rate", "120", "--no-display", "--voice", "en-gb", "triage", "--text"])
    assert before.voice.rate == 120 and before.voice.voice == "en-gb"
    assert before.display is False and before.text is True and before.history is True
    after = settings_for(["--rate", "120", "exercise", "E2", "--rate", "200", "--json", "--no-history"])
    assert after.voice.rate == 200 and after.json is True and after.history is False


def test_every_option_fills_a_setting_and_full_triage_only_where_declared():
    names = {o.name for o in SESSION_OPTIONS}
    assert {"text", "json_output", "no_display", "no_history", "voice", "rate", "recogniser"} <= names
    chosen = settings_for(["session", "--full-triage", "--transcript", "t.jsonl", "--recogniser", "PocketSphinx",
                           "--mic", "2", "--speaker", "USB", "--volume", "0.5", "--time-scale", "0"])
    assert chosen.full_triage is True and chosen.transcript == Path("t.jsonl") and chosen.time_scale == 0
    assert chosen.voice == VoiceConfig(mic="2", speaker="USB", volume=0.5, recogniser="pocketsphinx")
    triage = cli.get_command(click.Context(cli), "triage")
    assert triage is not None and "full_triage" not in {p.name for p in triage.params}
