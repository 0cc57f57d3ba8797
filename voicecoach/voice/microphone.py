"""Microphone capture: SpeechRecognition's Microphone (PyAudio underneath) read on its own thread,
cut into utterances by the segmenter, handed over through a queue.

Each frame is stamped on the monotonic clock and checked against the coach's own playback, so the
listener can tell the person's voice from the coach's echo.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from voicecoach.voice.devices import DeviceError
from voicecoach.voice.echo import EchoJudge
from voicecoach.voice.pcm import to_dbfs
from voicecoach.voice.quiet import quiet_stderr
from voicecoach.voice.segmenter import Segment, Segmenter, SegmenterSettings
from voicecoach.voice.spotter import SpeakerAwareSpotter, Spotted

RATE = 16000
FRAME_SAMPLES = 480
"""30 ms frames at 16 kHz."""



class EchoWindow(Protocol):
    """Knows when the coach's own sound is in the air."""

    def playing(self, at: float, tail: float) -> bool:
        """True when the coach's playback covers monotonic time ``at`` (or ended less than ``tail`` before)."""


class Lost:
    """Put on the queue when the microphone stops delivering audio."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class FrameSource(Protocol):
    """Where frames come from: the microphone stream, or a WAV file in tests."""

    def read(self, size: int) -> bytes:
        """The next ``size`` frames of 16-bit mono audio (blocks until they are there)."""


class Capture:
    """Reads frames on a background thread and queues the utterances found in them."""

    def __init__(
        self,
        source: FrameSource,
        *,
        echo: EchoWindow | None = None,
        echo_tail_seconds: float = 0.15,
        settings: SegmenterSettings | None = None,
        now: Callable[[], float] = time.monotonic,
        spotter: SpeakerAwareSpotter | None = None,
        judge: EchoJudge | None = None,
    ) -> None:
        self.source = source
        self.echo = echo
        self.echo_tail_seconds = echo_tail_seconds
        self.segmenter = Segmenter(RATE, settings)
        self.now = now
        self.spotter = spotter
        self.judge = judge
        """Judges the coach's echo for the spotter by level (voice/echo.py): it hears the person over the
        coach's own words, and the echo a little after the playback log says a clip ended; None: the
        playback log's spans alone."""
        self.segments: queue.Queue[Segment | Spotted | Lost] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="microphone", daemon=True)

    @property
    def level_dbfs(self) -> float:
        """Level of the last frame (for the level meter of ``voicecoach check``)."""
        return to_dbfs(self.segmenter.level)

    def start(self) -> Capture:
        """Begin reading."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop reading (returns once the thread has seen it, or after a second)."""
        self._stop.set()
        self._thread.join(timeout=1.0)

    def next_segment(self, timeout: float | None) -> Segment | Spotted | Lost | None:
        """The next utterance, keyword hit or Lost marker; None when ``timeout`` seconds pass first."""
        try:
            return self.segments.get(timeout=timeout)
        except queue.Empty:
            return None

    def _run(self) -> None:
        frame_seconds = FRAME_SAMPLES / RATE
        while not self._stop.is_set():
            try:
                data = self.source.read(FRAME_SAMPLES)
            except (OSError, ValueError) as err:  # PortAudio's "device unavailable", a closed stream
                if not self._stop.is_set():
                    self.segments.put(Lost(str(err) or type(err).__name__))
                return
            if not data:
                if not self._stop.is_set():
                    self.segments.put(Lost("the microphone stream ended"))
                return
            samples = np.frombuffer(data, dtype="<i2").astype(np.int16)
            start = self.now() - len(samples) / RATE
            echo = self.echo is not None and self.echo.playing(start + frame_seconds / 2, self.echo_tail_seconds)
            segment = self.segmenter.push(samples, start, echo=echo)
            if self.spotter is not None:
                if self.judge is not None:  # the coach's echo by level, over a window wide enough for the skew
                    echo = not self.judge.louder_than_echo(start, frame_seconds, self.segmenter.level,
                                                           loud=self.segmenter.above_floor_db >= 9.0)
                hit = self.spotter.push(samples, start, echo=echo, above_floor_db=self.segmenter.above_floor_db)
                if hit is not None:
                    self.segments.put(hit)
            if segment is not None:
                self.segments.put(segment)


class Microphone:
    """An open microphone (SpeechRecognition's ``Microphone``), as a FrameSource."""

    def __init__(self, device_index: int | None) -> None:
        import speech_recognition as sr  # noqa: PLC0415  (audio libraries load only in voice mode)

        try:
            with quiet_stderr():
                self._mic: Any = sr.Microphone(device_index=device_index, sample_rate=RATE, chunk_size=FRAME_SAMPLES)
                self._mic.__enter__()
        except OSError as err:
            raise DeviceError(f"The microphone could not be opened: {err}. Use --text to type instead.") from err
        if self._mic.stream is None:  # SpeechRecognition swallows PortAudio's open error
            raise DeviceError(
                "The microphone could not be opened (it may be in use or unplugged). "
                "Check it with 'voicecoach devices', or use --text to type instead."
            )

    def read(self, size: int) -> bytes:
        """The next frames (16 kHz, 16-bit mono)."""
        data: bytes = self._mic.stream.read(size)
        return data

    def close(self) -> None:
        """Release the device."""
        if self._mic.stream is not None:
            with quiet_stderr(), contextlib.suppress(OSError):  # already gone with the device
                self._mic.__exit__(None, None, None)
