"""The count path (issue 15, point 4): a count's sound is scheduled before any event sink runs, and a
sink that blocks (a history database busy for a second) never makes a count late. Fake clock: the
coach's waits are instant, so "on time" means handed to the speaker at least its lead before the
deadline. Measured at the speaker through the real process in scripts/bench.py."""

from __future__ import annotations

import threading

from tests.fakes import FakeClock, ScriptedListener
from voicecoach.adapters.queued import QueuedSinks
from voicecoach.coach.catalogue import plan_item, timing
from voicecoach.coach.coach import ExerciseCoach
from voicecoach.dialogue.conversation import AskingPolicy, Conversation
from voicecoach.events import Count, Emitter, Event
from voicecoach.ports import Sound

LEAD = 0.12


class SchedulingSpeaker:
    """A voice that queues counts like the real one: say_at returns at once; logs when it was called."""

    lead_seconds = LEAD

    def __init__(self, clock: FakeClock, log: list[tuple[str, object]]) -> None:
        self.clock = clock
        self.log = log
        self.handed: list[tuple[float, float, str]] = []
        """(clock time when handed over, deadline, text) for every count."""

    def say(self, text: str) -> None:
        self.log.append(("said", text))

    def say_at(self, deadline: float, text: str) -> None:
        self.handed.append((self.clock.now(), deadline, text))
        self.log.append(("sound", text))

    def cue(self, sound: Sound, deadline: float | None = None) -> None:
        self.log.append(("cue", sound))

    def hush(self) -> None:
        self.log.append(("hush", None))


def coach_on(sinks: list) -> tuple[FakeClock, SchedulingSpeaker, ExerciseCoach, list[tuple[str, object]]]:
    clock = FakeClock()
    log: list[tuple[str, object]] = []
    speaker = SchedulingSpeaker(clock, log)
    talk = Conversation(speaker=speaker, listener=ScriptedListener(clock, []), clock=clock,
                        emit=Emitter(clock.now, sinks), policy=AskingPolicy())
    return clock, speaker, ExerciseCoach(talk, timing(), clock=clock, emit=talk.emit), log


def late(speaker: SchedulingSpeaker) -> list[float]:
    """How late each count was handed over against its deadline minus the lead (0 when on time)."""
    return [max(0.0, handed - (deadline - LEAD)) for handed, deadline, _ in speaker.handed]


def test_a_counts_sound_is_scheduled_before_the_sinks_hear_of_it():
    log: list[tuple[str, object]] = []

    def sink(event: Event) -> None:
        if isinstance(event, Count):
            log.append(("count event", str(event.n)))

    _, speaker, coach, shared = coach_on([sink])
    speaker.log = log
    coach.run(plan_item("E2").with_dose(reps=1, hold_seconds=5))
    order = [entry for entry in log if entry[0] in ("sound", "count event")]
    assert order == [step for n in range(1, 6) for step in (("sound", str(n)), ("count event", str(n)))]


def test_a_sink_blocking_in_line_makes_the_counts_late():
    """The control: a block of 1.5 s, run in line, does delay the counts."""
    holder: list[FakeClock] = []

    def busy_database(event: Event) -> None:
        if isinstance(event, Count):
            holder[0].sleep_until(holder[0].now() + 1.5)  # a commit waiting 1.5 s for a lock

    clock, speaker, coach, _ = coach_on([busy_database])
    holder.append(clock)
    coach.run(plan_item("E2").with_dose(reps=1, hold_seconds=5))
    assert max(late(speaker)) >= 0.4


def test_a_sink_that_blocks_behind_the_queue_leaves_every_count_on_time():
    release = threading.Event()
    received: list[Event] = []

    def stuck_database(event: Event) -> None:
        release.wait(10)  # blocked until the test lets it go: the coach must not wait for it
        received.append(event)

    queued = QueuedSinks([stuck_database])
    clock, speaker, coach, _ = coach_on([queued])
    coach.run(plan_item("E2").with_dose(reps=2, hold_seconds=5))  # returns while the sink is still blocked
    assert not release.is_set() and received == []
    assert [text for _, _, text in speaker.handed] == [str(n) for n in range(1, 6)] * 2
    assert late(speaker) == [0.0] * 10
    release.set()
    queued.close()
    assert [e.n for e in received if isinstance(e, Count)] == list(range(1, 6)) * 2
    assert received[0].type == "exercise_started" and received[-1].type == "exercise_done"


def test_the_queue_delivers_in_order_to_sinks_added_later_and_survives_a_broken_sink():
    got: list[str] = []
    queued = QueuedSinks()

    def broken(event: Event) -> None:
        raise RuntimeError("disk gone")

    queued.add(broken)
    queued.add(lambda e: got.append(e.type))
    for n in range(3):
        queued(Count(exercise="E2", n=n + 1, set=1, scheduled=float(n)))
    queued.close()
    assert got == ["count"] * 3
