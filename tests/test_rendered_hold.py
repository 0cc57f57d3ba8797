"""A counted hold rendered to audio: the real coach, the real voice (pyttsx3 clips), a fake clock, and
a timeline instead of a sound card. Each count's start is found in the audio itself."""

import itertools

import pytest

from tests.fakes import FakeClock, ScriptedListener
from tests.onsets import nearest, onsets
from voicecoach.coach.catalogue import plan_item, timing
from voicecoach.coach.coach import ExerciseCoach
from voicecoach.dialogue.conversation import AskingPolicy, Conversation
from voicecoach.events import Emitter
from voicecoach.voice.clips import ClipCache
from voicecoach.voice.playback import Player
from voicecoach.voice.render_sink import RenderSink
from voicecoach.voice.speaker import VoiceSpeaker
from voicecoach.voice.synthesis import LEAD_IN, Pyttsx3Synthesiser

DEVICE_LATENCY = 0.1
"""The rendered 'device' needs sound this early: counts are on time only if the coach hands them over early."""


def render_hold(tmp_path, hold_seconds=10, replies=()):
    clock = FakeClock()
    sink = RenderSink(clock, latency=DEVICE_LATENCY)
    speaker = VoiceSpeaker(ClipCache(Pyttsx3Synthesiser("en-us", 150), tmp_path), Player(sink))
    events = []
    conversation = Conversation(speaker=speaker, listener=ScriptedListener(clock, list(replies)), clock=clock,
                                emit=Emitter(clock.now, [events.append]), policy=AskingPolicy())
    coach = ExerciseCoach(conversation, timing(), clock=clock, emit=conversation.emit)
    coach.run(plan_item("E2").with_dose(reps=1, hold_seconds=hold_seconds))
    return sink.rendered(), [e for e in events if e.type == "count"], speaker


def test_every_count_of_a_rendered_hold_starts_within_50_ms_of_its_second(tmp_path):
    audio, counts, speaker = render_hold(tmp_path)
    assert [c.n for c in counts] == list(range(1, 11))
    found = onsets(audio)
    errors = [nearest(found, c.scheduled) - c.scheduled for c in counts]
    assert max(abs(e) for e in errors) < 0.05, errors
    # the whole count is in the air around its deadline, and the log says so
    for c in counts:
        assert speaker.log.playing(c.scheduled + 0.1)
        assert not speaker.log.playing(c.scheduled - 0.3)


def test_a_count_handed_over_late_would_be_heard_late(tmp_path):
    """The check above can fail: the same count queued at its deadline (no lead) lands late."""
    clock = FakeClock(5.0)
    sink = RenderSink(clock, latency=DEVICE_LATENCY)
    speaker = VoiceSpeaker(ClipCache(Pyttsx3Synthesiser("en-us", 150), tmp_path), Player(sink))
    speaker.say_at(5.0, "3")
    start = onsets(sink.rendered())[0]
    assert start - 5.0 == pytest.approx(DEVICE_LATENCY + LEAD_IN, abs=0.01)


def test_the_coach_never_speaks_over_itself(tmp_path):
    audio, counts, speaker = render_hold(tmp_path, hold_seconds=5)
    intervals = speaker.log.intervals()
    assert len(intervals) > 5
    for (_, end), (start, _) in itertools.pairwise(intervals):
        assert start >= end - 1e-9
