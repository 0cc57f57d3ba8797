"""When each sample written to the sound device is heard: a map from sample positions to monotonic time,
kept from the times the device's blocking writes return.

After a blocking write returns at time w, the next sample written is heard ``latency`` later (PortAudio's
output latency: the buffer ahead of the speaker). Returns are late, never early (the writer thread waits
for the CPU), so the map follows early returns quickly and late ones only when they persist: a busy
machine starves the writer, the device runs dry (an underrun), and every later sample is heard that much
later for good. Measured in scripts/bench_speech.py --hogs.
"""

from __future__ import annotations

from collections import deque

STALL_SECONDS = 0.1
"""A jump this large (a long underrun, a suspended device) starts the map again at once."""
LATE_WRITES = 3
"""This many writes in a row returning late (70 ms of 256-sample writes) mean the sound is now heard later."""
LATE_SECONDS = 0.002
"""Below this, lateness is the writer's own wake-up jitter: followed slowly, not as a shift."""


class SampleClock:
    """Sample position <-> monotonic time for one output stream, kept from its writes' return times."""

    def __init__(self, rate: int, latency: float) -> None:
        self.rate = rate
        self.latency = latency
        self._anchor: tuple[int, float] | None = None
        self._late: deque[float] = deque(maxlen=LATE_WRITES)
        self.shifts: list[float] = []
        """Every shift of the map found (seconds later), for benchmarks and the debug log."""

    def time_of(self, index: int, *, written: int, now: float) -> float:
        """When sample ``index`` is heard (``written`` samples so far, ``now`` the clock)."""
        if self._anchor is None:
            return now + self.latency + (index - written) / self.rate
        at_index, at_time = self._anchor
        return at_time + (index - at_index) / self.rate

    def index_of(self, t: float, *, written: int, now: float) -> int:
        """The sample heard at time ``t``."""
        if self._anchor is None:
            return written + round((t - now - self.latency) * self.rate)
        at_index, at_time = self._anchor
        return at_index + round((t - at_time) * self.rate)

    def track(self, written: int, returned: float) -> None:
        """A blocking write returned at ``returned``, ``written`` samples having been written in all."""
        measured = returned + self.latency
        if self._anchor is None:
            self._anchor = (written, measured)
            return
        predicted = self.time_of(written, written=written, now=returned)
        error = measured - predicted
        if abs(error) > STALL_SECONDS:
            self._moved(written, measured, error)
        elif error < 0:  # an early return: the map was late; follow it (smoothed against one odd return)
            self._late.clear()
            self._anchor = (written, predicted + 0.2 * error)
        else:
            self._late.append(error)
            least = min(self._late)
            if len(self._late) == LATE_WRITES and least > LATE_SECONDS:  # every recent return late: moved
                self._moved(written, predicted + least, least)
            else:
                self._anchor = (written, predicted + 0.002 * error)

    def _moved(self, written: int, heard: float, shift: float) -> None:
        self._anchor = (written, heard)
        self._late.clear()
        self.shifts.append(shift)
