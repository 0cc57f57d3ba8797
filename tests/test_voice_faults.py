"""Faults in voice mode, each on the private PulseAudio rig with the real `voicecoach` process, real
audio and a simulated person (tests/voice_session.py): devices unplugged and plugged back, the sound
server restarted, the recogniser failing to load, a busy CPU, two sessions at once.

Each waits for a moment of the session in the transcript, does the fault to the sound system, and
checks what the person is told, how the session goes on (or ends), and what the history keeps.
How long a lost device is waited for is injected (VOICECOACH_DEVICE_WAIT) to keep the tests short.
"""

from __future__ import annotations

import time

from tests.pulse import ECHO, ROOM, ROOM_TONE, Pulse, plug_back, unplug
from tests.voice_session import FAST_SPEECH, VoiceSession, count, device

HOLD = ["exercise", "bridge", "--reps", "1", "--hold", "8", *FAST_SPEECH]
"""One 8-second bridge hold: the shortest session with a hold in it."""
PAIN = {"PAIN_BEFORE": "three", "PAIN_AFTER": "two"}


def test_microphone_unplugged_mid_hold_and_plugged_back_carries_on_where_it_was(pulse: Pulse, tmp_path):
    """The room's source (the microphone) is removed at count 3: PulseAudio moves the coach's stream to
    the only source left (the speaker's monitor: digital silence between the coach's words). The coach
    says so, waits, and when the microphone is back asks to carry on; "yes" goes on with the same hold."""
    session = VoiceSession(pulse, tmp_path, HOLD, {**PAIN, "DEVICE_BACK": "yes"},
                           env={"VOICECOACH_DEVICE_WAIT": "30"}).start()
    session.wait_for(count(3))
    unplug(pulse, "room")
    try:
        lost = session.wait_for(device("lost"), timeout=20)
        time.sleep(1.0)
    finally:
        plug_back(pulse, ROOM, ECHO, ROOM_TONE)
    code, err = session.finish()
    assert "Traceback" not in err, err[-3000:]
    assert code == 0, (code, err[-2000:])
    assert lost["devices"] == ["microphone"]
    assert "microphone stopped working" in err and "I will wait 30 seconds" in err  # on the screen
    events = session.events()
    said = [e["text"] for e in events if e["type"] == "said"]
    assert any("The microphone stopped working." in s for s in said)
    assert any(e["type"] == "device" and e["state"] == "back" for e in events)
    assert {"type": "answered", "id": "DEVICE_BACK", "value": "yes"}.items() <= next(
        e for e in events if e["type"] == "answered" and e["id"] == "DEVICE_BACK").items()
    after = [e["n"] for e in events[events.index(next(e for e in events if e["type"] == "device")):]
             if e["type"] == "count"]
    assert after and after[-1] == 8 and after[0] > 1  # the hold went on from where it was, to its end
    (hold,) = [e for e in events if e["type"] == "hold_done"]
    assert hold["held_seconds"] >= 8
    (kept,) = session.history()
    assert kept["how"] == "finished"
    assert session.summary()["how"] == "finished"


def test_microphone_unplugged_and_not_back_in_time_keeps_the_session_as_interrupted(pulse: Pulse, tmp_path):
    session = VoiceSession(pulse, tmp_path, HOLD, PAIN, env={"VOICECOACH_DEVICE_WAIT": "3"}).start()
    session.wait_for(count(3))
    unplug(pulse, "room")
    try:
        code, err = session.finish(timeout=60)
    finally:
        plug_back(pulse, ROOM, ECHO, ROOM_TONE)
    assert "Traceback" not in err, err[-3000:]
    assert code == 6, (code, err[-2000:])
    assert "microphone stopped working" in err and "did not come back within 3 seconds" in err
    assert "Everything so far is kept" in err and "--text" in err
    events = session.events()
    assert [e["state"] for e in events if e["type"] == "device"] == ["lost", "gone"]
    assert events[-1]["type"] == "session_end" and events[-1]["how"] == "interrupted"
    (kept,) = session.history()
    assert kept["how"] == "interrupted"
