"""The sound commands: ``devices``, ``check`` and ``voices`` (audio libraries load only when one runs)."""

from __future__ import annotations

import click

from voicecoach.adapters.clock import ScaledClock
from voicecoach.cli.options import RECOGNISER_CHOICE, fail, leave
from voicecoach.domain.endings import ExitCode
from voicecoach.settings import DEFAULT_RECOGNISER, DEFAULT_VOICE, VoiceConfig


@click.command()
@click.option("--json", "json_output", is_flag=True, help="One JSON object per device.")
def devices(json_output: bool) -> None:
    """List the microphones and speakers, to choose one with --mic or --speaker.

    \b
    Example:
      voicecoach devices
      voicecoach --mic 2 --speaker "USB" session
    """
    from voicecoach.voice import devices as sound  # noqa: PLC0415  (audio libraries load only when asked)

    try:
        found = sound.list_devices()
    except sound.DeviceError as err:
        raise click.ClickException(str(err)) from None
    for line in sound.describe(found, as_json=json_output):
        click.echo(line)
    if not found and not json_output:
        click.echo(sound.NO_DEVICES_HINT, err=True)
        leave(ExitCode.DEVICE)


@click.command()
@click.option("--mic", default=None, metavar="DEVICE", help="The microphone, by number or part of its name.")
@click.option("--speaker", default=None, metavar="DEVICE", help="The speaker, by number or part of its name.")
@click.option("--voice", default=DEFAULT_VOICE, metavar="ID",
              help=f"The voice to speak with. [default: {DEFAULT_VOICE}]")
@click.option("--seconds", type=click.FloatRange(2, 60), default=10.0, help="How long to listen. [default: 10]")
@click.option("--recogniser", type=RECOGNISER_CHOICE, default=DEFAULT_RECOGNISER,
              help=f"The speech recogniser, moonshine or pocketsphinx. [default: {DEFAULT_RECOGNISER}]")
def check(mic: str | None, speaker: str | None, voice: str, seconds: float, recogniser: str) -> None:
    """Check the sound: says a sentence, listens for "yes", shows the level and what to fix.

    \b
    Example:
      voicecoach check
      voicecoach check --mic USB
    """
    from voicecoach.voice.check import run_check  # noqa: PLC0415  (audio libraries load only when asked)
    from voicecoach.voice.errors import VoiceError  # noqa: PLC0415
    from voicecoach.voice.rig import open_voice  # noqa: PLC0415

    clock = ScaledClock(1.0)
    chosen = VoiceConfig(mic, speaker, voice, recogniser=recogniser.lower())
    try:
        rig = open_voice(chosen, to_player=clock.monotonic_at, clock=clock,
                         warn=lambda message: click.echo(f"voicecoach: {message}", err=True))
    except VoiceError as err:
        fail(str(err), ExitCode.DEVICE)
    try:
        click.echo(f"Microphone: {rig.mic_name}    Speaker: {rig.speaker_name}")
        result = run_check(rig.speaker, rig.capture, rig.listener, click.echo, seconds)
    except VoiceError as err:
        fail(str(err), ExitCode.DEVICE)
    finally:
        rig.close()
    heard = "nothing" if result.heard is None else repr(result.heard)
    if result.heard is not None:
        heard += " (not understood)" if result.rejected else f" (confidence {result.confidence:.2f})"
    click.echo(f"Heard: {heard}. Peak level {result.peak_dbfs:.1f} dBFS.")
    for line in result.advice:
        click.echo(line)
    leave(ExitCode.FINISHED if result.ok else ExitCode.DEVICE)


@click.command(name="voices")
@click.option("--all", "show_all", is_flag=True, help="List every language, not only English.")
def list_voices(show_all: bool) -> None:
    """List the voices the coach can speak with (use the first column with --voice).

    A voice can take a variant after "+": m1-m7 (men), f1-f5 (women), klatt...

    \b
    Examples:
      voicecoach voices
      voicecoach session --voice en-gb+f3 --rate 140
    """
    from voicecoach.voice.errors import VoiceError  # noqa: PLC0415 (text mode imports no audio library)
    from voicecoach.voice.synthesis import list_voices as voices  # noqa: PLC0415

    try:
        found = voices()
    except VoiceError as err:
        fail(str(err), ExitCode.DEVICE)
    for voice in found:
        if show_all or voice.english:
            click.echo(f"{voice.id.rsplit('/', 1)[-1]:<24} {voice.name}")
