"""Choosing the speech recogniser: Moonshine by default (loaded in the background while the coach speaks),
pocketsphinx as the fallback, each failure said in words.

``open_recogniser("moonshine", warn)`` checks at once what can be checked quickly (the model files, the
tokenizer, ONNX Runtime) and falls back to pocketsphinx, saying why, when that fails; the model itself
loads on a thread, and the first recognition waits for it. Should the load still fail there, the reason
is said and pocketsphinx takes over; if pocketsphinx cannot load either, the error says to use --text.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from voicecoach.ports import DeviceLost, Expect, Utterance
from voicecoach.settings import DEFAULT_RECOGNISER, RECOGNISERS
from voicecoach.voice.errors import VoiceError
from voicecoach.voice.listener import SpeechRecogniser
from voicecoach.voice.pcm import Clip

log = logging.getLogger(__name__)

ENGINES = RECOGNISERS
DEFAULT_ENGINE = DEFAULT_RECOGNISER
POCKETSPHINX_ENV = "VOICECOACH_POCKETSPHINX_DIR"
"""A folder holding pocketsphinx's en-us/ and cmudict-en-us.dict, instead of the bundled model."""

Warn = Callable[[str], None]


def pocketsphinx() -> SpeechRecogniser:
    """The pocketsphinx recogniser, or VoiceError saying what is missing."""
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


def open_recogniser(engine: str, warn: Warn) -> SpeechRecogniser:
    """The chosen engine, ready or loading; Moonshine falls back to pocketsphinx (said through ``warn``)."""
    if engine not in ENGINES:
        raise VoiceError(f"unknown recogniser {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "pocketsphinx":
        return pocketsphinx()
    from voicecoach.voice.moonshine_model import MoonshineUnavailable, check_model  # noqa: PLC0415

    try:
        check_model()
    except MoonshineUnavailable as err:
        warn(f"Moonshine cannot be used ({err}); using pocketsphinx instead.")
        return pocketsphinx()
    return BackgroundMoonshine(warn)


class BackgroundMoonshine:
    """Moonshine loading on a thread from the moment it is created; recognising waits for the load."""

    def __init__(self, warn: Warn) -> None:
        self._warn = warn
        self._engine: SpeechRecogniser | None = None
        self._error: str | None = None
        self._thread = threading.Thread(target=self._load, name="moonshine-load", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        from voicecoach.voice.moonshine import MoonshineRecogniser, MoonshineUnavailable  # noqa: PLC0415

        try:
            engine = MoonshineRecogniser()
        except MoonshineUnavailable as err:
            self._error = str(err)
            return
        if not engine.model.unpacked:
            self._warn("Moonshine runs with its packed decoder, so answers take longer to understand "
                       "(python -m voicecoach.voice.moonshine_unpack says why it could not be unpacked).")
        self._engine = engine

    def ready(self, timeout: float | None = None) -> SpeechRecogniser:
        """The loaded engine (waiting for it), or pocketsphinx after saying why Moonshine failed."""
        self._thread.join(timeout)
        if self._engine is None:
            reason = self._error or "it is still loading"
            self._warn(f"Moonshine cannot be used ({reason}); using pocketsphinx instead.")
            try:
                self._engine = pocketsphinx()
            except VoiceError as err:
                raise DeviceLost(f"No speech recogniser could start ({err}). Use --text to type your answers.") \
                    from err
        return self._engine

    def recognise(self, audio: Clip, expect: Expect) -> Utterance:
        """Decode with Moonshine (or its fallback)."""
        return self.ready().recognise(audio, expect)

    @property
    def engine(self) -> SpeechRecogniser | None:
        """The engine in use once loaded (None while loading)."""
        return self._engine


def transcribes(recogniser: SpeechRecogniser) -> bool:
    """Whether ``recogniser`` writes what it hears (Moonshine, loaded) rather than forcing any speech onto
    its grammar's words (pocketsphinx): only such a one can read a stop among the coach's own words
    (voice/echo_stop.py)."""
    if isinstance(recogniser, BackgroundMoonshine):
        if recogniser.engine is None:  # still loading (or failed, and pocketsphinx follows)
            return False
        recogniser = recogniser.engine
    if "voicecoach.voice.moonshine" not in sys.modules:  # never loaded: not Moonshine
        return False
    from voicecoach.voice.moonshine import MoonshineRecogniser  # noqa: PLC0415

    return isinstance(recogniser, MoonshineRecogniser)
