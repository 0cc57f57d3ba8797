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
from voicecoach.voice.errors import VoiceError
from voicecoach.voice.mic_health import Change, HealthSettings, MicHealth
from voicecoach.voice.own_voice import OwnVoice
from voicecoach.voice.pcm import Samples, rms, to_dbfs
from voicecoach.voice.quiet import quiet_stderr
from voicecoach.voice.segmenter import Early, Segment, Segmenter, SegmenterSettings
from voicecoach.voice.spotter import SpeakerAwareSpotter, Spotted

RATE = 16000
FRAME_SAMPLES = 480
"""30 ms frames at 16 kHz."""
WATCH_EVERY = 0.2
"""How often the stall watchdog looks (seconds)."""
STARVED = 1.0
"""A watchdog look this late means the whole process was held up: a gap in frames then proves nothing."""


class EchoWindow(Protocol):
    """Knows when the coach's own sound is in the air."""

    def playing(self, at: float, tail: float) -> bool:
        """True when the coach's playback covers monotonic time ``at`` (or ended less than ``tail`` before)."""


class Lost:
    """Put on the queue when the microphone stops delivering sound."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class Back:
    """Put on the queue when a lost microphone gives sound again."""


class FrameSource(Protocol):
    """Where frames come from: the microphone stream, or a WAV file in tests."""

    def read(self, size: int) -> bytes:
        """The next ``size`` frames of 16-bit mono audio (blocks until they are there)."""


class Capture:
    """Reads frames on a background thread and queues the utterances found in them.

    It also watches the microphone (:class:`MicHealth`): a read error, a stall or digital silence puts a
    :class:`Lost` on the queue; with ``reopen``, a failed stream is replaced by a new one (tried every
    second), and a :class:`Back` follows once real sound comes again.
    """

    def __init__(
        self,
        source: FrameSource,
        *,
        echo: EchoWindow | None = None,
        echo_tail_seconds: float = 0.15,
        settings: SegmenterSettings | None = None,
        now: Callable[[], float] = time.monotonic,
        spotter: SpeakerAwareSpotter | None = None,
        reopen: Callable[[], FrameSource] | None = None,
        health: HealthSettings | None = None,
        wall: Callable[[], float] = time.monotonic,
        judge: EchoJudge | None = None,
        on_spotted: Callable[[Spotted], object] | None = None,
        on_segment: Callable[[Segment], object] | None = None,
    ) -> None:
        self.source: FrameSource | None = source
        self.echo = echo
        self.echo_tail_seconds = echo_tail_seconds
        self.settings = settings
        self.segmenter = Segmenter(RATE, settings)
        self.now = now
        self.spotter = spotter
        self.reopen = reopen
        """Opens a new stream on the chosen microphone (None: a failed stream ends the capture)."""
        self.health = MicHealth(health)
        self.wall = wall
        """Real time, for the stall watchdog."""
        self.judge = judge
        """Judges the coach's echo for the spotter by level (voice/echo.py): it hears the person over the
        coach's own words, and the echo a little after the playback log says a clip ended; None: the
        playback log's spans alone."""
        self.on_spotted = on_spotted
        """Told of each hit on the microphone's thread, before it is queued (voice/barge_in.py: a "stop"
        over the coach's sentence silences it at once)."""
        self.on_segment = on_segment
        """Told of each utterance on the microphone's thread, before it is queued (voice/echo_stop.py
        looks for a stop under the coach's echo in those the listener will drop)."""
        self.own_voice = OwnVoice()
        """The person's own voice frame by frame (judged for the spotter): the listener holds a count
        back while a word of theirs is undecided."""
        self.segments: queue.Queue[Segment | Early | Spotted | Lost | Back] = queue.Queue()
        self._stop = threading.Event()
        self._working = threading.Event()
        self._working.set()
        self._lock = threading.Lock()
        self._generation = 0
        self._last_frame = wall()
        self._opening = False
        self._thread = threading.Thread(target=self._run, args=(0, source), name="microphone", daemon=True)
        self._watchdog = threading.Thread(target=self._watch, name="microphone-watchdog", daemon=True)

    @property
    def level_dbfs(self) -> float:
        """Level of the last frame (for the level meter of ``voicecoach check``)."""
        return to_dbfs(self.segmenter.level)

    @property
    def working(self) -> bool:
        """True while the microphone gives sound."""
        return self._working.is_set()

    def start(self) -> Capture:
        """Begin reading."""
        self._last_frame = self.wall()
        self._thread.start()
        self._watchdog.start()
        return self

    def stop(self) -> None:
        """Stop reading and close the stream (returns once the thread has seen it, or after a second; a
        stream whose read is stuck is left to its thread rather than closed under it)."""
        self._stop.set()
        self._thread.join(timeout=1.0)
        if self._watchdog.is_alive():
            self._watchdog.join(timeout=1.0)
        if not self._thread.is_alive():
            _close(self.source)

    def deliver(self, hit: Spotted) -> None:
        """A stop found off the microphone's thread (voice/echo_stop.py): queued for the listener like a hit
        of the spotter's."""
        self.segments.put(hit)

    def next_segment(self, timeout: float | None) -> Segment | Early | Spotted | Lost | Back | None:
        """The next utterance, early copy of one (settings.early_seconds), keyword hit, Lost or Back marker;
        None when ``timeout`` seconds pass first."""
        try:
            return self.segments.get(timeout=timeout)
        except queue.Empty:
            return None

    def wait_until_working(self, timeout: float) -> bool:
        """True once the microphone gives sound (at once if it does); False after ``timeout`` seconds."""
        return self._working.wait(timeout)

    def drain(self) -> None:
        """Drop whatever is queued (utterances from before a loss must not answer a later question)."""
        with contextlib.suppress(queue.Empty):
            while True:
                self.segments.get_nowait()

    def _lose(self, reason: str) -> None:
        with self._lock:
            if not self.health.working or self._stop.is_set():
                return
            self.health.lose(reason)
            self._working.clear()
        self.segments.put(Lost(reason))

    def _back(self) -> None:
        self.segmenter = Segmenter(RATE, self.settings)  # its noise floor learnt silence: start afresh
        self._working.set()
        self.segments.put(Back())

    def _current(self, generation: int) -> bool:
        return generation == self._generation and not self._stop.is_set()

    def _run(self, generation: int, source: FrameSource | None) -> None:
        frame_seconds = FRAME_SAMPLES / RATE
        while self._current(generation):
            if source is None:
                source = self._open_again(generation)
                if source is None:
                    return
            try:
                data = source.read(FRAME_SAMPLES)
                if not data:
                    raise EOFError("the microphone stream ended")
            except (OSError, ValueError, EOFError) as err:  # PortAudio's "device unavailable", a closed stream
                if self._current(generation):
                    self._lose(str(err) or type(err).__name__)
                _close(source)
                source = None
                if self.reopen is None:
                    return
                continue
            if not self._current(generation):  # the watchdog gave up on this stream while it stalled
                _close(source)
                return
            self._last_frame = self.wall()
            samples = np.frombuffer(data, dtype="<i2").astype(np.int16)
            start = self.now() - len(samples) / RATE
            echo = self.echo is not None and self.echo.playing(start + frame_seconds / 2, self.echo_tail_seconds)
            with self._lock:
                change = self.health.push(samples, frame_seconds, echo=echo)
            if change is Change.LOST:
                self._working.clear()
                self.segments.put(Lost(str(self.health.lost_reason)))
            elif change is Change.BACK:
                self._back()
            if not self.health.working:
                continue
            self._hear(samples, start, frame_seconds, echo)

    def _hear(self, samples: Samples, start: float, frame_seconds: float, playing: bool) -> None:
        echo, level = playing, rms(samples)
        if self.judge is not None:  # the coach's echo by level, over a window wide enough for the skew
            loud = self.segmenter.db_above_floor(level) >= 9.0
            echo = not self.judge.louder_than_echo(start, frame_seconds, level, loud=loud)
        # A frame while the coach plays is its echo unless clearly louder than that echo: the person's
        # "pause" said as a count ends keeps its first consonant (cut there, Moonshine heard "Oz").
        segment = self.segmenter.push(samples, start, echo=playing and echo, level=level)
        if self.spotter is not None:
            above = self.segmenter.above_floor_db
            self.own_voice.push(start, frame_seconds, not echo and above >= self.spotter.loud_db)
            hit = self.spotter.push(samples, start, echo=echo, above_floor_db=above)
            if hit is not None:
                if self.on_spotted is not None:
                    self.on_spotted(hit)
                self.segments.put(hit)
        early = self.segmenter.take_early()
        if early is not None:
            self.segments.put(early)
        if segment is not None:
            if self.on_segment is not None:
                self.on_segment(segment)
            self.segments.put(segment)

    def _open_again(self, generation: int) -> FrameSource | None:
        """A new stream, tried every ``reopen_every_seconds`` until it opens or the capture stops."""
        assert self.reopen is not None
        self._opening = True
        try:
            while self._current(generation):
                try:
                    source = self.reopen()
                except VoiceError:
                    self._stop.wait(self.health.settings.reopen_every_seconds)
                    continue
                self.source = source
                self._last_frame = self.wall()
                return source
            return None
        finally:
            self._opening = False

    def _watch(self) -> None:
        """The stall watchdog: a read that blocks for ``stall_seconds`` loses the microphone; with
        ``reopen``, a new reader on a new stream takes over (the stalled one closes its stream and ends
        if its read ever returns)."""
        stall = self.health.settings.stall_seconds
        tick = self.wall()
        while not self._stop.wait(WATCH_EVERY):
            previous, tick = tick, self.wall()
            if tick - previous > STARVED:  # this process got no CPU for a while (a loaded machine, a long
                self._last_frame = max(self._last_frame, tick - WATCH_EVERY)  # decode): not the microphone
            if self._opening or tick - self._last_frame < stall:
                continue
            self._lose(f"no sound came from it for {stall:g} seconds")
            self._last_frame = self.wall()
            if self.reopen is None:
                continue
            with self._lock:
                self._generation += 1
                generation = self._generation
            self._thread = threading.Thread(target=self._run, args=(generation, None), name="microphone",
                                            daemon=True)
            self._thread.start()


def _close(source: FrameSource | None) -> None:
    close = getattr(source, "close", None)
    if close is not None:
        with contextlib.suppress(Exception):  # the device is already gone
            close()


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
