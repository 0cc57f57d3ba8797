"""Recording a PulseAudio source with parec, each sample stamped on time.monotonic()."""

from __future__ import annotations

import subprocess
import threading
import time

import numpy as np

from voicecoach.voice.pcm import Clip


class MonitorRecorder:
    """Records ``source`` (e.g. speaker.monitor) from now until stop().

    parec's data arrives in chunks; the capture time of sample 0 is estimated as the earliest
    (arrival time - position / rate) over all chunks: a chunk never arrives before its last
    sample was captured, and the promptest chunk bounds the estimate tightly.
    """

    def __init__(self, source: str, rate: int = 22050) -> None:
        self.rate = rate
        self._process = subprocess.Popen(
            ["parec", f"--device={source}", "--raw", "--format=s16le", f"--rate={rate}", "--channels=1",
             "--latency-msec=5", "--process-time-msec=5"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._chunks: list[bytes] = []
        self._t0 = float("inf")
        self._bytes = 0
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        while chunk := self._process.stdout.read1(4096):
            arrived = time.monotonic()
            self._chunks.append(chunk)
            self._bytes += len(chunk)
            self._t0 = min(self._t0, arrived - (self._bytes // 2) / self.rate)

    def stop(self) -> tuple[Clip, float]:
        """The recording and the monotonic time of its first sample."""
        self._process.terminate()
        self._process.wait(5)
        self._thread.join(5)
        data = b"".join(self._chunks)
        samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.int16)
        return Clip(samples, self.rate), self._t0
