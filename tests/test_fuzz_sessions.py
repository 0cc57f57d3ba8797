"""Fuzzing whole sessions in process (issue 13 part 3): random interleavings of answers, commands,
garbage, silence, timed interruptions, the end of input and Ctrl-C, over one to three sessions that
share a real SQLite history on simulated days. The talking is faked (tests/fakes.py); the triage, the
coach, the quick return, the carry-over and the history are the real ones.

Invariants: no exercise after a red flag answered yes or left unclear, nor after a carried-over red
flag a doctor has not cleared; a quick return only within a week of a clean full triage with nothing
since; every session in the history with how it ended; no exception escapes; no wait without end (the
scripted listener fails the test if the coach would wait for ever).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.fakes import SILENCE, DayClock, Reply, rig
from tests.triage_helpers import ASKED_RED_FLAGS, RED_FLAGS
from voicecoach.coach.catalogue import plan_item
from voicecoach.domain.endings import EXIT_CODES, How
from voicecoach.history.link import attach
from voicecoach.history.store import HistoryStore
from voicecoach.session import Session

ANSWERS = ["yes", "no", "y", "n", "yeah", "nope", "ready", "skip", "check everything", "0", "3", "5", "8", "10",
           "eleven", "-1"]
COMMANDS = ["stop", "pause", "resume", "ready", "repeat", "help", "slower", "faster", "how many left", "ouch", "numb",
            "continue", "wait", "next"]
CARRIED = ("EMERGENCY", "URGENT", "SEE_DOCTOR")
RED_OUTCOMES = (*CARRIED, "UNRESOLVED")

reply = st.one_of(
    st.sampled_from(ANSWERS),
    st.sampled_from(COMMANDS),
    st.text(max_size=15),
    st.just(SILENCE),
    st.builds(Reply, st.sampled_from(COMMANDS + ANSWERS), at=st.floats(0, 400)),
    st.builds(Reply, st.sampled_from(["yes", "no", "five", "three"]), confidence=st.floats(0, 1)),
    st.builds(Reply, st.sampled_from(["yes", "no", "hello"]), rejected=st.just(True)),
)
FULL_NO = ["yes", *["no"] * (len(ASKED_RED_FLAGS) + 9), "ready", "yes", "yes", "yes", "no"]
"""O1, every red flag, P1 and S1-S8b no, the knee test without pain, A0 no: a clean full triage."""
# Scripts start with a way into the session (a clean full triage, a quick return's check-in, a red flag,
# or nothing), then anything: pain scores and "no" often, so that they reach the exercises, where the
# commands, pauses and interruptions matter; fully random ones test the triage and the asking.
opening = st.sampled_from([[], FULL_NO, FULL_NO, FULL_NO, ["yes", "no"], ["yes", "no"], ["yes", "no"], ["yes", "yes"],
                           ["yes"]])
tail = st.lists(st.one_of(st.just("3"), st.just("no"), reply, reply), max_size=40)
script = st.builds(lambda head, rest: [*head, *rest], opening, tail)

@dataclass
class Visit:
    """One session of a simulated person's life."""

    days_later: float
    command: str
    replies: list[Reply | str]
    interrupt_at: int | None
    """Ctrl-C on this call to the listener (None: never)."""
    full_triage: bool
    plan: tuple[str, ...]


visit = st.builds(
    Visit,
    days_later=st.sampled_from([0.0, 0.2, 0.5, 1.0, 3.0, 6.9, 7.0, 8.0]),
    command=st.sampled_from(["session", "session", "session", "triage", "exercise"]),
    replies=script,
    interrupt_at=st.one_of(st.none(), st.none(), st.integers(0, 60)),
    full_triage=st.sampled_from([False, False, True]),
    plan=st.lists(st.sampled_from(["E1", "E2", "E3"]), min_size=1, max_size=2, unique=True).map(tuple),
)


class Interrupting:
    """A listener that raises KeyboardInterrupt (Ctrl-C, or SIGTERM as the CLI maps it) on its n-th call."""

    def __init__(self, inner, at: int | None) -> None:
        self.inner, self.at, self.calls = inner, at, 0

    def listen(self, expect, until):
        self.calls += 1
        if self.at is not None and self.calls > self.at:
            raise KeyboardInterrupt
        return self.inner.listen(expect, until)


def answered(events) -> dict[str, str]:
    return {e.id: e.value for e in events if e.type == "answered"}


def clean_full_triage(record) -> bool:
    """An oracle written apart from history/quick_return.py: every red flag asked, all no, no red outcome."""
    answers = record.answers
    red_ok = all(answers.get(q) == "no" for q in ASKED_RED_FLAGS) and answers.get("R5c", "no") == "no"
    return red_ok and record.outcome is not None and record.outcome not in RED_OUTCOMES


def may_return_quickly(before, now) -> bool:
    """CLINICAL.md section 1 restated: a clean full triage under 7 days old, and nothing since that calls
    for a full one."""
    finished = [s for s in before if s.how != "in_progress"]
    full = [i for i, s in enumerate(finished) if clean_full_triage(s)]
    if not full or not timedelta(0) <= now - finished[full[-1]].started_at < timedelta(days=7):
        return False
    for n, s in enumerate(finished[full[-1]:]):
        rose = s.pain_before is not None and s.pain_after is not None and s.pain_after - s.pain_before >= 2
        if s.outcome in RED_OUTCOMES or s.how == "referred" or rose:
            return False
        flagged = any(s.answers.get(q) in ("yes", "unclear") for q in RED_FLAGS if q != "R5b")
        if n > 0 and (flagged or s.answers.get("R0", "no") != "no"):
            return False
    return True


def cleared_or_nothing_carried(before, events) -> bool:
    """No red-flag outcome waits for a doctor's clearance, or C1 was answered yes today."""
    pending = None
    for s in before:
        if s.answers.get("C1") == "yes":
            pending = None
        if s.outcome in CARRIED:
            pending = s.outcome
    return pending is None or answered(events).get("C1") == "yes"


def run_visit(folder: Path, clock: DayClock, v: Visit):
    store = HistoryStore.open(folder, wall_clock=clock)
    before = store.sessions()
    store.close()
    link = attach(folder, v.command, mode="text", wall_clock=clock, warn=lambda _: None, full_triage=v.full_triage)
    r = rig(v.replies, answer_timeout=8.0)
    r.conversation.listener = Interrupting(r.listener, v.interrupt_at)
    link.connect(r.conversation.emit)
    plan = [plan_item(e) for e in v.plan] if v.command == "exercise" else []
    try:
        report = Session(r.conversation, link.context, progression=link.progression).run(v.command, plan)
    finally:
        link.close()
    return before, r, report


def check(before, r, report, v: Visit, clock: DayClock, after) -> None:
    events, said = r.events, answered(r.events)
    assert report.exit_code == int(EXIT_CODES[report.how])
    assert [e.type for e in events].count("session_end") == 1 and events[-1].type == "session_end"
    started = [e for e in events if e.type == "exercise_started"]
    if started:
        first = events.index(started[0])
        assert report.command != "triage"
        assert not any(e.type == "answered" and e.id in RED_FLAGS and e.id != "R5b" and e.value in ("yes", "unclear")
                       for e in events[:first]), "an exercise after a red flag"
        assert cleared_or_nothing_carried(before, events), "an exercise past a red flag no doctor cleared"
        if report.command == "session":
            full = all(said.get(q) == "no" for q in ASKED_RED_FLAGS)
            quick = said.get("R0") == "no" and not any(q in said for q in RED_FLAGS)
            assert full or quick, said
            if quick:
                assert not v.full_triage and may_return_quickly(before, clock()), "a quick return it was not due"
    if "R0" in said:
        assert report.command == "session" and not v.full_triage and may_return_quickly(before, clock())
    stored = after[-1]
    assert len(after) == len(before) + 1, "every session is kept"
    assert stored.how == report.how.value and stored.exit_code == report.exit_code
    assert stored.command == v.command


first_full = st.builds(
    Visit, days_later=st.just(0.0), command=st.just("session"),
    replies=st.builds(lambda rest: [*FULL_NO, "3", *rest], tail), interrupt_at=st.none(), full_triage=st.just(False),
    plan=st.just(()),
)
"""A first session whose triage is full and clean: the lives that follow it may return quickly."""
comeback = st.builds(
    Visit, days_later=st.sampled_from([0.1, 0.5, 2.0, 6.9, 7.1]), command=st.just("session"),
    replies=st.builds(lambda rest: ["yes", *rest], tail), interrupt_at=st.one_of(st.none(), st.integers(0, 30)),
    full_triage=st.sampled_from([False, False, False, True]), plan=st.just(()),
)
"""A session soon after: a quick return when nothing calls for a full triage."""
returning = st.builds(lambda first, back, rest: [first, back, *rest], first_full, comeback,
                      st.lists(st.one_of(comeback, visit), max_size=1))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(st.lists(visit, min_size=1, max_size=3), returning))
def test_whole_sessions_over_simulated_days_keep_every_safety_invariant(visits):
    with tempfile.TemporaryDirectory() as tmp:
        folder, clock = Path(tmp), DayClock()
        for v in visits:
            clock.now += timedelta(days=v.days_later, minutes=1)
            before, r, report = run_visit(folder, clock, v)
            store = HistoryStore.open(folder, wall_clock=clock)
            after = store.sessions()
            store.close()
            check(before, r, report, v, clock, after)
            event(f"{v.command}: {report.how.value}")
            if r.of_type("exercise_started"):
                event("exercised" + (" after a quick return" if "R0" in answered(r.events) else ""))
            if "R0" in answered(r.events):
                event(f"R0 {answered(r.events)['R0']}")


def test_the_fuzzed_lives_do_reach_quick_returns_and_exercises():
    """The invariants above are not vacuous: these scripts exercise, and return quickly."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, clock = Path(tmp), DayClock()
        full = Visit(0, "session", ["yes", *["no"] * 21, "ready", "yes", "yes", "yes", "no", "3", "3"], None, False,
                     ())
        _, r, report = run_visit(folder, clock, full)
        assert report.how is How.FINISHED and r.of_type("exercise_started")
        clock.now += timedelta(hours=5)
        _, r, report = run_visit(folder, clock, Visit(0, "session", ["yes", "no", "3", "3"], None, False, ()))
        assert answered(r.events)["R0"] == "no" and r.of_type("exercise_started")
