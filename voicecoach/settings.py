"""What the command line chose, with every default in one place: the session's settings and voice mode's.

Imports nothing of ours and no audio library: the CLI, the composition root (app.py) and the voice
adapters all read their defaults here, so "en-us" and 150 words a minute are said once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_VOICE = "en-us"
"""espeak-ng voice for voice mode (``voicecoach voices``); a variant may follow "+"."""
DEFAULT_RATE_WPM = 150
"""Speaking rate in words per minute."""
RATE_RANGE_WPM = (80, 450)
"""Words per minute espeak-ng accepts."""
DEFAULT_VOLUME = 1.0
"""0 to 1, for speech and cue sounds."""
RECOGNISERS = ("moonshine", "pocketsphinx")
"""The speech recognisers voice mode offers; the first is the default, the second the fallback."""
DEFAULT_RECOGNISER = RECOGNISERS[0]


@dataclass(frozen=True)
class VoiceConfig:
    """Voice mode's choices: the devices, the coach's voice and the recogniser."""

    mic: str | None = None
    """The microphone, by number or part of its name (``voicecoach devices``); None for the default."""
    speaker: str | None = None
    """The speaker, likewise."""
    voice: str = DEFAULT_VOICE
    """espeak-ng voice (``voicecoach voices``); a variant may follow "+"."""
    rate: int = DEFAULT_RATE_WPM
    """Words per minute."""
    volume: float = DEFAULT_VOLUME
    """0 to 1, for speech and cue sounds."""
    recogniser: str = DEFAULT_RECOGNISER
    """The speech recogniser, moonshine or pocketsphinx (the fallback)."""


@dataclass(frozen=True)
class Settings:
    """What the command line chose for a session."""

    text: bool = False
    json: bool = False
    transcript: Path | None = None
    time_scale: float = 1.0
    data_dir: Path | None = None
    display: bool = True
    """Voice mode: show the live terminal view (--no-display turns it off)."""
    voice: VoiceConfig = field(default_factory=VoiceConfig)
    """Voice mode's devices, voice, rate, volume and recogniser."""
    history: bool = True
    """Read and keep the history (--no-history: a one-off session)."""
    full_triage: bool = False
    """Ask every question even when a quick return would do (--full-triage)."""
