"""The sound device as a Sink: one PyAudio output stream kept open and fed by a writer thread, clips
mixed in at the sample that is heard at their start time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from voicecoach.voice.errors import OutputDeviceError
from voicecoach.voice.pcm import Samples
from voicecoach.voice.quiet import quiet_stderr
from voicecoach.voice.sample_clock import SampleClock
from voicecoach.voice.sink import RATE

CHUNK = 256
"""Frames per device write (11.6 ms at 22050 Hz)."""


@dataclass
class _Queued:
    """A clip waiting to be mixed in: placed by time until its first sample is written, then fixed."""

    start: float
    samples: Samples
    first: int | None = None


class DeviceSink:
    """The sound device through PyAudio: one output stream kept open and fed by a writer thread.

    The writer writes silence when nothing plays, so the device's buffer is always full and the time a
    sample is heard is known (:class:`SampleClock`, kept from the writes' return times). A clip is
    queued with its start time and placed at the sample heard then when the writer reaches it, so a
    late shift of the sound (the device ran dry on a busy machine) found meanwhile moves it too.
    """

    def __init__(self, rate: int = RATE, device: int | None = None, *, extra_latency: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self.extra_latency = extra_latency
        """Added to PortAudio's figure: a constant the path adds beyond it (measured, e.g. a sound server's)."""
        self._lock = threading.Lock()
        self._pending: list[_Queued] = []
        self._written = 0
        self._error: OutputDeviceError | None = None
        self._running = True
        self._pa, self._stream = _open_stream(rate, device)
        self.latency = float(self._stream.get_output_latency()) + extra_latency
        self.samples = SampleClock(rate, self.latency)
        """Which sample is heard when."""
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._write_loop, name="voicecoach-playback", daemon=True)
        self._thread.start()
        self._started.wait(2.0)

    def now(self) -> float:
        """See Sink."""
        return self.clock()

    def earliest(self) -> float:
        """See Sink: the next sample to be written (plus a chunk for the write in progress)."""
        with self._lock:
            self._raise_error()
            return self._time_of(self._written + CHUNK)

    def schedule(self, samples: Samples, start: float) -> float:
        """See Sink."""
        with self._lock:
            self._raise_error()
            first = max(self._index_of(start), self._written + CHUNK)
            self._pending.append(_Queued(self._time_of(first), samples))
            return self._time_of(first)

    def sleep_until(self, t: float) -> None:
        """See Sink."""
        while (remaining := t - self.clock()) > 0:
            with self._lock:
                self._raise_error()
            time.sleep(min(remaining, 0.05))
        with self._lock:
            self._raise_error()

    def cut(self) -> float:
        """See Sink: pending clips are dropped; the chunk being written and the device buffer play out."""
        with self._lock:
            self._raise_error()
            self._pending = []
            return self._time_of(self._written + CHUNK)

    def close(self) -> None:
        """See Sink."""
        self._running = False
        self._thread.join(5.0)
        if self._thread.is_alive():  # the writer is stuck in a stalled device: terminating PortAudio under it
            return  # would crash the process (seen as a segfault under load), so it is left to the exit
        try:
            self._stream.stop_stream()
            self._stream.close()
        except OSError:
            pass
        self._pa.terminate()

    def _time_of(self, index: int) -> float:
        return self.samples.time_of(index, written=self._written, now=self.clock())

    def _index_of(self, t: float) -> int:
        return self.samples.index_of(t, written=self._written, now=self.clock())

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _write_loop(self) -> None:
        silence = np.zeros(CHUNK, dtype=np.int16)
        while self._running:
            with self._lock:
                chunk = self._mix(silence)
            try:
                self._stream.write(chunk.tobytes(), CHUNK, exception_on_underflow=False)
            except OSError as err:
                with self._lock:
                    self._error = OutputDeviceError(f"The sound output failed: {err}. Is the speaker still connected?")
                return
            wrote = self.clock()
            with self._lock:
                self._written += CHUNK
                self.samples.track(self._written, wrote)
            self._started.set()

    def _mix(self, silence: Samples) -> Samples:
        """The next chunk: pending clips mixed in at their sample positions (a clip not begun yet is
        placed by its start time now, never over the end of the clip before it)."""
        start, end = self._written, self._written + CHUNK
        if not self._pending:
            return silence
        out = np.zeros(CHUNK, dtype=np.int32)
        keep = []
        floor = start
        for queued in self._pending:
            first = queued.first
            if first is None:
                first = max(self._index_of(queued.start), floor)
                if first < end:
                    queued.first = first
            floor = max(floor, first + len(queued.samples))
            if first >= end:
                keep.append(queued)
                continue
            samples = queued.samples
            lo, hi = max(start, first), min(end, first + len(samples))
            if hi > lo:
                out[lo - start : hi - start] += samples[lo - first : hi - first]
            if first + len(samples) > end:
                keep.append(queued)
        self._pending = keep
        return np.clip(out, -32768, 32767).astype(np.int16)


def _open_stream(rate: int, device: int | None) -> tuple[Any, Any]:
    """PyAudio and an output stream, with the library's probe noise kept off the terminal."""
    try:
        with quiet_stderr():
            import pyaudio  # noqa: PLC0415 (text mode never imports the audio libraries)

            pa = pyaudio.PyAudio()
    except Exception as err:  # ImportError when PortAudio is missing, OSError from PortAudio
        raise OutputDeviceError(f"Sound is not available (PortAudio: {err}).") from None
    try:
        with quiet_stderr():
            stream = pa.open(format=pyaudio.paInt16, channels=1, rate=rate, output=True,
                             output_device_index=device, frames_per_buffer=CHUNK)
    except (OSError, ValueError) as err:
        count = _output_devices(pa)
        pa.terminate()
        hint = "no sound output device was found" if count == 0 else f"the output device failed: {err}"
        raise OutputDeviceError(f"Cannot play sound: {hint}. Check your speaker, or use --text.") from None
    return pa, stream


def _output_devices(pa: Any) -> int:
    try:
        return sum(1 for i in range(pa.get_device_count())
                   if pa.get_device_info_by_index(i).get("maxOutputChannels", 0) > 0)
    except OSError:
        return 0
