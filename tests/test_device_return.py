"""A sound device lost mid-session, on fakes: what the person is told, waiting for the device, the offer
to carry on, and where the session goes on (the same hold, the same question) or how it ends.

The real devices are in tests/test_voice_faults.py; here the rules, instantly on a fake clock.
"""

import dataclasses

import numpy as np
import pytest

from tests.fakes import FakeClock, Reply, rig
from voicecoach.coach.catalogue import plan_item, timing
from voicecoach.coach.coach import ExerciseCoach
from voicecoach.dialogue.device_return import DeviceReturn
from voicecoach.domain.answers import Answer
from voicecoach.domain.endings import How, SessionOver
from voicecoach.domain.questions import Question
from voicecoach.ports import DeviceLost
from voicecoach.voice.mic_health import Change, HealthSettings, MicHealth

FRAME = 0.03
ZEROS = np.zeros(480, np.int16)
NOISE = (np.random.default_rng(0).standard_normal(480) * 30).astype(np.int16)


class FakeWatch:
    """A device that comes back after ``away`` seconds of the fake clock (None: never)."""

    def __init__(self, clock: FakeClock, away: float | None, devices: tuple[str, ...] = ("microphone",)) -> None:
        self.clock, self.away, self.devices = clock, away, devices
        self.waited: list[float] = []

    def failing(self) -> tuple[str, ...]:
        return self.devices

    def wait_for_return(self, seconds: float) -> bool:
        self.waited.append(seconds)
        if self.away is None or self.away > seconds:
            self.clock.sleep_until(self.clock.now() + seconds)
            return False
        self.clock.sleep_until(self.clock.now() + self.away)
        return True


class LosingListener:
    """Raises DeviceLost once, at ``at`` (clock time), then hands over to the scripted listener."""

    def __init__(self, inner, clock: FakeClock, at: float) -> None:
        self.inner, self.clock, self.at = inner, clock, at
        self.lost = False

    def listen(self, expect, until):
        if not self.lost and (until is None or until >= self.at):
            self.clock.sleep_until(max(self.clock.now(), self.at))
            self.lost = True
            raise DeviceLost("The microphone stopped working (test).")
        return self.inner.listen(expect, until)


def losing_rig(replies, *, at, away, wait=60.0, devices=("microphone",)):
    r = rig(replies)
    watch = FakeWatch(r.clock, away, devices)
    r.conversation.listener = LosingListener(r.listener, r.clock, at)
    shown: list[str] = []
    r.conversation.device_return = DeviceReturn(watch, wait, notify=shown.append)
    return r, watch, shown


def test_microphone_lost_mid_hold_and_back_carries_on_with_the_same_hold():
    r, watch, shown = losing_rig(["yes"], at=12.5, away=4.0)  # the hold starts at 7 s: count 5 is due at 12
    coach = ExerciseCoach(r.conversation, timing(), clock=r.clock, emit=r.conversation.emit)
    status = coach.run(dataclasses.replace(plan_item("E2"), dose=dataclasses.replace(plan_item("E2").dose, reps=1)))
    assert status == "completed"
    assert [e.state for e in r.of_type("device")] == ["lost", "back"]
    assert "The microphone stopped working. Please check it is plugged in and switched on. I will wait 60 " \
           "seconds." in r.speaker.texts
    assert any("I will wait 60 seconds" in line for line in shown)
    assert [(e.id, e.value) for e in r.of_type("answered")] == [("DEVICE_BACK", "yes")]
    ns = [e.n for e in r.of_type("count")]
    assert ns[-1] == 10 and ns.count(1) == 1  # the hold went on from where it was, not from 1
    assert ns == sorted(ns)
    (hold,) = r.of_type("hold_done")
    assert hold.held_seconds == pytest.approx(10.0)


def test_back_but_the_person_would_rather_stop_stops_the_session():
    r, _, _ = losing_rig(["no"], at=12.5, away=2.0)
    coach = ExerciseCoach(r.conversation, timing(), clock=r.clock, emit=r.conversation.emit)
    with pytest.raises(SessionOver) as over:
        coach.run(plan_item("E2"))
    assert over.value.how is How.STOPPED
    assert "OK. We will stop here for today." in r.speaker.texts


def test_not_back_in_time_ends_with_device_lost_saying_so():
    r, watch, shown = losing_rig([], at=12.5, away=None, wait=5.0)
    coach = ExerciseCoach(r.conversation, timing(), clock=r.clock, emit=r.conversation.emit)
    with pytest.raises(DeviceLost, match="did not come back within 5 seconds"):
        coach.run(plan_item("E2"))
    assert watch.waited == [5.0]
    assert [e.state for e in r.of_type("device")] == ["lost", "gone"]


def test_lost_during_a_question_asks_the_same_question_again_after_carrying_on():
    r, _, _ = losing_rig(["yes", "no"], at=0.0, away=1.0)
    question = Question("S1", "Pain in the buttock?")
    assert r.conversation.ask(question) is Answer.NO
    assert [(e.id, e.value) for e in r.of_type("answered")] == [("DEVICE_BACK", "yes"), ("S1", "no")]
    assert [e.id for e in r.of_type("asked")] == ["S1", "DEVICE_BACK", "S1"]


class FailingSpeaker:
    """A speaker whose output fails once (at the ``fail_on``-th count queued)."""

    lead_seconds = 0.0

    def __init__(self, inner, fail_on: int) -> None:
        self.inner, self.fail_on, self.queued = inner, fail_on, 0

    def say(self, text):
        self.inner.say(text)

    def say_at(self, deadline, text):
        self.queued += 1
        if self.queued == self.fail_on:
            raise DeviceLost("The sound output failed (test).")
        self.inner.say_at(deadline, text)

    def cue(self, sound, deadline=None):
        self.inner.cue(sound, deadline)


def test_speaker_lost_mid_hold_is_not_spoken_about_and_the_hold_goes_on_once_it_is_back():
    r = rig([Reply("yes")])
    r.conversation.speaker = FailingSpeaker(r.speaker, fail_on=4)
    shown: list[str] = []
    r.conversation.device_return = DeviceReturn(FakeWatch(r.clock, 3.0, ("speaker",)), 60, notify=shown.append)
    coach = ExerciseCoach(r.conversation, timing(), clock=r.clock, emit=r.conversation.emit)
    one = dataclasses.replace(plan_item("E2"), dose=dataclasses.replace(plan_item("E2").dose, reps=1))
    assert coach.run(one) == "completed"
    assert not any("stopped working" in t for t in r.speaker.texts)  # no voice to say it with: the screen
    assert any("The sound output failed (test). Please check it is plugged in" in line for line in shown)
    ns = [e.n for e in r.of_type("count")]
    assert ns[-1] == 10 and ns.count(1) == 1


def test_without_a_way_to_wait_a_loss_ends_the_session_as_before():
    r = rig([])
    r.conversation.listener = LosingListener(r.listener, r.clock, 12.5)
    with pytest.raises(DeviceLost, match="test"):
        ExerciseCoach(r.conversation, timing(), clock=r.clock, emit=r.conversation.emit).run(plan_item("E2"))


def push(health, frame, n, *, echo=False):
    return [c for _ in range(n) if (c := health.push(frame, FRAME, echo=echo)) is not None]


def test_digital_silence_is_a_lost_microphone_and_real_sound_brings_it_back():
    health = MicHealth(HealthSettings(silent_seconds=2.0, back_seconds=0.3))
    assert push(health, NOISE, 100) == []
    assert push(health, ZEROS, 66) == []  # 1.98 s
    assert push(health, ZEROS, 1) == [Change.LOST] and "unplugged or muted" in str(health.lost_reason)
    assert push(health, NOISE, 9) == []  # 0.27 s of sound
    assert push(health, NOISE, 1) == [Change.BACK] and health.working


def test_a_real_room_never_loses_the_microphone_and_the_coach_s_voice_on_zeros_does_not_count_as_sound():
    health = MicHealth()
    assert push(health, NOISE, 2000) == []  # a minute of a quiet room
    # moved to the speaker's monitor: zeros, with the coach's words (echo) between them
    changes = []
    for _ in range(20):
        changes += push(health, ZEROS, 20) + push(health, NOISE, 13, echo=True)
    assert changes[:1] == [Change.LOST]
    assert push(health, NOISE, 30, echo=True) == []  # still only its own voice: not back
    assert push(health, NOISE, 10) == [Change.BACK]


class Stream:
    """A microphone stream of room noise that fails after ``frames`` reads (None: never), paced a little."""

    def __init__(self, frames=None, *, silent=False):
        self.frames, self.silent, self.reads, self.closed = frames, silent, 0, False

    def read(self, size):
        import time  # noqa: PLC0415

        time.sleep(0.002)
        self.reads += 1
        if self.frames is not None and self.reads > self.frames:
            raise OSError(-9999, "Unanticipated host error")
        return (ZEROS if self.silent else NOISE)[:size].astype("<i2").tobytes()

    def close(self):
        self.closed = True


def items_until(capture, kinds, timeout=5.0):
    """Queue items up to and including the first of ``kinds`` (Lost, Back)."""
    import time  # noqa: PLC0415

    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = capture.next_segment(0.1)
        if item is not None:
            seen.append(type(item).__name__)
            if type(item).__name__ in kinds:
                return seen
    raise AssertionError(f"none of {kinds} came; saw {seen}")


def test_capture_reopens_a_failed_stream_and_reports_lost_then_back():
    from voicecoach.voice.errors import VoiceError  # noqa: PLC0415
    from voicecoach.voice.microphone import Capture  # noqa: PLC0415

    first = Stream(frames=20)
    attempts = []

    def reopen():
        attempts.append(1)
        if len(attempts) < 3:
            raise VoiceError("no such device yet")  # tried again a little later
        return Stream()

    capture = Capture(first, reopen=reopen, health=HealthSettings(reopen_every_seconds=0.01)).start()
    try:
        assert items_until(capture, {"Lost"})[-1] == "Lost"
        assert not capture.working and first.closed
        assert items_until(capture, {"Back"})[-1] == "Back"
        assert capture.working and len(attempts) == 3
    finally:
        capture.stop()


def test_capture_of_a_stream_gone_digitally_silent_reports_it_lost():
    from voicecoach.voice.microphone import Capture  # noqa: PLC0415

    capture = Capture(Stream(silent=True), health=HealthSettings(silent_seconds=0.3)).start()
    try:
        assert items_until(capture, {"Lost"})[-1] == "Lost"
        assert not capture.wait_until_working(0.1)
    finally:
        capture.stop()


class StallingStream(Stream):
    """Blocks (as a stalled stream does) after ``frames`` reads, until released."""

    def __init__(self, frames):
        super().__init__()
        import threading  # noqa: PLC0415

        self.after, self.release = frames, threading.Event()

    def read(self, size):
        if self.reads >= self.after:
            self.release.wait(10)
            raise OSError(-9999, "closed")
        return super().read(size)


def test_a_stalled_stream_is_lost_after_the_stall_time_and_replaced_by_a_new_one():
    from voicecoach.voice.microphone import Capture  # noqa: PLC0415

    stalled = StallingStream(frames=10)
    capture = Capture(stalled, reopen=Stream, health=HealthSettings(stall_seconds=0.5)).start()
    try:
        seen = items_until(capture, {"Lost"})
        assert seen[-1] == "Lost"
        assert items_until(capture, {"Back"})[-1] == "Back"  # a new stream took over while the old one hangs
    finally:
        stalled.release.set()
        capture.stop()
