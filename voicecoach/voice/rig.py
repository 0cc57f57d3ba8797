"""Voice mode's adapters, put together: the chosen devices, the coach's voice, the microphone with
its segmenter and "stop" spotter, and the recogniser behind the listener."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voicecoach.voice.device_watch import VoiceDeviceWatch
from voicecoach.voice.devices import choose, list_devices
from voicecoach.voice.errors import VoiceError
from voicecoach.voice.listener import RealClock, SpeechRecogniser, VoiceListener
from voicecoach.voice.microphone import Capture, FrameSource, Microphone
from voicecoach.voice.playback import DeviceSink, Sink
from voicecoach.voice.speaker import VoiceSpeaker, build_speaker
from voicecoach.voice.spotter import SpeakerAwareSpotter, StopSpotter


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
    watch: VoiceDeviceWatch | None = None
    """Which devices fail, and waiting for them to come back (see dialogue/device_return.py)."""

    def close(self) -> None:
        """Stop listening and playing; never raises (the session is over either way)."""
        with contextlib.suppress(Exception):
            self.capture.stop()  # closes the microphone's stream
        with contextlib.suppress(Exception):
            self.speaker.close()


def open_voice(
    options: VoiceOptions,
    to_player: Callable[[float], float],
    clock: RealClock,
    recogniser: SpeechRecogniser | None = None,
) -> VoiceRig:
    """Open everything voice mode needs, or raise VoiceError with what to do (nothing is left open)."""
    devices = list_devices()
    mic = choose(devices, options.mic, output=False)
    out = choose(devices, options.speaker, output=True)
    if recogniser is None:
        recogniser = load_recogniser()
    speaker = build_speaker(options.voice, options.rate, options.volume, to_player=to_player, device=out.index)
    try:
        microphone = Microphone(mic.index)
    except VoiceError:
        speaker.close()
        raise
    capture = Capture(microphone, echo=speaker.log, spotter=SpeakerAwareSpotter(StopSpotter()),
                      reopen=lambda: _reopen_microphone(options.mic)).start()
    listener = VoiceListener(capture, recogniser, clock)
    watch = VoiceDeviceWatch(capture, speaker.player, lambda: _reopen_speaker(options.speaker))
    return VoiceRig(speaker, listener, capture, microphone, mic.name, out.name, watch)


def _reopen_microphone(wanted: str | None) -> FrameSource:
    """The chosen microphone opened again (after a loss); VoiceError while it cannot be."""
    return Microphone(choose(list_devices(), wanted, output=False).index)


def _reopen_speaker(wanted: str | None) -> Sink:
    """The chosen speaker opened again (after a loss); VoiceError while it cannot be."""
    return DeviceSink(device=choose(list_devices(), wanted, output=True).index)


POCKETSPHINX_ENV = "VOICECOACH_POCKETSPHINX_DIR"
"""A folder holding pocketsphinx's en-us/ and cmudict-en-us.dict, instead of the model it bundles (the
same variable as the `recog` branch's engines.py)."""


def load_recogniser() -> SpeechRecogniser:
    """RECOGNISER HOOK: the speech recogniser voice mode uses, or VoiceError with the reason (voice mode
    then says it and carries on in text mode).

    Today: pocketsphinx. When the `recog` branch is merged, this is where its engine choice goes
    (``engines.open_recogniser(options.recogniser, warn)``: Moonshine, else pocketsphinx, each failure
    said), keeping the last step: no engine at all raises VoiceError, and the session runs in text mode.
    """
    from voicecoach.voice.recognition import Recogniser, RecogniserUnavailable  # noqa: PLC0415

    chosen = os.environ.get(POCKETSPHINX_ENV)
    model_dir = Path(chosen) if chosen else None
    try:
        _probe_pocketsphinx(model_dir)
        return Recogniser(model_dir=model_dir)
    except RecogniserUnavailable as err:
        raise VoiceError(f"The speech recogniser could not start: {err}") from err


def _probe_pocketsphinx(model_dir: Path | None) -> None:
    """Load the model once in a child process first: pocketsphinx ends the whole process (exit 1, a
    "FATAL" line) on a damaged model file instead of raising, which would lose the session and its message."""
    from voicecoach.voice.recognition import RecogniserUnavailable  # noqa: PLC0415

    code = ("import sys; from pathlib import Path; from voicecoach.voice.recognition import Recogniser; "
            "Recogniser(model_dir=Path(sys.argv[1]) if sys.argv[1] else None)")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(model_dir or "")], capture_output=True, text=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise RecogniserUnavailable(f"pocketsphinx could not be tried ({err})") from err
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        last = lines[-1] if lines else f"exit code {done.returncode}"
        raise RecogniserUnavailable(f"pocketsphinx failed to load its model ({last})")
