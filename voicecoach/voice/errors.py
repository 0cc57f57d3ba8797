"""Typed failures of the voice layer, each with a one-line message a person can act on.

The composition root turns them into exit code 6 (or a fall back to text mode); they never reach
the user as a traceback.
"""

from __future__ import annotations

from voicecoach.ports import DeviceLost


class VoiceError(RuntimeError):
    """The voice layer cannot do its job; ``str(error)`` is the user-facing message."""


class SpeechUnavailable(VoiceError):
    """Nothing can synthesise speech (espeak-ng or its library is missing or broken)."""


class UnknownVoice(VoiceError):
    """The --voice given is not a voice espeak-ng knows."""


class OutputDeviceError(VoiceError, DeviceLost):
    """No sound output device, or it failed (PortAudio error, device lost mid-session).

    Also a :class:`DeviceLost`, so a speaker that fails mid-session is waited for, then ends the
    session as interrupted if it does not come back.
    """

    device = "speaker"


class MicrophoneLost(VoiceError, DeviceLost):
    """The microphone stopped giving sound mid-session (a read error, a stall, or digital silence)."""

    device = "microphone"
