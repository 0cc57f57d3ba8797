"""Is the microphone still giving sound? Told each frame, it says when the microphone is lost and when
it is back (pure: no clock, no device, so its rules are tested instantly).

What a removed microphone looks like depends on the sound system (measured on PulseAudio 16 through
PortAudio's ALSA backend, see docs/voice-lab/FAULTS.md): the sound server gone, or no source left, gives
a read error at once; a removed source whose stream PulseAudio moves to another one (the monitor of the
speaker, when nothing else is left) gives a stall of a second or two, then *digital silence*: frames of
exact zeros, with the coach's own voice in them while it plays. A real microphone never gives a 30 ms
frame of exact zeros (its own noise is always there), but a muted one does: both mean "no sound".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

import numpy as np

from voicecoach.voice.pcm import Samples


@dataclass(frozen=True)
class HealthSettings:
    """When the microphone counts as lost, and as back."""

    silent_seconds: float = 2.0
    """This much digital silence (frames of exact zeros, not broken by real sound outside the coach's
    own playback) means the microphone gives no sound: unplugged, moved to an empty source, or muted."""
    stall_seconds: float = 5.0
    """No frames at all for this long (real time) means the stream stalled (PulseAudio moving a stream
    stalls it for up to ~1.8 s, measured; a loaded machine can hold the reader up for seconds)."""
    back_seconds: float = 0.3
    """After a loss, real sound outside the coach's playback for this long means the microphone is back."""
    reopen_every_seconds: float = 1.0
    """After a read error, how often a new stream is tried."""


class Change(Enum):
    """What a frame changed."""

    LOST = auto()
    BACK = auto()


class MicHealth:
    """Follows the frames: LOST after ``silent_seconds`` of digital silence, BACK after ``back_seconds`` of
    real sound heard outside the coach's playback."""

    def __init__(self, settings: HealthSettings | None = None) -> None:
        self.settings = settings or HealthSettings()
        self.lost_reason: str | None = None
        """Why the microphone counts as lost; None while it works."""
        self._silent = 0.0
        self._live = 0.0

    @property
    def working(self) -> bool:
        """True while the microphone gives sound."""
        return self.lost_reason is None

    def push(self, samples: Samples, seconds: float, *, echo: bool) -> Change | None:
        """One frame of ``seconds``; ``echo`` when the coach's own sound was playing during it."""
        zero = not np.any(samples)
        if self.lost_reason is None:
            if zero:
                self._silent += seconds
                if self._silent >= self.settings.silent_seconds - 1e-9:
                    self.lose(f"no sound at all came from it for {self.settings.silent_seconds:g} seconds: "
                              "is it unplugged or muted?")
                    return Change.LOST
            elif not echo:  # the coach's voice on an empty source is not the microphone coming back
                self._silent = 0.0
            return None
        if zero:
            self._live = 0.0
        elif not echo:
            self._live += seconds
            if self._live >= self.settings.back_seconds - 1e-9:
                self.recovered()
                return Change.BACK
        return None

    def lose(self, reason: str) -> None:
        """The microphone is lost (a read error, a stall, or silence)."""
        self.lost_reason = reason
        self._silent = self._live = 0.0

    def recovered(self) -> None:
        """The microphone works again."""
        self.lost_reason = None
        self._silent = self._live = 0.0
