"""Faults in voice mode, each on a private PulseAudio rig with the real `voicecoach` process, real
audio and a simulated person (tests/voice_session.py): devices unplugged and plugged back, the sound
server restarted, the recogniser failing to load, two sessions at once, a busy CPU.

Each session waits for a moment of the session in its transcript, does the fault to the sound system,
and the test checks what the person is told, how the session goes on (or ends), and what the history
keeps. How long a lost device is waited for is injected (VOICECOACH_DEVICE_WAIT), the coach speaks
fast (--rate), and the sessions of the device faults run three at a time, each with its own sound
server (they mostly wait on speech in real time), to keep CI short.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.onsets import onsets
from tests.pulse import (
    ECHO,
    ROOM,
    ROOM_TONE,
    SPEAKER,
    WARM_UP,
    Pulse,
    pactl,
    plug_back,
    server_command,
    start_pulse,
    unplug,
)
from tests.recorder import MonitorRecorder
from tests.voice_session import FAST_SPEECH, SCRIPT, VoiceSession, count, device
from voicecoach.voice.device_sink import DeviceSink
from voicecoach.voice.pcm import Clip
from voicecoach.voice.playback import Player

HOLD = ["exercise", "bridge", "--reps", "1", "--hold", "8", "--recogniser", "pocketsphinx", *FAST_SPEECH]
"""One 8-second bridge hold: the shortest session with a hold in it. These faults are about the devices,
and their sessions run at the same time: with pocketsphinx (150 MB, light) they do not starve each other
of CPU and memory as eight Moonshine sessions (500 MB each, heavy decoding) did on a loaded 2-core
machine, where answers then went unheard. Moonshine, the default, runs whole sessions by voice in
tests/test_voice_end_to_end.py."""
AT_ONCE = 3
"""Fault sessions run at the same time. All seven at once (with their six sound servers, beside the other
worker's session by voice) sometimes left a session's sound server too slow to answer at start ("no sound
output device was found") or an answer unheard, on a 2-core CI machine."""
PAIN = {"PAIN_BEFORE": "three", "PAIN_AFTER": "two"}
CARRY_ON = {**PAIN, "DEVICE_BACK": "yes"}


@dataclass
class Outcome:
    """How one fault session ended, and what it left."""

    code: int
    err: str
    events: list[dict[str, Any]]
    history: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        """The events of one type."""
        return [e for e in self.events if e["type"] == kind]


def ended(session: VoiceSession, **extra: Any) -> Outcome:
    """Wait for the coach to end and gather what it left."""
    code, err = session.finish()
    return Outcome(code, err, session.events(), session.history(), extra)


@contextlib.contextmanager
def own_server(folder: Path) -> Iterator[tuple[Pulse, list[subprocess.Popen[bytes]]]]:
    """A private sound server for one fault session (the list holds its process, replaced on restart)."""
    server, process = start_pulse(folder / "pulse")
    processes = [process]
    time.sleep(WARM_UP)
    try:
        yield server, processes
    finally:
        for p in processes:
            p.kill()
            p.wait()
        shutil.rmtree(folder / "pulse", ignore_errors=True)


def microphone_unplugged_and_back(folder: Path) -> Outcome:
    """The room's source (the microphone) removed at count 3, plugged back a second after the coach says so."""
    with own_server(folder) as (pulse, _), VoiceSession(pulse, folder, HOLD, CARRY_ON,
                                                         env={"VOICECOACH_DEVICE_WAIT": "30"}) as session:
        session.wait_for(count(3))
        unplug(pulse, "room")
        try:
            lost = session.wait_for(device("lost"), timeout=20)
            time.sleep(1.0)
        finally:
            plug_back(pulse, ROOM, ECHO, ROOM_TONE)
        return ended(session, lost=lost)


def microphone_unplugged_for_good(folder: Path) -> Outcome:
    """The microphone removed at count 3 and not plugged back within the (injected) 3 seconds."""
    with own_server(folder) as (pulse, _), VoiceSession(pulse, folder, HOLD, PAIN,
                                                         env={"VOICECOACH_DEVICE_WAIT": "3"}) as session:
        session.wait_for(count(3))
        unplug(pulse, "room")
        return ended(session)


def output_stream_dropped(folder: Path) -> Outcome:
    """The server drops the coach's playback stream at count 3 (a write error); the microphone works.

    On a busy machine PortAudio may meet an underrun first and "prepare" the stream again, which makes
    ALSA's pulse plugin open a new playback stream on its own: the sound carries on and the coach never
    sees an error (measured: 1 kill in 5 with both cores busy). That new stream is dropped too, until
    the coach reports the loss, so the case is always about the coach reopening its speaker."""
    with own_server(folder) as (pulse, _), VoiceSession(pulse, folder, HOLD, CARRY_ON,
                                                         env={"VOICECOACH_DEVICE_WAIT": "20"}) as session:
        session.wait_for(count(3))
        assert session.process is not None
        kills = 0
        for _ in range(8):
            with contextlib.suppress(LookupError):  # the plugin's new stream may not be there yet
                server_command(pulse, f"kill-sink-input {playback_of(pulse, session.process.pid)}")
                kills += 1
            with contextlib.suppress(AssertionError):
                session.wait_for(device("lost"), timeout=2.5)
                break
        return ended(session, kills=kills)


def headset_unplugged_and_back(folder: Path) -> Outcome:
    """Speaker and microphone removed together at count 3 (nothing left), plugged back after the loss."""
    with own_server(folder) as (pulse, _), VoiceSession(pulse, folder, HOLD, CARRY_ON,
                                                         env={"VOICECOACH_DEVICE_WAIT": "30"}) as session:
        session.wait_for(count(3))
        unplug(pulse, "speaker")
        unplug(pulse, "room")
        try:
            lost = session.wait_for(device("lost"), timeout=20)
            time.sleep(1.0)
        finally:
            plug_back(pulse, SPEAKER, ROOM, ECHO, ROOM_TONE)
        return ended(session, lost=lost)


def sound_server_restarted(folder: Path) -> Outcome:
    """The sound server killed at count 3; a new one started on the same socket after the coach notices."""
    with own_server(folder) as (pulse, processes), VoiceSession(pulse, folder, HOLD, CARRY_ON,
                                                                 env={"VOICECOACH_DEVICE_WAIT": "30"}) as session:
        session.wait_for(count(3))
        processes[0].kill()
        processes[0].wait()
        lost = session.wait_for(device("lost"), timeout=20)
        time.sleep(1.0)
        processes.append(start_pulse(folder / "pulse")[1])
        return ended(session, lost=lost)


def two_sessions_at_once(folder: Path) -> Outcome:
    """Two voice sessions started at the same moment on one data folder."""
    shared = {"VOICECOACH_DATA_DIR": str(folder / "data")}
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    with own_server(folder) as (pulse, _):
        first = VoiceSession(pulse, folder / "a", HOLD, PAIN, env=shared)
        second = VoiceSession(pulse, folder / "b", HOLD, PAIN, env=shared)
        with first, second:
            both = [first.finish(), second.finish()]
        return Outcome(0, "", [], first.history(), {"ended": both})


SCENARIOS: dict[str, Callable[[Path], Outcome]] = {
    "test_microphone_unplugged_mid_hold_and_plugged_back_carries_on_where_it_was": microphone_unplugged_and_back,
    "test_microphone_unplugged_and_not_back_in_time_keeps_the_session_as_interrupted": microphone_unplugged_for_good,
    "test_output_stream_dropped_mid_hold_is_reopened_and_the_hold_carries_on": output_stream_dropped,
    "test_microphone_and_speaker_unplugged_together_and_plugged_back_carry_on": headset_unplugged_and_back,
    "test_sound_server_restarted_mid_hold_carries_on": sound_server_restarted,
    "test_two_voice_sessions_started_at_once_one_runs_and_the_other_is_told": two_sessions_at_once,
}


@pytest.fixture(scope="module")
def faults(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fault sessions of the tests selected in this module, run three at a time (each on its own
    server); a test reads its own outcome (or the error its session met)."""
    if shutil.which("pulseaudio") is None or shutil.which("pactl") is None:
        pytest.skip("pulseaudio is not installed (scripts/install.sh test installs it): no sound server for faults")
    wanted = [item.name for item in request.session.items if item.name in SCENARIOS]
    results: dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(AT_ONCE, len(wanted)))) as pool:
        futures = {name: pool.submit(SCENARIOS[name], tmp_path_factory.mktemp(name[5:40])) for name in wanted}
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except Exception as err:  # the test that owns it shows it
                results[name] = err
    return results


def outcome(faults: dict[str, Any], request: pytest.FixtureRequest) -> Outcome:
    """This test's fault session."""
    result = faults[request.node.name]
    if isinstance(result, Exception):
        raise result
    assert isinstance(result, Outcome)
    assert "Traceback" not in result.err, result.err[-3000:]
    return result


def test_microphone_unplugged_mid_hold_and_plugged_back_carries_on_where_it_was(faults, request):
    """PulseAudio moves the coach's stream to the only source left (the speaker's monitor: digital
    silence between the coach's words). The coach says so, waits, and when the microphone is back asks
    to carry on; "yes" goes on with the same hold from where it was."""
    o = outcome(faults, request)
    assert o.code == 0, (o.code, o.err[-2000:])
    assert o.extra["lost"]["devices"] == ["microphone"]
    assert "microphone stopped working" in o.err and "I will wait 30 seconds" in o.err  # on the screen
    said = [e["text"] for e in o.of_type("said")]
    assert any(s.startswith("The microphone stopped working. Please check") for s in said)  # and by voice
    assert [e["state"] for e in o.of_type("device")] == ["lost", "back"]
    assert_hold_finished_after_the_fault(o.events)
    (kept,) = o.history
    assert kept["how"] == "finished"


def test_microphone_unplugged_and_not_back_in_time_keeps_the_session_as_interrupted(faults, request):
    o = outcome(faults, request)
    assert o.code == 6, (o.code, o.err[-2000:])
    assert "microphone stopped working" in o.err and "did not come back within 3 seconds" in o.err
    assert "Everything so far is kept" in o.err and "--text" in o.err
    assert [e["state"] for e in o.of_type("device")] == ["lost", "gone"]
    assert o.events[-1]["type"] == "session_end" and o.events[-1]["how"] == "interrupted"
    (kept,) = o.history
    assert kept["how"] == "interrupted"


def test_output_stream_dropped_mid_hold_is_reopened_and_the_hold_carries_on(faults, request):
    """What PortAudio sees when its output goes with nowhere to move to (a write error), while the
    microphone keeps working: the coach opens the speaker again, asks, and carries on with the hold."""
    o = outcome(faults, request)
    assert o.code == 0, (o.code, o.err[-2000:])
    assert o.extra["kills"] >= 1
    assert "sound output failed" in o.err and "I will wait 20 seconds" in o.err
    assert [(e["state"], e["devices"]) for e in o.of_type("device")] == [("lost", ["speaker"]), ("back", ["speaker"])]
    assert_hold_finished_after_the_fault(o.events)
    (kept,) = o.history
    assert kept["how"] == "finished"


def test_microphone_and_speaker_unplugged_together_and_plugged_back_carry_on(faults, request):
    """A headset pulled out with no other device left: both streams fail. The coach cannot speak, so the
    screen says what happened; once both are back it asks (aloud) to carry on."""
    o = outcome(faults, request)
    assert o.code == 0, (o.code, o.err[-2000:])
    assert "microphone" in o.extra["lost"]["devices"] or "speaker" in o.extra["lost"]["devices"]
    assert "I will wait 30 seconds" in o.err
    assert any(e["state"] == "back" for e in o.of_type("device"))
    assert_hold_finished_after_the_fault(o.events)
    (kept,) = o.history
    assert kept["how"] == "finished"


def test_sound_server_restarted_mid_hold_carries_on(faults, request):
    """As after a crash of the server, or `pulseaudio -k`: both streams fail, the coach waits, opens both
    again on the new server, and carries on."""
    o = outcome(faults, request)
    assert o.code == 0, (o.code, o.err[-2000:])
    assert "microphone" in o.extra["lost"]["devices"]  # the speaker's failure may show a moment later
    assert any(e["state"] == "back" for e in o.of_type("device"))
    assert_hold_finished_after_the_fault(o.events)
    (kept,) = o.history
    assert kept["how"] == "finished"


def test_two_voice_sessions_started_at_once_one_runs_and_the_other_is_told(faults, request):
    """The first runs; the second is refused at once with a clear message (two coaches would talk over
    each other, and each would hear the other's voice as the person's answers); the history holds the
    one session, complete."""
    o = outcome(faults, request)
    both = o.extra["ended"]
    assert all("Traceback" not in err for _, err in both), both
    assert sorted(code for code, _ in both) == [0, 2], [(code, err[-1500:]) for code, err in both]
    (refused,) = [err for code, err in both if code == 2]
    assert "Another voicecoach session is already running by voice (process" in refused and "--text" in refused
    (kept,) = o.history
    assert kept["how"] == "finished" and kept["mode"] == "voice"
    assert [e["status"] for e in kept["exercises"]] == ["completed"]


def test_speaker_unplugged_with_another_output_left_moves_the_sound_there_without_an_error(pulse: Pulse):
    """The speaker's sink is removed while another output exists: PulseAudio moves the coach's stream
    there and PortAudio sees nothing at all (no error, no stall), so there is no fault to report and
    none is made up: the sound is heard from the other output (here the room), and the stream moves
    back when the speaker is plugged in again."""
    sink = DeviceSink()
    player = Player(sink)
    beep = Clip((np.sin(np.arange(2205) * 2 * np.pi * 440 / 22050) * 8000).astype(np.int16), 22050)
    try:
        unplug(pulse, "speaker")
        recorder = MonitorRecorder("room.monitor", 16000)
        time.sleep(0.5)
        start = sink.earliest() + 0.2
        for n in range(4):
            player.play(beep, start + n * 0.5)
        player.wait()
        time.sleep(0.3)
        heard, _ = recorder.stop()
        sink.earliest()  # no error: the output still works
    finally:
        plug_back(pulse, SPEAKER, ECHO)
        player.close()
    assert len(onsets(heard, threshold_db=-30)) >= 3  # the beeps came out of the other output


@pytest.mark.parametrize("damage", ["missing", "garbage"])
def test_recogniser_failing_to_load_falls_back_to_text_mode_with_the_reason(pulse: Pulse, tmp_path, damage):
    """The speech recogniser's model is missing, or damaged (pocketsphinx would end the whole process on
    it): voice mode says why and the session runs in text mode, kept in the history as a text session."""
    model = tmp_path / "model"
    (model / "en-us").mkdir(parents=True)
    if damage == "garbage":
        (model / "en-us" / "mdef").write_text("garbage\n")
        (model / "cmudict-en-us.dict").write_text("yes Y EH S\n")
    env = {**os.environ, "PULSE_SERVER": pulse.server, "VOICECOACH_DATA_DIR": str(tmp_path / "data"),
           "VOICECOACH_POCKETSPHINX_DIR": str(model)}
    done = subprocess.run([str(SCRIPT), "exercise", "bridge", "--reps", "1", "--hold", "3", "--time-scale", "0",
                           "--recogniser", "pocketsphinx", "--json"], input="3\n2\n", capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    reason = {"missing": "no pocketsphinx English model in", "garbage": "failed to load its model"}[damage]
    assert "The speech recogniser could not start" in done.stderr and reason in done.stderr
    assert "Using text mode instead" in done.stderr
    summary = json.loads(done.stdout)
    assert summary["how"] == "finished" and summary["pain_before"] == 3 and summary["pain_after"] == 2
    history = subprocess.run([str(SCRIPT), "history", "--json"], capture_output=True, text=True, env=env, check=True)
    (kept,) = json.loads(history.stdout)
    assert kept["mode"] == "text" and kept["how"] == "finished"


def test_a_busy_cpu_next_to_the_coach_keeps_the_counts_on_their_seconds(pulse: Pulse, tmp_path):
    """A process spinning at 100% CPU runs beside the coach through a hold. The counts are found in the
    recording of the speaker's output and compared with their deadlines. This is a fault check with a
    generous bound (250 ms: the machine running the tests is shared); the +-50 ms figure is measured by
    scripts/bench_soak.py --hogs 1 (see the README)."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        recorder = MonitorRecorder("speaker.monitor")
        with VoiceSession(pulse, tmp_path, HOLD, PAIN) as session:
            code, err = session.finish()
            recording, t0 = recorder.stop()
    finally:
        hog.kill()
        hog.wait()
    assert "Traceback" not in err, err[-3000:]
    assert code == 0, (code, err[-2000:])
    counts = [e for e in session.events() if e["type"] == "count"]
    assert [c["n"] for c in counts] == list(range(1, 9))
    found = onsets(recording)
    offset = session.user.session_to_monotonic() - t0
    errors = [min(found, key=lambda t, due=c["scheduled"] + offset: abs(t - due)) - (c["scheduled"] + offset)
              for c in counts]
    assert all(abs(e) <= 0.25 for e in errors), [round(e, 3) for e in errors]


def playback_of(pulse: Pulse, pid: int) -> str:
    """The index of the playback stream (sink input) of process ``pid``."""
    index = None
    for raw in pactl(pulse, "list", "sink-inputs").splitlines():
        line = raw.strip()
        if line.startswith("Sink Input #"):
            index = line.removeprefix("Sink Input #")
        elif line == f'application.process.id = "{pid}"' and index is not None:
            return index
    raise LookupError(f"process {pid} has no playback stream")


def assert_hold_finished_after_the_fault(events):
    """After the device came back, the hold went on from where it was (not from 1) to its last count."""
    fault = next(i for i, e in enumerate(events) if e["type"] == "device")
    after = [e["n"] for e in events[fault:] if e["type"] == "count"]
    assert after and after[0] > 1 and after[-1] == 8, after
    answered = [e for e in events if e["type"] == "answered" and e["id"] == "DEVICE_BACK"]
    assert [e["value"] for e in answered] == ["yes"]
    (hold,) = [e for e in events if e["type"] == "hold_done"]
    assert hold["held_seconds"] >= 8
