"""The map from samples written to the sound device to when they are heard (voice/sample_clock.py):
pure logic on injected return times, as a busy machine makes them."""

from voicecoach.voice.sample_clock import LATE_WRITES, SampleClock

RATE = 22050
CHUNK = 256
LATENCY = 0.023
STEP = CHUNK / RATE


def written_on_time(clock: SampleClock, writes: int, *, start: int = 0, t0: float = 0.0, late: float = 0.0,
                    jitter: tuple[float, ...] = (0.0,)) -> tuple[int, float]:
    """Feed ``writes`` returns, each ``late`` (plus a jitter cycling through ``jitter``) after its ideal time."""
    index, t = start, t0
    for n in range(writes):
        index += CHUNK
        t += STEP
        clock.track(index, t + late + jitter[n % len(jitter)])
    return index, t


def heard_at(clock: SampleClock, index: int) -> float:
    return clock.time_of(index, written=index, now=0.0)


def test_steady_writes_map_each_sample_to_latency_after_its_write():
    clock = SampleClock(RATE, LATENCY)
    index, t = written_on_time(clock, 50)
    assert abs(heard_at(clock, index) - (t + LATENCY)) < 1e-6
    assert abs(heard_at(clock, index + RATE) - (t + LATENCY + 1.0)) < 1e-6
    assert clock.shifts == []


def test_the_writers_wake_up_jitter_does_not_move_the_map():
    clock = SampleClock(RATE, LATENCY)
    index, t = written_on_time(clock, 200, jitter=(0.0, 0.0015, 0.004, 0.0005, 0.008))
    assert abs(heard_at(clock, index) - (t + LATENCY)) < 0.002
    assert clock.shifts == []


def test_a_device_that_ran_dry_is_heard_later_and_the_map_follows_within_a_few_writes():
    """An underrun of 40 ms: every later sample is heard 40 ms later; the map shifts by it after
    LATE_WRITES late returns (the old rule followed late returns at 0.2% a write: seconds)."""
    clock = SampleClock(RATE, LATENCY)
    index, t = written_on_time(clock, 50)
    index, t = written_on_time(clock, LATE_WRITES, start=index, t0=t, late=0.040, jitter=(0.003, 0.0, 0.001))
    assert abs(heard_at(clock, index) - (t + 0.040 + LATENCY)) < 0.001
    assert len(clock.shifts) == 1 and abs(clock.shifts[0] - 0.040) < 0.001


def test_one_late_return_alone_is_not_a_shift():
    clock = SampleClock(RATE, LATENCY)
    index, t = written_on_time(clock, 50)
    index, t = written_on_time(clock, 1, start=index, t0=t, late=0.030)
    index, t = written_on_time(clock, 20, start=index, t0=t)
    assert abs(heard_at(clock, index) - (t + LATENCY)) < 0.001
    assert clock.shifts == []


def test_a_long_stall_starts_the_map_again_at_once():
    clock = SampleClock(RATE, LATENCY)
    index, t = written_on_time(clock, 50)
    index, t = written_on_time(clock, 1, start=index, t0=t, late=0.5)
    assert abs(heard_at(clock, index) - (t + 0.5 + LATENCY)) < 1e-6


def test_an_early_return_pulls_the_map_earlier():
    clock = SampleClock(RATE, LATENCY)
    index, t = written_on_time(clock, 50)
    index, t = written_on_time(clock, 30, start=index, t0=t, late=-0.010)
    assert abs(heard_at(clock, index) - (t - 0.010 + LATENCY)) < 0.0005
