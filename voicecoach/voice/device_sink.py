"""The sound device as a Sink: one PyAudio output stream kept open and fed by a writer thread, clips
mixed in at the sample that is heard at their start time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from voicecoach.voice.errors import OutputDeviceError
from voicecoach.voice.pcm import Samples
from voicecoach.voice.quiet import quiet_stderr
from voicecoach.voice.sink import RATE

CHUNK = 256
"""Frames per device write (11.6 ms at 22050 Hz)."""


class DeviceSink:
    """The sound device through PyAudio: one output stream kept open and fed by a writer thread.

    The writer writes silence when nothing plays, so the device's buffer is always full and the
    time a sample is heard is known: the sample about to be written is heard ``latency`` seconds
    after a blocking write returns (PortAudio's output latency, the buffer ahead of the DAC). That
    estimate, smoothed over writes, maps sample positions to monotonic time, and a clip scheduled at
    time t is mixed in at the sample heard at t.
    """

    def __init__(self, rate: int = RATE, device: int | None = None, *, extra_latency: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self.extra_latency = extra_latency
        """Added to PortAudio's figure: a constant the path adds beyond it (measured, e.g. a sound server's)."""
        self._lock = threading.Lock()
        self._pending: list[tuple[int, Samples]] = []
        self._written = 0
        self._anchor: tuple[int, float] | None = None
        self._error: OutputDeviceError | None = None
        self._running = True
        self._pa, self._stream = _open_stream(rate, device)
        self.latency = float(self._stream.get_output_latency()) + extra_latency
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
            self._pending.append((first, samples))
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
        self._thread.join(1.0)
        try:
            self._stream.stop_stream()
            self._stream.close()
        except OSError:
            pass
        self._pa.terminate()

    def _time_of(self, index: int) -> float:
        if self._anchor is None:
            return self.clock() + self.latency + (index - self._written) / self.rate
        at_index, at_time = self._anchor
        return at_time + (index - at_index) / self.rate

    def _index_of(self, t: float) -> int:
        if self._anchor is None:
            return self._written + round((t - self.clock() - self.latency) * self.rate)
        at_index, at_time = self._anchor
        return at_index + round((t - at_time) * self.rate)

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
                self._track(wrote)
            self._started.set()

    def _track(self, wrote: float) -> None:
        """Update the sample-to-time map: the sample about to be written is heard ``latency`` from now."""
        measured = wrote + self.latency
        if self._anchor is None:
            self._anchor = (self._written, measured)
            return
        predicted = self._time_of(self._written)
        error = measured - predicted
        if abs(error) > 0.1:  # a stall (underrun, suspend): start the map again
            self._anchor = (self._written, measured)
        elif error < 0:  # blocking writes return late, never early: follow the earliest returns
            self._anchor = (self._written, predicted + 0.2 * error)
        else:
            self._anchor = (self._written, predicted + 0.002 * error)

    def _mix(self, silence: Samples) -> Samples:
        """The next chunk: pending clips mixed in at their sample positions."""
        start, end = self._written, self._written + CHUNK
        if not self._pending:
            return silence
        out = np.zeros(CHUNK, dtype=np.int32)
        keep = []
        for first, samples in self._pending:
            if first >= end:
                keep.append((first, samples))
                continue
            lo, hi = max(start, first), min(end, first + len(samples))
            if hi > lo:
                out[lo - start : hi - start] += samples[lo - first : hi - first]
            if first + len(samples) > end:
                keep.append((first, samples))
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
