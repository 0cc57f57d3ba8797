"""Voice mode's adapters, put together: the chosen devices, the coach's voice, the microphone with
its segmenter and "stop" spotter, and the recogniser behind the listener."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from voicecoach.voice.devices import choose, list_devices
from voicecoach.voice.echo import EchoJudge
from voicecoach.voice.errors import VoiceError
from voicecoach.voice.listener import RealClock, SpeechRecogniser, VoiceListener
from voicecoach.voice.microphone import Capture, Microphone
from voicecoach.voice.speaker import VoiceSpeaker, build_speaker
from voicecoach.voice.spotter import SecondOpinion, SpeakerAwareSpotter, StopSpotter


@dataclass(frozen=True)
class VoiceOptions:
    """What the command line chose for voice mode."""

    mic: str | None = None
    """A device number or part of a name (``voicecoach devices``); None for the default."""
    speaker: str | None = None
    voice: str = "en-us"
    rate: int = 150
    volume: float = 1.0


@dataclass
class VoiceRig:
    """The open voice adapters; ``close()`` releases the devices."""

    speaker: VoiceSpeaker
    listener: VoiceListener
    capture: Capture
    microphone: Microphone
    mic_name: str = ""
    speaker_name: str = ""

    def close(self) -> None:
        """Stop listening and playing; never raises (the session is over either way)."""
        with contextlib.suppress(Exception):
            self.capture.stop()
        with contextlib.suppress(Exception):
            self.microphone.close()
        with contextlib.suppress(Exception):
            self.speaker.close()


def open_voice(
    options: VoiceOptions,
    to_player: Callable[[float], float],
    clock: RealClock,
    recogniser: SpeechRecogniser | None = None,
    second_opinion: SecondOpinion | None = None,
) -> VoiceRig:
    """Open everything voice mode needs, or raise VoiceError with what to do (nothing is left open)."""
    devices = list_devices()
    mic = choose(devices, options.mic, output=False)
    out = choose(devices, options.speaker, output=True)
    if recogniser is None:
        recogniser = _pocketsphinx()
    speaker = build_speaker(options.voice, options.rate, options.volume, to_player=to_player, device=out.index)
    try:
        microphone = Microphone(mic.index)
    except VoiceError:
        speaker.close()
        raise
    spotter = SpeakerAwareSpotter(StopSpotter(), played=speaker.log.played, second_opinion=second_opinion)
    capture = Capture(microphone, echo=speaker.log, spotter=spotter, judge=EchoJudge(speaker.log)).start()
    listener = VoiceListener(capture, recogniser, clock)
    return VoiceRig(speaker, listener, capture, microphone, mic.name, out.name)


def _pocketsphinx() -> SpeechRecogniser:
    from voicecoach.voice.recognition import Recogniser, RecogniserUnavailable  # noqa: PLC0415

    try:
        return Recogniser()
    except RecogniserUnavailable as err:
        raise VoiceError(str(err)) from err
