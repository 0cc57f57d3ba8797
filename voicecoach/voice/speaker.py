"""The coach's voice: the Speaker port on cached speech clips, cue sounds and scheduled playback."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from voicecoach.ports import Sound
from voicecoach.settings import DEFAULT_RATE_WPM, DEFAULT_VOICE, DEFAULT_VOLUME
from voicecoach.voice.clips import ClipCache, coach_texts
from voicecoach.voice.cues import load_cues
from voicecoach.voice.device_sink import DeviceSink
from voicecoach.voice.pcm import Clip
from voicecoach.voice.playback import Player
from voicecoach.voice.playback_log import PlaybackLog
from voicecoach.voice.synthesis import LEAD_IN, Pyttsx3Synthesiser

WAKE_SECONDS = 0.02
"""How often a sentence being played looks whether a "stop" silenced the coach (voice/barge_in.py)."""
MARGIN = 0.12
"""Seconds beyond the device latency by which a count is handed over early (thread wake-up, a cache miss)."""


class VoiceSpeaker:
    """Speaks through a :class:`Player`: sentences wait until spoken, counts and cues are queued at deadlines.

    ``to_player`` maps a coach-clock deadline to the player's clock (identity when they are the same).
    The first sound of a count is heard at its deadline: the clip's lead-in is started before it.
    """

    def __init__(self, clips: ClipCache, player: Player, *, cues: dict[Sound, Clip] | None = None,
                 volume: float = 1.0, to_player: Callable[[float], float] = lambda t: t) -> None:
        if not 0.0 <= volume <= 1.0:
            raise ValueError("volume must be from 0 to 1")
        self.clips = clips
        self.player = player
        self.cues = cues if cues is not None else load_cues()
        self.volume = volume
        self.to_player = to_player
        self._loud: dict[int, tuple[Clip, Clip]] = {}
        self.silenced: threading.Event | None = None
        """Set while a "stop" the person said over the coach is not yet acted on (BargeIn.silenced): a
        sentence being played returns at once (the player was cut), and nothing more is said or queued."""

    @property
    def log(self) -> PlaybackLog:
        """When the coach's own voice was in the air (player clock)."""
        return self.player.log

    @property
    def lead_seconds(self) -> float:
        """See Speaker."""
        return self.player.latency + MARGIN

    def say(self, text: str) -> None:
        """Speak a sentence after anything queued; return when it has been played out (or cut by a "stop")."""
        if self._silent():
            return
        playback = self.player.play(self._at_volume(self.clips.get(text)))
        if self.silenced is None:
            playback.wait()
            return
        sink = playback.sink
        if self.silenced.is_set():  # silenced while the sentence was being handed over
            self.player.cut()
        while not self.silenced.is_set() and (left := playback.end - sink.now()) > 0:
            sink.sleep_until(sink.now() + min(left, WAKE_SECONDS))

    def say_at(self, deadline: float, text: str) -> None:
        """Queue a count so its first sound is heard at ``deadline``; return at once."""
        if not self._silent():
            self.player.play(self._at_volume(self.clips.get(text)), self.to_player(deadline) - LEAD_IN)

    def cue(self, sound: Sound, deadline: float | None = None) -> None:
        """Queue a cue sound at ``deadline`` (None: as soon as possible); return at once."""
        if not self._silent():
            at = None if deadline is None else self.to_player(deadline)
            self.player.play(self._at_volume(self.cues[sound]), at)

    def _silent(self) -> bool:
        return self.silenced is not None and self.silenced.is_set()

    def hush(self) -> None:
        """See Speaker: cut the sentence or count playing and drop everything queued."""
        self.player.cut()

    def prepare(self, texts: list[str] | None = None, *, background: bool = True) -> None:
        """Synthesise ahead what the coach will say (default: counts and fixed phrases)."""
        self.clips.prepare(coach_texts() if texts is None else texts, background=background)

    def close(self) -> None:
        """Let queued sound finish, then release the device."""
        try:
            self.player.wait()
        finally:
            self.player.close()

    def _at_volume(self, clip: Clip) -> Clip:
        if self.volume == 1.0:
            return clip
        known = self._loud.get(id(clip))
        if known is None or known[0] is not clip:
            known = self._loud[id(clip)] = (clip, clip.scaled(self.volume))
        return known[1]


def build_speaker(voice: str = DEFAULT_VOICE, rate: int = DEFAULT_RATE_WPM, volume: float = DEFAULT_VOLUME, *,
                  to_player: Callable[[float], float] = lambda t: t, cache_dir: Path | None = None,
                  device: int | None = None, prepare: bool = True) -> VoiceSpeaker:
    """The coach's voice on the default sound device, clips prepared in the background.

    ``to_player`` maps coach time to ``time.monotonic()`` (``ScaledClock.monotonic_at``).
    Raises UnknownVoice, SpeechUnavailable or OutputDeviceError (each with a one-line message).
    """
    synthesiser = Pyttsx3Synthesiser(voice, rate)
    synthesiser.synthesise("ready")  # fails now, with a clear message, if speech cannot work
    speaker = VoiceSpeaker(ClipCache(synthesiser, cache_dir), Player(DeviceSink(device=device)), volume=volume,
                           to_player=to_player)
    if prepare:
        speaker.prepare()
    return speaker
