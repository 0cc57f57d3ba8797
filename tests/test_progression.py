"""CLINICAL.md section 9 from the history: pure rules on hand-made records, then simulated days on real
SQLite files with the wall clock injected."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes import DayClock
from tests.history_helpers import SI_JOINT, run_session
from voicecoach.coach.catalogue import plan_item
from voicecoach.history.progression import Rules, amount, progress
from voicecoach.history.records import IN_PROGRESS, ExerciseRecord, SessionRecord
from voicecoach.history.store import HistoryStore

RULES = Rules(sessions_to_step_up=3, top_level={"PREGNANCY": {"E2": "standard"}})
START = datetime(2025, 3, 1, 9, tzinfo=UTC)


def done(exercise="E3", level="standard", status="completed", gentle=False, **dose):
    item = plan_item(exercise, start=level)
    d = item.dose
    return ExerciseRecord(exercise=exercise, side=item.side, level=level, gentle=gentle,
                          hold_seconds=dose.get("hold_seconds", d.hold_seconds), reps=dose.get("reps", d.reps),
                          sets=d.sets, per_side=d.per_side, status=status)


def day(n, *exercises, before=3, after=3, how="finished"):
    return SessionRecord(id=n, started_at=START + timedelta(days=n), ended_at=None, mode="text", command="session",
                         how=how, pain_before=before, pain_after=after, exercises=exercises)


def level_today(history, exercise="E3", start="standard", outcome="SI_JOINT"):
    plan, changes = progress([plan_item(exercise, start=start)], outcome, history, RULES)
    return plan[0].dose.level, [c.direction for c in changes]


def test_no_history_keeps_the_triage_level():
    assert level_today([]) == ("standard", [])


def test_three_completed_sessions_without_more_pain_step_up_one_level():
    assert level_today([day(1, done()), day(2, done())]) == ("standard", [])
    assert level_today([day(1, done()), day(2, done()), day(3, done())]) == ("15 lifts", ["up"])


def test_less_pain_counts_as_not_rising():
    history = [day(1, done(), before=5, after=3), day(2, done(), before=4, after=4), day(3, done(), before=3, after=2)]
    assert level_today(history) == ("15 lifts", ["up"])


def test_after_a_step_up_the_count_starts_again_at_the_new_level():
    history = [day(n, done()) for n in range(1, 4)] + [day(4, done(level="15 lifts"))]
    assert level_today(history) == ("15 lifts", [])
    history += [day(5, done(level="15 lifts")), day(6, done(level="15 lifts"))]
    assert level_today(history) == ("20 lifts", ["up"])


@pytest.mark.parametrize("breaker", [
    day(2, done(), before=3, after=4),             # pain rose by 1: not a step down, but not "without more pain"
    day(2, done(status="skipped")),
    day(2, done(status="stopped")),
    day(2, done(status="interrupted"), after=None, how="interrupted"),
    day(2, done(), after=None),                    # no pain score after: cannot say it did not rise
    day(2, done(), before=None),
], ids=["pain+1", "skipped", "stopped", "interrupted", "no-score-after", "no-score-before"])
def test_a_session_that_did_not_go_well_breaks_the_row(breaker):
    history = [day(1, done()), breaker, day(3, done()), day(4, done())]
    assert level_today(history) == ("standard", [])
    assert level_today([*history, day(5, done())]) == ("15 lifts", ["up"])


def test_sessions_without_the_exercise_do_not_break_the_row():
    history = [day(1, done()), day(2, done("E1")), day(3), day(4, done()), day(5, done())]
    assert level_today(history) == ("15 lifts", ["up"])


def test_a_rise_of_two_steps_down_one_level():
    history = [day(1, done(level="20 lifts"), before=2, after=4)]
    assert level_today(history) == ("15 lifts", ["down"])


def test_a_rise_steps_down_below_the_standard_start_but_never_below_the_lowest():
    assert level_today([day(1, done(), before=1, after=5)]) == ("gentle", ["down"])
    assert level_today([day(1, done(level="gentle"), before=1, after=5)]) == ("gentle", ["lowest"])


def test_a_rise_steps_down_even_when_the_exercise_was_stopped():
    assert level_today([day(1, done(level="15 lifts", status="stopped"), before=3, after=6)]) == ("standard", ["down"])


def test_never_above_the_top_level():
    history = [day(n, done(level="20 lifts")) for n in range(1, 6)]
    assert level_today(history) == ("20 lifts", [])


def test_the_bridge_climbs_to_the_single_leg_bridge():
    levels = ["standard", "15 second hold", "20 second hold", "single-leg bridge"]
    for i, level in enumerate(levels[:-1]):
        history = [day(n, done("E2", level=level)) for n in range(1, 4)]
        assert level_today(history, "E2") == (levels[i + 1], ["up"])


def test_pregnancy_keeps_the_bridge_to_short_holds():
    history = [day(n, done("E2", level="gentle", gentle=True)) for n in range(1, 4)]
    assert level_today(history, "E2", "gentle", "PREGNANCY") == ("standard", ["up"])
    history += [day(n, done("E2", level="standard", gentle=True)) for n in range(4, 7)]
    assert level_today(history, "E2", "gentle", "PREGNANCY") == ("standard", [])
    assert level_today(history, "E2", "gentle", "SACROILIITIS_POSSIBLE") == ("15 second hold", ["up"])


def test_a_gentle_start_is_its_own_track():
    standard_track = [day(n, done("E1", level="long hold")) for n in range(1, 4)]
    assert level_today(standard_track, "E1", "gentle", "LOWER_BACK") == ("gentle", []), \
        "a gentle plan starts gently whatever was done on the standard track"
    gentle_track = [day(n, done("E1", level="gentle", gentle=True)) for n in range(4, 7)]
    assert level_today(standard_track + gentle_track, "E1", "gentle", "LOWER_BACK") == ("standard", ["up"])


def test_custom_doses_do_not_count():
    history = [day(n, done(reps=12)) for n in range(1, 4)]
    assert level_today(history) == ("standard", [])


def test_a_session_still_running_elsewhere_does_not_count():
    history = [day(1, done()), day(2, done()), day(3, done(), how=IN_PROGRESS)]
    assert level_today(history) == ("standard", [])


def test_the_announcements():
    _, [up] = progress([plan_item("E2")], "SI_JOINT", [day(n, done("E2", level="20 second hold")) for n in (1, 2, 3)],
                       RULES)
    assert up.said == ("Bridge: the last 3 times you did 20-second holds without more pain; "
                       "today we'll do the single-leg bridge.")
    assert (up.exercise, up.from_level, up.to_level, up.reason) == (
        "E2", "20 second hold", "single-leg bridge", "3 sessions in a row without more pain")
    _, [down] = progress([plan_item("E1", "left")], "SI_JOINT", [day(1, done("E1", level="long hold"), after=6)],
                         RULES)
    assert down.said == ("Knee to chest: last time your pain rose by 3 points, so today we'll step down from "
                         "15-second holds to 10-second holds.")
    _, [lowest] = progress([plan_item("E3", start="gentle")], "SI_JOINT",
                           [day(1, done(level="gentle", gentle=True), after=5)], RULES)
    assert lowest.said == ("Back extension: last time your pain rose by 2 points, so we stay at 5 lifts, "
                           "the gentlest level.")


def test_amounts_as_spoken():
    e2 = plan_item("E2").exercise
    assert [amount(e2, d) for d in e2.levels] == ["5-second holds", "10-second holds", "15-second holds",
                                                  "20-second holds", "the single-leg bridge"]


# --- simulated days on real files -------------------------------------------------------------------


def test_daily_sessions_over_two_weeks(tmp_path):
    clock = DayClock()
    pains = [(4, 3)] * 3 + [(3, 3)] * 3 + [(3, 5)] + [(3, 3)] * 3
    levels = []
    for before, after in pains:
        report, _ = run_session(tmp_path, clock, f"{SI_JOINT}{before}\n{after}\n")
        levels.append({e.exercise: e.level for e in report.exercises})
        clock.next_day()
    assert [day["E3"] for day in levels] == ["standard"] * 3 + ["15 lifts"] * 3 + ["20 lifts", "15 lifts",
                                                                                  "15 lifts", "15 lifts"]
    assert [day["E2"] for day in levels] == ["standard"] * 3 + ["15 second hold"] * 3 + [
        "20 second hold", "15 second hold", "15 second hold", "15 second hold"]
    store = HistoryStore.open(tmp_path)
    sessions = store.sessions()
    assert [s.started_at.date().isoformat() for s in sessions][:3] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert len(store.sessions(since=datetime(2025, 3, 8).date())) == 3
    store.close()


def test_twice_a_day_counts_sessions_not_days(tmp_path):
    clock = DayClock()
    for _ in range(3):
        run_session(tmp_path, clock, f"{SI_JOINT}3\n3\n")
        clock.now += timedelta(hours=8)
    report, lines = run_session(tmp_path, clock, f"{SI_JOINT}3\n3\n")
    assert report.exercises[2].reps == 15
    assert "Back extension: the last 3 times you did 10 lifts without more pain; today we'll do 15 lifts." in lines
