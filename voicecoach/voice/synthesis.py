"""Text to speech clips: pyttsx3 (espeak-ng's library) with the espeak-ng command line as fallback.

pyttsx3 2.99 on Linux, as measured here (docs/voice-lab/FINDINGS.md Q1 and this module's tests):

* ``setProperty("rate")`` takes effect for the first utterance only; later changes are ignored.
  espeak's embedded rate command (``"\\x01150S"`` before the text) applies every time, so the rate
  travels with the text. The voice is set with ``setProperty`` (espeak applies it synchronously).
* ``runAndWait`` returns after ~10 ms whether or not synthesis has finished (espeak runs in its own
  thread), so the WAV is read only after the "finished-utterance" notification.
* The driver prints "Audio saved to <file>" from espeak's thread: filtered out of stdout.
* ``say()`` plays through ``aplay``: never used. A ``runAndWait`` with nothing queued synthesises
  the previous text again: never done (every call queues a save first).
* espeak's library is one per process, so one engine serves every synthesiser, under a lock.

Volume is not a synthesis setting here: the speaker scales clips when it plays them.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voicecoach.settings import DEFAULT_RATE_WPM, DEFAULT_VOICE, RATE_RANGE_WPM
from voicecoach.voice.errors import SpeechUnavailable, UnknownVoice
from voicecoach.voice.espeak import EspeakMissing, espeak
from voicecoach.voice.pcm import Clip, read_wav
from voicecoach.voice.quiet import captured_fd2, no_save_notices

log = logging.getLogger(__name__)

LEAD_IN = 0.02
"""Seconds of quiet kept before the first sound of every speech clip: the onset is exactly here."""
TAIL = 0.06
"""Seconds kept after the last sound above the trim threshold (never clip the last syllable)."""
MIN_SECONDS = 0.05
"""A synthesised file shorter than this is a failed synthesis."""
SYNTH_TIMEOUT = 10.0


class Synthesiser(Protocol):
    """Turns text into a clip in one fixed voice and rate."""

    @property
    def key(self) -> str:
        """What identifies this synthesiser's output (engine, voice, rate) in a cache."""

    def synthesise(self, text: str) -> Clip:
        """The text spoken, tidied (see :func:`tidy`)."""


@dataclass(frozen=True)
class VoiceInfo:
    """A voice espeak-ng offers."""

    id: str
    """What --voice accepts (also a base voice plus a variant: ``en-us+f3``)."""
    name: str
    languages: tuple[str, ...]

    @property
    def english(self) -> bool:
        """True for an English voice."""
        return any(lang.startswith("en") for lang in self.languages)


def tidy(clip: Clip, lead_in: float = LEAD_IN, tail: float = TAIL) -> Clip:
    """The clip with exactly ``lead_in`` s of quiet before its first sound and ``tail`` s after its last.

    "Sound" is a sample above 1/300 of the peak (-50 dB): espeak's long end pause goes, the quiet
    end of the last syllable stays (the tail keeps 60 ms beyond it, faded out over the last 10 ms).
    """
    x = clip.samples
    if len(x) == 0:
        return clip
    level = np.abs(x.astype(np.int32))
    threshold = max(16, int(level.max()) // 300)
    loud = np.flatnonzero(level > threshold)
    if len(loud) == 0:
        return Clip(x[:0], clip.rate)
    lead, keep = round(lead_in * clip.rate), round(tail * clip.rate)
    start = loud[0] - lead
    body = x[max(0, start) : loud[-1] + 1 + keep].astype(np.float64)
    if start < 0:
        body = np.concatenate([np.zeros(-start), body])
    fade = min(round(0.01 * clip.rate), len(body))
    body[len(body) - fade :] *= np.linspace(1.0, 0.0, fade)
    return Clip(np.round(body).astype(np.int16), clip.rate)


def check_rate(rate: int) -> int:
    """The rate, or ValueError when espeak-ng cannot speak at it."""
    low, high = RATE_RANGE_WPM
    if not low <= rate <= high:
        raise ValueError(f"rate must be {low} to {high} words per minute, not {rate}")
    return rate


class EspeakSynthesiser:
    """The espeak-ng command line (a process per clip, ~6 ms a word)."""

    def __init__(self, voice: str = DEFAULT_VOICE, rate: int = DEFAULT_RATE_WPM) -> None:
        self.voice, self.rate = voice, check_rate(rate)

    @property
    def key(self) -> str:
        """See Synthesiser."""
        return f"espeak-cli|{self.voice}|{self.rate}"

    def synthesise(self, text: str) -> Clip:
        """See Synthesiser."""
        try:
            return tidy(espeak(text, voice=self.voice, rate=self.rate))
        except EspeakMissing as err:
            raise SpeechUnavailable(str(err)) from None
        except (RuntimeError, OSError) as err:
            raise SpeechUnavailable(f"espeak-ng could not speak: {err}") from None


class _Engine:
    """The process's one pyttsx3 engine, and the lock every synthesis holds."""

    lock = threading.Lock()
    _engine: Any = None
    _finished = threading.Event()

    @classmethod
    def get(cls) -> Any:
        """The engine, started on first use with native noise kept off the terminal."""
        if cls._engine is None:
            try:
                with captured_fd2() as noise:
                    import pyttsx3  # noqa: PLC0415 (text mode never imports the audio libraries)

                    engine = pyttsx3.init("espeak")
            except Exception as err:  # pyttsx3 raises anything from OSError to KeyError here
                detail = noise.getvalue().strip().splitlines()
                raise SpeechUnavailable(
                    "The speech engine (pyttsx3 with espeak-ng) cannot start: "
                    f"{err}{'; ' + detail[-1] if detail else ''}. "
                    "Install espeak-ng (Debian/Ubuntu: sudo apt-get install espeak-ng)."
                ) from None
            engine.connect("finished-utterance", lambda name=None, completed=True: cls._finished.set())
            cls._engine = engine
        return cls._engine


def list_voices() -> list[VoiceInfo]:
    """The voices pyttsx3 (espeak-ng) offers, English ones first, each group sorted by id."""
    with _Engine.lock:
        raw = _Engine.get().getProperty("voices")
    voices = [VoiceInfo(str(v.id), str(v.name), tuple(str(lang) for lang in (v.languages or ()))) for v in raw]
    return sorted(voices, key=lambda v: (not v.english, v.id))


def resolve_voice(voice: str, voices: list[VoiceInfo] | None = None) -> str:
    """``voice`` if espeak-ng knows its base voice (an id, its last part, a name or a language), else UnknownVoice."""
    base = voice.split("+", 1)[0].strip().lower()
    known = voices if voices is not None else list_voices()
    for v in known:
        if base in (v.id.lower(), v.id.rsplit("/", 1)[-1].lower(), v.name.lower(), *v.languages):
            return voice
    raise UnknownVoice(f"Unknown voice {voice!r}. See the voices with: voicecoach voices")


class Pyttsx3Synthesiser:
    """pyttsx3's espeak driver, used the reliable way (see the module docstring), checked and retried.

    A synthesis that yields no audio twice falls back to the espeak-ng command line; the fallback
    is logged once per synthesiser (a warning on the ``voicecoach.voice.synthesis`` logger).
    """

    def __init__(self, voice: str = DEFAULT_VOICE, rate: int = DEFAULT_RATE_WPM, *, check_voice: bool = True) -> None:
        self.voice = resolve_voice(voice) if check_voice else voice
        self.rate = check_rate(rate)
        self.fallback = EspeakSynthesiser(self.voice, self.rate)
        self.fell_back = 0
        """How many clips came from the fallback."""

    @property
    def key(self) -> str:
        """See Synthesiser (the fallback speaks the same voice and rate, so it shares the key)."""
        return f"espeak|{self.voice}|{self.rate}"

    def synthesise(self, text: str) -> Clip:
        """See Synthesiser."""
        for _attempt in range(2):
            clip = self._once(text)
            if clip is not None and clip.seconds >= MIN_SECONDS:
                return tidy(clip)
        if not self.fell_back:
            log.warning("pyttsx3 gave no audio for %r twice; using the espeak-ng command line", text)
        self.fell_back += 1
        return self.fallback.synthesise(text)

    def _once(self, text: str) -> Clip | None:
        """One pyttsx3 synthesis into a temporary WAV; None when it produced nothing readable."""
        with _Engine.lock, tempfile.TemporaryDirectory(prefix="voicecoach-") as folder:
            engine = _Engine.get()
            path = Path(folder) / "clip.wav"
            _Engine._finished.clear()
            with no_save_notices():
                engine.setProperty("voice", self.voice)
                engine.save_to_file(f"\x01{self.rate}S {text}", str(path))
                engine.runAndWait()
                finished = _Engine._finished.wait(SYNTH_TIMEOUT)
            if not finished or not path.exists():
                return None
            try:
                return read_wav(path)
            except (OSError, EOFError, ValueError, wave.Error):
                return None
