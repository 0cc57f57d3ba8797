"""Property: no sequence of replies starts an exercise after a red flag answered yes or left unclear."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes import SILENCE, Reply, rig
from tests.triage_helpers import ASKED_RED_FLAGS
from voicecoach.domain.endings import How
from voicecoach.session import Session
from voicecoach.triage.guards import TriageContext

RED_FLAGS = set(ASKED_RED_FLAGS)

replies = st.one_of(
    st.sampled_from(["yes", "no", "y", "n", "yeah", "nope", "ready", "skip", "maybe", "garbage", "", "5", "11",
                     "repeat", "help", SILENCE]),
    st.builds(Reply, st.sampled_from(["yes", "no"]), confidence=st.floats(0.0, 1.0)),
    st.builds(Reply, st.sampled_from(["yes", "no", "hello"]), rejected=st.just(True)),
    st.text(max_size=12),
)


# Scripts that get past the opening and answer mostly "no": they reach the exercises often, so the
# property below is tested where it matters, not only on scripts that never get that far.
mostly_no = st.lists(st.one_of(*[st.just("no")] * 9, replies), max_size=60).map(lambda tail: ["yes", *tail])


def run(script, carried_over=None):
    r = rig(script, answer_timeout=8.0)
    report = Session(r.conversation, TriageContext(carried_over=carried_over)).run("session")
    return r, report


def red_flag_raised(r):
    return any(e.id in RED_FLAGS and e.value in ("yes", "unclear") for e in r.of_type("answered"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(replies, max_size=60), mostly_no))
def test_no_exercise_after_a_red_flag_yes_or_unclear(script):
    r, report = run(script)
    started = r.of_type("exercise_started")
    if red_flag_raised(r):
        assert not started
        assert report.how in (How.REFERRED, How.STOPPED, How.NO_INPUT)
    if started:
        answered = {e.id: e.value for e in r.of_type("answered")}
        assert all(answered.get(q) == "no" for q in RED_FLAGS), answered
        assert report.triage is not None and not report.triage.red_flag


@settings(max_examples=200, deadline=None)
@given(mostly_no)
def test_all_red_flags_answered_no_before_any_exercise_even_when_scripts_stop_early(script):
    r, _ = run(script)
    events = r.events
    first_exercise = next((i for i, e in enumerate(events) if e.type == "exercise_started"), None)
    if first_exercise is not None:
        before = {e.id for e in events[:first_exercise] if e.type == "answered" and e.value == "no"}
        assert before >= RED_FLAGS


@settings(max_examples=200, deadline=None)
@given(st.lists(replies, max_size=40))
def test_a_carried_over_red_flag_needs_a_clear_yes_to_c1(script):
    r, report = run(script, carried_over="URGENT")
    answered = {e.id: e.value for e in r.of_type("answered")}
    if answered.get("C1") != "yes":
        assert not r.of_type("exercise_started")


def test_the_mostly_no_scripts_do_reach_the_exercises():
    """The property is not vacuous: this kind of script starts exercises."""
    r, report = run(["yes", *["no"] * 40])
    assert r.of_type("exercise_started")
