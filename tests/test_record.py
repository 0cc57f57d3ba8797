"""The fold of the event stream into the session record, on hand-made events (pure; the real sessions'
transcripts are replayed in tests/test_replay.py)."""

from voicecoach.domain.doses import Dose, PlanEntry
from voicecoach.domain.endings import How
from voicecoach.domain.outcomes import ExerciseStatus
from voicecoach.events import (
    Answered,
    CommandHeard,
    Count,
    ExerciseDone,
    ExerciseStarted,
    HoldDone,
    LevelChanged,
    PainScore,
    PlanMade,
    SessionEnd,
    SetDone,
)
from voicecoach.record import fold, step

BRIDGE = Dose("standard", 10, 2, 1)
EXTENSION = Dose("standard", None, 3, 1)
PLAN = PlanMade(items=(PlanEntry("E2", "bridge", None, False, BRIDGE),
                       PlanEntry("E3", "back extension", None, False, EXTENSION)))


def reps(*numbers, set_no=1):
    return [Count(exercise="E3", n=n, set=set_no, rep=n, scheduled=float(n)) for n in numbers]


def test_a_repetition_is_done_when_the_next_is_counted_or_its_set_ends():
    tally = fold([PLAN, ExerciseStarted(exercise="E3", side=None, dose=EXTENSION), *reps(1, 2)])
    assert tally.exercises[1].reps_done == 1, "the second is under way"
    tally = fold([SetDone(exercise="E3", set=1, side=None, reps=3, duration_seconds=9.0)], tally)
    assert (tally.exercises[1].reps_done, tally.exercises[1].sets_done) == (2, 1)


def test_a_repetition_counted_again_after_a_pause_is_the_same_one():
    events = [PLAN, ExerciseStarted(exercise="E3", side=None, dose=EXTENSION), *reps(1, 2),
              CommandHeard(name="pause", exercise="E3"), *reps(2, 3),
              SetDone(exercise="E3", set=1, side=None, reps=3, duration_seconds=12.0),
              ExerciseDone(exercise="E3", status=ExerciseStatus.COMPLETED)]
    e3 = fold(events).exercises[1]
    assert (e3.reps_done, e3.commands, e3.status) == (3, ("pause",), "completed")


def test_holds_pain_answers_level_changes_and_the_ending():
    events = [Answered(id="PAIN_BEFORE", value=3), PainScore(when="before", value=3), PLAN,
              LevelChanged(exercise="E2", from_level="gentle", to_level="standard", direction="up",
                           reason="3 sessions without more pain", said="..."),
              ExerciseStarted(exercise="E2", side=None, dose=BRIDGE),
              HoldDone(exercise="E2", set=1, hold=1, side=None, held_seconds=10.0),
              ExerciseDone(exercise="E2", status=ExerciseStatus.STOPPED),
              SessionEnd(how=How.STOPPED, exit_code=4)]
    tally = fold(events)
    e2, e3 = tally.exercises
    assert (e2.status, e2.holds_done, e2.hold_durations, e2.change, e2.change_from) == (
        "stopped", 1, (10.0,), "up", "gentle")
    assert e3.status == "planned" and tally.begun == (e2,)
    assert (tally.answers, tally.pain_before, tally.how, tally.exit_code) == ({"PAIN_BEFORE": "3"}, 3, "stopped", 4)


def test_an_exercise_begun_without_a_plan_is_recorded_as_it_began():
    tally = step(fold([]), ExerciseStarted(exercise="E2", side=None, dose=Dose("gentle", 5, 3, 1)))
    [e2] = tally.exercises
    assert (e2.exercise, e2.level, e2.gentle, e2.hold_seconds, e2.status) == ("E2", "gentle", True, 5, "started")
