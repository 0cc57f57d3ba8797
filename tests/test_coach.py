"""The exercise coach on a fake clock: counts, rests, sets, sides and every command."""

import itertools

import pytest

from tests.fakes import Reply, rig
from voicecoach.coach.catalogue import plan_item, timing
from voicecoach.coach.coach import ExerciseCoach
from voicecoach.domain.endings import How, SessionOver
from voicecoach.record import fold


def coach_for(replies, **kwargs):
    r = rig(replies)
    return r, ExerciseCoach(r.conversation, timing(), clock=r.clock, emit=r.conversation.emit, **kwargs)


def counts(r):
    return [(e.set, e.hold, e.rep, e.n) for e in r.of_type("count")]


def said_at(r, text):
    return [t for t, said in r.speaker.lines if said == text]


def test_bridge_counts_every_second_of_three_holds_with_rests():
    r, coach = coach_for([])
    status = coach.run(plan_item("E2"))
    assert status == "completed"
    assert counts(r) == [(1, hold, None, n) for hold in (1, 2, 3) for n in range(1, 11)]
    holds = said_at(r, "Lift your pelvis off the floor... now. Hold.")
    releases = said_at(r, "And lower.")
    assert len(holds) == 3 and len(releases) == 3
    for start, end in zip(holds, releases, strict=True):
        assert end - start == pytest.approx(10.0)
    assert [e.held_seconds for e in r.of_type("hold_done")] == [10.0, 10.0, 10.0]
    assert [e.seconds for e in r.of_type("rest")] == [10.0, 10.0]
    assert holds[1] - releases[0] == pytest.approx(10.0)


def test_each_count_is_said_on_its_second():
    r, coach = coach_for([])
    coach.run(plan_item("E2"))
    start = said_at(r, "Lift your pelvis off the floor... now. Hold.")[0]
    first_hold = [e for e in r.of_type("count") if e.hold == 1]
    assert [e.scheduled - start for e in first_hold] == [float(n) for n in range(1, 11)]
    assert [e.t for e in first_hold] == [e.scheduled for e in first_hold]


def test_counts_do_not_drift_when_speaking_takes_time():
    r, coach = coach_for([])
    say = r.speaker.say

    def slow_say(text):
        say(text)
        r.clock.t += 0.4  # every line takes 0.4 s to speak

    r.speaker.say = slow_say
    coach.run(plan_item("E2", start="standard").with_dose(reps=1))
    hold_said = said_at(r, "Lift your pelvis off the floor... now. Hold.")[0]
    start = hold_said + 0.4
    assert [t for t, text in r.speaker.lines if text.isdigit()] == [start + n for n in range(1, 11)]


def test_back_extension_counts_ten_reps_three_times_with_rests_between_sets():
    r, coach = coach_for([])
    assert coach.run(plan_item("E3")) == "completed"
    (report,) = fold(r.events).exercises
    assert counts(r) == [(s, None, n, n) for s in (1, 2, 3) for n in range(1, 11)]
    assert [e.seconds for e in r.of_type("rest")] == [30.0, 30.0]
    assert report.reps_done == 30 and report.sets_done == 3
    first_set = [e.scheduled for e in r.of_type("count") if e.set == 1]
    assert [b - a for a, b in itertools.pairwise(first_set)] == [3.0] * 9
    assert "10 seconds left." in r.speaker.texts
    assert r.speaker.texts.count("and down") == 30


def test_knee_to_chest_on_both_sides_switches_sides():
    r, coach = coach_for([])
    coach.run(plan_item("E1", "both"))
    assert [e.side for e in r.of_type("hold_done")] == ["left"] * 3 + ["right"] * 3
    assert "Switch sides." in r.speaker.texts
    assert any("Grab your right knee" in t for t in r.speaker.texts)


def test_knee_to_chest_on_the_painful_side_only():
    r, coach = coach_for([])
    coach.run(plan_item("E1", "left"))
    assert [e.side for e in r.of_type("hold_done")] == ["left"] * 3
    assert "Switch sides." not in r.speaker.texts


def test_single_leg_bridge_is_done_on_each_side():
    r, coach = coach_for([])
    coach.run(plan_item("E2", start="single-leg bridge"))
    assert [e.side for e in r.of_type("hold_done")] == ["left"] * 3 + ["right"] * 3
    assert any("stretch your left leg" in t for t in r.speaker.texts)


def first_hold_start(r):
    return said_at(r, "Lift your pelvis off the floor... now. Hold.")[0]


# The bridge's first hold starts at 5 s (after the 5 s get-ready); its count n is due at 5 + n.
HOLD_START = 5.0


def test_stop_during_a_hold_stops_at_once_and_asks_if_the_pain_is_worse():
    r, coach = coach_for([Reply("stop", at=HOLD_START + 4.5), "yes"])
    with pytest.raises(SessionOver) as over:
        coach.run(plan_item("E2"))
    assert over.value.how is How.STOPPED
    assert counts(r)[-1] == (1, 1, None, 4)
    assert r.of_type("asked")[0].id == "WORSE"
    assert r.of_type("asked")[0].t == pytest.approx(HOLD_START + 4.5)
    assert r.speaker.hushed == [pytest.approx(HOLD_START + 4.5)]  # what was playing or queued is cut first
    assert "If the pain stays worse, please see a doctor or a physiotherapist." in r.speaker.texts[-1]
    assert r.of_type("exercise_done")[-1].status == "stopped"


@pytest.mark.parametrize("word", ["ouch", "pain", "it hurts"])
def test_pain_words_stop_like_stop(word):
    r, coach = coach_for([Reply(word, at=HOLD_START + 2.5), "yes"])
    with pytest.raises(SessionOver):
        coach.run(plan_item("E2"))
    assert [e.name for e in r.of_type("command")] == ["stop"]
    assert r.speaker.hushed == [pytest.approx(HOLD_START + 2.5)]


def test_an_unclear_answer_to_worse_is_taken_as_worse():
    r, coach = coach_for([Reply("stop", at=HOLD_START + 2.5), "hmm", "uh", "what"])
    with pytest.raises(SessionOver):
        coach.run(plan_item("E2"))
    assert "Then we stop for today" in r.speaker.texts[-1]


def test_not_worse_and_carry_on_resumes_the_hold_where_it_stopped():
    r, coach = coach_for([Reply("stop", at=HOLD_START + 4.5), "no", "yes"])
    status = coach.run(plan_item("E2"))
    assert status == "completed"
    first = [e.n for e in r.of_type("count") if e.hold == 1]
    assert first == list(range(1, 11))


def test_not_worse_but_no_carry_on_stops_the_session():
    r, coach = coach_for([Reply("stop", at=HOLD_START + 4.5), "no", "no"])
    with pytest.raises(SessionOver) as over:
        coach.run(plan_item("E2"))
    assert over.value.how is How.STOPPED


def test_pause_then_resume_carries_on_from_the_count_where_it_paused():
    r, coach = coach_for([Reply("pause", at=HOLD_START + 4.5), Reply("resume", at=60.0)])
    coach.run(plan_item("E2"))
    first = [e for e in r.of_type("count") if e.hold == 1]
    assert [e.n for e in first] == list(range(1, 11))
    assert first[4].t == pytest.approx(61.0)  # count 5 one second after the resume
    assert r.of_type("hold_done")[0].held_seconds == pytest.approx(10.0)
    assert "Paused. Say resume when you are ready." in r.speaker.texts


def test_while_paused_other_commands_keep_it_paused_and_stop_still_works():
    r, coach = coach_for([Reply("pause", at=HOLD_START + 1.5), Reply("faster", at=20.0), Reply("stop", at=30.0), "yes"])
    with pytest.raises(SessionOver):
        coach.run(plan_item("E2"))
    assert "Still paused. Say resume when you are ready, or stop to finish." in r.speaker.texts
    assert r.of_type("asked")[0].id == "WORSE"


def test_pause_during_a_rest_makes_the_rest_longer():
    # First rest: from 15 s (end of hold 1) to 25 s. Pause 2 s into it for 20 s.
    r, coach = coach_for([Reply("pause", at=17.0), Reply("resume", at=37.0)])
    coach.run(plan_item("E2"))
    holds = said_at(r, "Lift your pelvis off the floor... now. Hold.")
    assert holds[1] == pytest.approx(45.0)


def test_skip_ends_the_exercise_and_says_so():
    r, coach = coach_for([Reply("skip", at=HOLD_START + 3.5)])
    status = coach.run(plan_item("E2"))
    assert status == "skipped"
    assert counts(r)[-1] == (1, 1, None, 3)
    assert r.speaker.texts[-1] == "Skipping the bridge."


def test_numbness_stops_and_refers():
    r, coach = coach_for([Reply("tingling", at=HOLD_START + 3.5)])
    with pytest.raises(SessionOver) as over:
        coach.run(plan_item("E2"))
    assert over.value.how is How.REFERRED
    assert "numbness or tingling needs a doctor's check" in r.speaker.texts[-1]


def test_slower_and_faster_change_the_pace_of_reps_within_bounds():
    # E3 set 1: get ready 5 s, count 1 at 6 s, 3 s a rep. A new pace applies from the next rep
    # that is scheduled: "slower" at 7 s makes rep 2 -> 3 a 3.5 s gap; "slower" at 8 s, heard
    # while rep 2 is already scheduled, makes rep 3 -> 4 a 4 s gap.
    r, coach = coach_for([Reply("slower", at=7.0), Reply("slower", at=8.0)])
    coach.run(plan_item("E3").with_dose(reps=4, sets=1))
    times = [e.scheduled for e in r.of_type("count")]
    assert times == [6.0, 9.0, 12.5, 16.5]
    assert "Slower: one lift every 3.5 seconds." in r.speaker.texts
    assert "Slower: one lift every 4 seconds." in r.speaker.texts


def test_faster_stops_at_the_fastest_pace():
    replies = [Reply("faster", at=6.5 + i * 0.1) for i in range(4)]
    r, coach = coach_for(replies)
    coach.run(plan_item("E3").with_dose(reps=3, sets=1))
    assert "That is already the fastest pace." in r.speaker.texts
    assert coach.pace.seconds == timing().cadence_min_seconds


def test_slower_during_a_hold_explains_that_holds_are_seconds():
    r, coach = coach_for([Reply("slower", at=HOLD_START + 2.5)])
    coach.run(plan_item("E2"))
    assert any("Holds are counted in seconds" in t for t in r.speaker.texts)
    assert [e.n for e in r.of_type("count")][:10] == list(range(1, 11))


def test_how_many_left_help_and_repeat():
    r, coach = coach_for([Reply("how many left", at=HOLD_START + 4.0), Reply("help", at=HOLD_START + 6.0),
                          Reply("repeat", at=HOLD_START + 7.0)])
    coach.run(plan_item("E2"))
    assert "6 seconds left in this hold. Then 2 more." in r.speaker.texts
    assert any(t.startswith("You can say: stop, pause") for t in r.speaker.texts)
    assert said_at(r, "Lift your pelvis off the floor... now. Hold.")[1] == HOLD_START + 7.0
    assert [e.name for e in r.of_type("command")] == ["how_many_left", "help", "repeat"]


def test_resume_when_not_paused():
    r, coach = coach_for([Reply("resume", at=HOLD_START + 2.0)])
    coach.run(plan_item("E2"))
    assert "We are not paused." in r.speaker.texts


def test_late_pregnancy_rests_are_taken_on_the_side():
    r, coach = coach_for([], max_supine_seconds=60)
    coach.run(plan_item("E1", "left"))
    assert "Roll onto your side and rest for 10 seconds." in r.speaker.texts


def test_gentle_start_says_to_go_gently():
    r, coach = coach_for([])
    coach.run(plan_item("E3", start="gentle"))
    assert any("as far as is comfortable" in t for t in r.speaker.texts)
    assert [e.n for e in r.of_type("count")] == list(range(1, 6)) * 3


def test_how_many_left_in_the_last_set_of_reps():
    # E3 with one set of 4: count 1 at 6 s, 3 s a rep; at 10 s rep 2 is under way.
    r, coach = coach_for([Reply("how many left", at=10.0)])
    coach.run(plan_item("E3").with_dose(reps=4, sets=1))
    assert "3 lifts left in this set." in r.speaker.texts


def test_how_many_left_in_a_rest_counts_from_the_end_moved_by_a_pause():
    # First rest: 15 s to 25 s. Paused at 17 s for 20 s, so it now ends at 45 s; asked at 38 s.
    r, coach = coach_for([Reply("pause", at=17.0), Reply("resume", at=37.0), Reply("how many left", at=38.0)])
    coach.run(plan_item("E2"))
    assert "7 seconds of rest left." in r.speaker.texts


def test_listening_is_announced_for_questions_but_not_while_counting():
    r, coach = coach_for([Reply("stop", at=HOLD_START + 3.0), "no", "yes"])
    coach.run(plan_item("E2"))
    listening = r.of_type("listening")
    asked = r.of_type("asked")
    assert [e.t for e in listening] == [e.t for e in asked]  # one per question, none for the counting
    assert all("yes_no" in e.expect for e in listening)
def test_cue_sounds_mark_get_ready_start_release_rest_over_and_set_done():
    from voicecoach.ports import Sound  # noqa: PLC0415

    r, coach = coach_for([])
    coach.run(plan_item("E2").with_dose(reps=2, sets=2, hold_seconds=10))
    cues = [(t, sound) for t, sound, _ in r.speaker.cues]
    # get ready 5 s; hold 5..15; rest 10 s; hold 25..35; set done; rest 30 s; hold 65..75; rest; hold 85..95
    assert cues == [
        (0.0, Sound.GET_READY),
        (5.0, Sound.START), (15.0, Sound.RELEASE), (25.0, Sound.REST_OVER),
        (25.0, Sound.START), (35.0, Sound.RELEASE), (35.0, Sound.SET_DONE), (65.0, Sound.REST_OVER),
        (65.0, Sound.START), (75.0, Sound.RELEASE), (85.0, Sound.REST_OVER),
        (85.0, Sound.START), (95.0, Sound.RELEASE), (95.0, Sound.SET_DONE),
    ]
    releases = [deadline for _, sound, deadline in r.speaker.cues if sound is Sound.RELEASE]
    assert releases == [15.0, 35.0, 75.0, 95.0]  # at the hold's end, scheduled


def test_reps_are_cued_to_start_and_release():
    from voicecoach.ports import Sound  # noqa: PLC0415

    r, coach = coach_for([])
    coach.run(plan_item("E3").with_dose(reps=2, sets=1))
    assert [sound for _, sound, _ in r.speaker.cues] == [Sound.GET_READY, Sound.START, Sound.RELEASE, Sound.SET_DONE]


def test_a_speaker_that_needs_a_lead_gets_each_count_that_much_before_its_deadline():
    r, coach = coach_for([])
    handed = []
    r.speaker.lead_seconds = 0.2
    say_at = r.speaker.say_at

    def early(deadline, text):
        handed.append((r.clock.now(), deadline))
        say_at(deadline, text)

    r.speaker.say_at = early
    coach.run(plan_item("E2").with_dose(reps=1))
    assert len(handed) == 10
    assert all(deadline - now == pytest.approx(0.2) for now, deadline in handed)
    assert [e.held_seconds for e in r.of_type("hold_done")] == [10.0]


@pytest.mark.parametrize("word", ["ready", "i'm ready", "okay"])
def test_while_paused_ready_resumes_like_resume(word):
    """CLINICAL.md section 8: the coach says "say resume when you are ready", so "ready" resumes too."""
    r, coach = coach_for([Reply("pause", at=HOLD_START + 4.5), Reply(word, at=60.0)])
    status = coach.run(plan_item("E2"))
    assert status == "completed"
    assert [e.n for e in r.of_type("count") if e.hold == 1] == list(range(1, 11))
    assert "Resuming." in r.speaker.texts


def test_while_paused_a_plain_yes_does_not_resume():
    r, coach = coach_for([Reply("pause", at=HOLD_START + 1.5), Reply("yes", at=20.0), Reply("resume", at=30.0)])
    coach.run(plan_item("E2"))
    texts = r.speaker.texts
    still = texts.index("Still paused. Say resume when you are ready, or stop to finish.")
    assert texts[still + 1] == "Resuming."
    assert next(t for t, said in r.speaker.lines if said == "Resuming.") == pytest.approx(30.0)


def test_numbness_while_paused_refers_rather_than_asking_about_pain():
    r, coach = coach_for([Reply("pause", at=HOLD_START + 1.5), Reply("pins and needles", at=20.0)])
    with pytest.raises(SessionOver) as over:
        coach.run(plan_item("E2"))
    assert over.value.how is How.REFERRED
    assert "numbness or tingling needs a doctor's check" in r.speaker.texts[-1]
    assert not [e for e in r.of_type("asked") if e.id == "WORSE"]


def test_numbness_in_answer_to_the_worse_question_refers():
    r, coach = coach_for([Reply("stop", at=HOLD_START + 4.5), "tingling"])
    with pytest.raises(SessionOver) as over:
        coach.run(plan_item("E2"))
    assert over.value.how is How.REFERRED
