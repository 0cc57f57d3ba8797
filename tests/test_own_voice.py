"""Whether the person is speaking, from the microphone's per-frame judgement (voice/own_voice.py)."""

from voicecoach.voice.own_voice import SETTLE_SECONDS, OwnVoice

FRAME = 0.03


def frames(voice: OwnVoice, start: float, seconds: float, *, own: bool) -> float:
    t = start
    while t < start + seconds - 1e-9:
        voice.push(t, FRAME, own)
        t += FRAME
    return t


def test_nothing_heard_is_decided():
    assert OwnVoice().undecided(5.0) is False


def test_speech_is_undecided_while_it_lasts_and_for_the_settle_time_after():
    voice = OwnVoice()
    t = frames(voice, 0.0, 1.0, own=False)
    t = frames(voice, t, 0.4, own=True)
    assert voice.undecided(t)
    t = frames(voice, t, SETTLE_SECONDS - 0.05, own=False)
    assert voice.undecided(t)
    t = frames(voice, t, 0.1, own=False)
    assert voice.undecided(t) is False


def test_one_loud_frame_is_not_speech():
    voice = OwnVoice()
    t = frames(voice, 0.0, 1.0, own=False)
    t = frames(voice, t, FRAME, own=True)
    assert voice.undecided(t) is False
    t = frames(voice, t, FRAME, own=True)
    assert voice.undecided(t)  # two frames (60 ms): the spotter's own rule for speech
