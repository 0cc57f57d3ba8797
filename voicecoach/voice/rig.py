"""Voice mode's adapters, put together: the chosen devices, the coach's voice, the microphone with
its segmenter and "stop" spotter, and the recogniser behind the listener."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from voicecoach.ports import Clock
from voicecoach.settings import VoiceConfig
from voicecoach.voice.barge_in import BargeIn
from voicecoach.voice.device_sink import DeviceSink
from voicecoach.voice.device_watch import VoiceDeviceWatch
from voicecoach.voice.devices import choose, list_devices
from voicecoach.voice.echo import EchoJudge
from voicecoach.voice.echo_stop import StopUnderEcho
from voicecoach.voice.engines import open_recogniser, transcribes
from voicecoach.voice.errors import VoiceError
from voicecoach.voice.listener import SpeechRecogniser, VoiceListener
from voicecoach.voice.microphone import Capture, FrameSource, Microphone
from voicecoach.voice.segmenter import Segment, SegmenterSettings
from voicecoach.voice.sink import Sink
from voicecoach.voice.speaker import VoiceSpeaker, build_speaker
from voicecoach.voice.speculation import EARLY_SECONDS
from voicecoach.voice.spotter import SecondOpinion, SpeakerAwareSpotter, Spotted, StopSpotter


@dataclass
class VoiceRig:
    """The open voice adapters; ``close()`` releases the devices."""

    speaker: VoiceSpeaker
    listener: VoiceListener
    capture: Capture
    microphone: Microphone
    mic_name: str = ""
    speaker_name: str = ""
    watch: VoiceDeviceWatch | None = None
    """Which devices fail, and waiting for them to come back (see dialogue/device_return.py)."""
    barge_in: BargeIn | None = None
    """A "stop" over the coach's sentence in an exercise silences it at once; an event sink (an exercise's
    start arms it)."""
    under_echo: StopUnderEcho | None = None
    """Reads a stop the spotter missed under the coach's echo (its own thread)."""

    def close(self) -> None:
        """Stop listening and playing; never raises (the session is over either way)."""
        with contextlib.suppress(Exception):
            self.capture.stop()  # closes the microphone's stream
        if self.under_echo is not None:
            with contextlib.suppress(Exception):
                self.under_echo.close()
        with contextlib.suppress(Exception):
            self.speaker.close()


def open_voice(
    options: VoiceConfig,
    to_player: Callable[[float], float],
    clock: Clock,
    *,
    recogniser: SpeechRecogniser | None = None,
    warn: Callable[[str], None] = lambda message: None,
    second_opinion: SecondOpinion | None = None,
) -> VoiceRig:
    """Open everything voice mode needs, or raise VoiceError with what to do (nothing is left open).

    Moonshine loads in the background from here on (the first recognition waits for it); a fallback
    to pocketsphinx is said through ``warn``."""
    devices = list_devices()
    mic = choose(devices, options.mic, output=False)
    out = choose(devices, options.speaker, output=True)
    if recogniser is None:
        recogniser = open_recogniser(options.recogniser, warn)
    speaker = build_speaker(options.voice, options.rate, options.volume, to_player=to_player, device=out.index)
    try:
        microphone = Microphone(mic.index)
    except VoiceError:
        speaker.close()
        raise
    spotter = SpeakerAwareSpotter(StopSpotter(), played=speaker.log.played, second_opinion=second_opinion)
    barge_in = BargeIn(cut=speaker.player.cut)
    speaker.silenced = barge_in.silenced

    def stop_under_echo(segment: Segment) -> None:
        hit = Spotted("stop", segment.end)
        if barge_in.spotted(hit, utterance_start=segment.start):
            capture.deliver(hit)

    chosen = recogniser
    under_echo = StopUnderEcho(chosen, stop_under_echo, lambda: barge_in.armed() and transcribes(chosen)).start()
    capture = Capture(microphone, echo=speaker.log, spotter=spotter, judge=EchoJudge(speaker.log),
                      settings=SegmenterSettings(early_seconds=EARLY_SECONDS), on_spotted=barge_in.spotted,
                      on_segment=under_echo.offer, reopen=lambda: _reopen_microphone(options.mic)).start()
    listener = VoiceListener(capture, recogniser, clock, barge_in=barge_in)
    watch = VoiceDeviceWatch(capture, speaker.player, lambda: _reopen_speaker(options.speaker))
    return VoiceRig(speaker, listener, capture, microphone, mic.name, out.name, watch, barge_in, under_echo)


def _reopen_microphone(wanted: str | None) -> FrameSource:
    """The chosen microphone opened again (after a loss); VoiceError while it cannot be."""
    return Microphone(choose(list_devices(), wanted, output=False).index)


def _reopen_speaker(wanted: str | None) -> Sink:
    """The chosen speaker opened again (after a loss); VoiceError while it cannot be."""
    return DeviceSink(device=choose(list_devices(), wanted, output=True).index)

