"""Pure timing: the schedule of a hold and of repetitions, the pace bounds, the rest reminder."""

from hypothesis import given
from hypothesis import strategies as st

from voicecoach.coach.catalogue import timing
from voicecoach.coach.timeline import Cue, CueKind, Pace, hold_cues, rep_cues, rest_reminder_at


def test_a_hold_counts_each_second_then_releases_on_the_last():
    cues = hold_cues(100.0, 3)
    assert cues == [Cue(101.0, CueKind.COUNT, 1), Cue(102.0, CueKind.COUNT, 2), Cue(103.0, CueKind.COUNT, 3),
                    Cue(103.0, CueKind.RELEASE, 3)]


def test_carrying_on_after_a_pause_leaves_out_the_counts_already_said():
    assert [c.n for c in hold_cues(50.0, 10, done=4) if c.kind is CueKind.COUNT] == [5, 6, 7, 8, 9, 10]
    assert hold_cues(50.0, 10, done=4)[0].at == 55.0


@given(st.floats(0, 1e6), st.integers(1, 120), st.data())
def test_hold_cues_are_on_whole_seconds_from_the_start_and_never_drift(start, seconds, data):
    done = data.draw(st.integers(0, seconds))
    cues = hold_cues(start, seconds, done)
    counts = [c for c in cues if c.kind is CueKind.COUNT]
    assert [c.n for c in counts] == list(range(done + 1, seconds + 1))
    assert all(c.at == start + c.n for c in counts)
    assert cues[-1] == Cue(start + seconds, CueKind.RELEASE, seconds)
    assert [c.at for c in cues] == sorted(c.at for c in cues)


def test_a_rep_is_counted_at_its_start_and_lowered_part_way():
    assert rep_cues(10.0, 4, 3.0, 0.6) == [Cue(10.0, CueKind.COUNT, 4), Cue(10.0 + 1.8, CueKind.LOWER, 4)]


def test_pace_steps_within_bounds():
    t = timing()
    pace = Pace(t.cadence_seconds, t.cadence_min_seconds, t.cadence_max_seconds, t.cadence_step_seconds)
    seen = [pace.seconds]
    while (slower := pace.slower()) is not None:
        pace = slower
        seen.append(pace.seconds)
    assert seen == [3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0]
    while (faster := pace.faster()) is not None:
        pace = faster
    assert pace.seconds == 2.0


def test_rest_reminder_only_for_long_rests():
    assert rest_reminder_at(0.0, 30.0, 20.0) == 20.0
    assert rest_reminder_at(0.0, 10.0, 20.0) is None
