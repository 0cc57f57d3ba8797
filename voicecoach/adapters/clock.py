"""The real clock: monotonic time, optionally scaled for tests and demos (--time-scale)."""

from __future__ import annotations

import time


class ScaledClock:
    """Coach time on the monotonic clock; every wait lasts ``scale`` times as long in real time.

    scale 1 is real time; 0.1 runs ten times faster; 0 does not wait at all (coach time then only
    moves forward when something waits for it, so deadlines and transcripts stay meaningful).
    """

    def __init__(self, scale: float = 1.0) -> None:
        if scale < 0:
            raise ValueError("time scale must be 0 or more")
        self.scale = scale
        self._real_start = time.monotonic()
        self._virtual = 0.0

    def now(self) -> float:
        """Seconds of coach time since the clock was made."""
        if self.scale == 0:
            return self._virtual
        return (time.monotonic() - self._real_start) / self.scale

    def sleep_until(self, deadline: float) -> None:
        """Block until coach time reaches the deadline."""
        if self.scale == 0:
            self._virtual = max(self._virtual, deadline)
            return
        while (remaining := (deadline - self.now()) * self.scale) > 0:
            time.sleep(remaining)

    def monotonic_at(self, t: float) -> float:
        """The ``time.monotonic()`` reading at coach time ``t`` (the sound device's clock)."""
        return self._real_start + t * self.scale

    def real_seconds_until(self, deadline: float | None) -> float | None:
        """Real seconds until a coach-time deadline (None: no deadline); 0 when it has passed."""
        if deadline is None:
            return None
        return max(0.0, (deadline - self.now()) * self.scale)
