"""The sound devices PortAudio (through PyAudio) can see, and choosing one by number or name."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from voicecoach.voice.errors import VoiceError
from voicecoach.voice.quiet import quiet_stderr


class DeviceError(VoiceError):
    """No usable sound device, or PortAudio failed; the message says what to do."""


@dataclass(frozen=True)
class Device:
    """One input or output device."""

    index: int
    name: str
    inputs: int
    outputs: int
    default_rate: int
    is_default_input: bool = False
    is_default_output: bool = False


def open_pyaudio() -> Any:
    """A PyAudio instance, with PortAudio's probing noise hidden; DeviceError if it cannot start."""
    try:
        import pyaudio  # noqa: PLC0415  (audio libraries load only in voice mode)
    except ImportError as err:  # pragma: no cover - a broken install
        raise DeviceError(f"PyAudio is not installed ({err}); run scripts/install.sh again, or use --text") from err
    try:
        with quiet_stderr():
            return pyaudio.PyAudio()
    except OSError as err:
        raise DeviceError(f"The sound system (PortAudio) did not start: {err}. Use --text to type instead.") from err


def list_devices(audio: Any | None = None) -> list[Device]:
    """Every device PortAudio reports, with the defaults marked."""
    owner = audio is None
    audio = audio or open_pyaudio()
    try:
        default_in = _default_index(audio.get_default_input_device_info)
        default_out = _default_index(audio.get_default_output_device_info)
        devices = []
        for index in range(audio.get_device_count()):
            info = audio.get_device_info_by_index(index)
            devices.append(
                Device(
                    index=index,
                    name=str(info["name"]),
                    inputs=int(info["maxInputChannels"]),
                    outputs=int(info["maxOutputChannels"]),
                    default_rate=int(info["defaultSampleRate"]),
                    is_default_input=index == default_in,
                    is_default_output=index == default_out,
                )
            )
        return devices
    finally:
        if owner:
            audio.terminate()


NO_DEVICES_HINT = (
    "No sound devices were found. Check that a microphone and a speaker are connected and that the sound "
    "server (PulseAudio or PipeWire) is running; or use --text to read and type instead."
)


def describe(devices: list[Device], *, as_json: bool = False) -> list[str]:
    """Lines for ``voicecoach devices``: a table, or one JSON object per device."""
    if as_json:
        return [json.dumps(asdict(d)) for d in devices]
    lines = []
    for d in devices:
        roles = [r for r, on in (("mic", d.inputs > 0), ("speaker", d.outputs > 0)) if on]
        marks = (("default mic", d.is_default_input), ("default speaker", d.is_default_output))
        defaults = [r for r, on in marks if on]
        note = f"  ({', '.join(defaults)})" if defaults else ""
        lines.append(f"{d.index:>3}  {d.name:<40} {'/'.join(roles):<12} {d.default_rate} Hz{note}")
    return lines


def choose(devices: list[Device], wanted: str | None, *, output: bool) -> Device:
    """The device ``wanted`` names (a number or part of a name), else the default one."""
    kind = "speaker (output device)" if output else "microphone (input device)"
    usable = [d for d in devices if (d.outputs if output else d.inputs) > 0]
    if not usable:
        hint = "Connect a speaker or headphones" if output else "Connect a microphone"
        raise DeviceError(f"No {kind} was found. {hint}, or use --text to read and type instead.")
    if wanted is None:
        default = [d for d in usable if (d.is_default_output if output else d.is_default_input)]
        return default[0] if default else usable[0]
    if wanted.strip().isdigit():
        matches = [d for d in usable if d.index == int(wanted)]
    else:
        matches = [d for d in usable if wanted.casefold() in d.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(f"{d.index}: {d.name}" for d in usable)
    problem = "matches more than one" if matches else "does not match any"
    raise DeviceError(f"{wanted!r} {problem} {kind}. Choose one of: {names} (see 'voicecoach devices').")


def _default_index(getter: Any) -> int | None:
    try:
        return int(getter()["index"])
    except (OSError, KeyError, TypeError):
        return None
