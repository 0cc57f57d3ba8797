"""The history store on real SQLite files in temporary folders: privacy, versions, damage, two writers,
interrupted sessions, a full disk."""

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from tests.fakes import DayClock, Reply, rig
from tests.history_helpers import cli_session, history_json, invoke
from voicecoach.coach.catalogue import plan_item
from voicecoach.domain.endings import How
from voicecoach.history.liveness import ProcessId
from voicecoach.history.recorder import Recorder
from voicecoach.history.schema import LATEST
from voicecoach.history.store import HistoryError, HistoryStore, NewerHistoryError, history_file
from voicecoach.session import Session


def recorded_session(folder, replies, plan, *, clock=None, warn=None):
    """Run an ``exercise`` session on fakes, recorded into the store of ``folder``; returns (report, store)."""
    store = HistoryStore.open(folder, wall_clock=clock or DayClock())
    r = rig(replies)
    recorder = Recorder(store, "exercise", "text", warn=warn if warn is not None else print)
    r.conversation.emit.add(recorder)
    report = Session(r.conversation).run("exercise", plan)
    return report, store


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_readable_by_the_user_alone(tmp_path):
    store = HistoryStore.open(tmp_path)
    store.begin("session", "text", ProcessId.current())
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == ["history.sqlite3", "history.sqlite3-shm", "history.sqlite3-wal"]
    assert [mode(f) for f in files] == [0o600] * 3
    store.close()


def test_a_file_others_could_read_is_made_private(tmp_path):
    HistoryStore.open(tmp_path).close()
    path = history_file(tmp_path)
    path.chmod(0o644)
    HistoryStore.open(tmp_path).close()
    assert mode(path) == 0o600


def test_a_new_file_gets_the_latest_schema(tmp_path):
    store = HistoryStore.open(tmp_path)
    assert store.connection.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_a_file_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    path = history_file(tmp_path)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, future TEXT)")
    connection.execute("INSERT INTO sessions (future) VALUES ('kept')")
    connection.execute(f"PRAGMA user_version = {LATEST + 1}")
    connection.commit()
    connection.close()
    path.chmod(0o644)
    before = path.read_bytes()
    with pytest.raises(NewerHistoryError, match="newer version of voicecoach"):
        HistoryStore.open(tmp_path)
    assert path.read_bytes() == before
    assert mode(path) == 0o644
    result = cli_session(tmp_path, 3, 3)
    assert result.exit_code == 2
    assert "written by a newer version of voicecoach" in result.stderr and "Traceback" not in result.output
    assert invoke(["history", "--data-dir", str(tmp_path)]).exit_code == 2
    assert path.read_bytes() == before


def test_a_damaged_file_is_moved_aside_and_a_fresh_one_started(tmp_path):
    path = history_file(tmp_path)
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    notices = []
    store = HistoryStore.open(tmp_path, notice=notices.append)
    assert store.sessions() == []
    store.close()
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    assert len(notices) == 1 and "was damaged" in notices[0] and aside[0].name in notices[0]


def test_a_file_damaged_inside_is_found_by_the_integrity_check(tmp_path):
    for _ in range(3):
        cli_session(tmp_path, 3, 3)
    path = history_file(tmp_path)
    connection = sqlite3.connect(path)
    page = connection.execute("PRAGMA page_size").fetchone()[0]
    index = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sessions_by_start'").fetchone()[0]
    connection.close()
    raw = bytearray(path.read_bytes())
    raw[(index - 1) * page + 8: index * page] = b"\x07" * (page - 8)  # scribble over one index page only:
    path.write_bytes(bytes(raw))  # the schema still reads, but the file would fail later, mid-session
    result = cli_session(tmp_path, 3, 3)
    assert result.exit_code == 0
    assert "was damaged (it failed SQLite's integrity check)" in result.stderr
    assert len(history_json(tmp_path)) == 1, "a fresh history holds the new session"


def test_a_session_is_kept_as_it_goes(tmp_path):
    # Reading the file from a second connection in the middle of a session sees what was done so far.
    seen = {}

    def look(event):
        if event.type == "hold_done" and event.hold == 2:
            other = HistoryStore.open(tmp_path)
            seen["session"] = other.sessions()[0]
            other.close()

    store = HistoryStore.open(tmp_path, wall_clock=DayClock())
    r = rig(["3", "3"])
    r.conversation.emit.add(Recorder(store, "exercise", "text"))
    r.conversation.emit.add(look)
    Session(r.conversation).run("exercise", [plan_item("E2")])
    mid = seen["session"]
    assert mid.how == "in_progress" and mid.pain_before == 3
    assert mid.exercises[0].status == "started" and mid.exercises[0].holds_done == 2
    done = store.sessions()[0]
    assert done.how == "finished" and done.exercises[0].holds_done == 3 and done.pain_after == 3


def test_what_a_session_records(tmp_path):
    plan = [plan_item("E1", "left"), plan_item("E3")]
    replies = ["4", Reply("slower", at=60), Reply("skip", at=70), "5"]
    report, store = recorded_session(tmp_path, replies, plan)
    assert report.how is How.FINISHED
    [session] = store.sessions()
    assert (session.command, session.mode, session.how, session.exit_code) == ("exercise", "text", "finished", 0)
    assert (session.pain_before, session.pain_after) == (4, 5)
    assert session.answers == {"PAIN_BEFORE": "4", "PAIN_AFTER": "5"}
    e1, e3 = session.exercises
    assert (e1.exercise, e1.side, e1.level, e1.status, e1.holds_done, e1.sets_done) == ("E1", "left", "standard",
                                                                                        "completed", 3, 1)
    assert e1.hold_durations == (10.0, 10.0, 10.0)
    assert (e3.status, e3.commands) == ("skipped", ("slower", "skip"))
    assert e3.reps_done == 2, "three reps counted: the third, under way when skip came, is not done"
    assert report.exercises == session.exercises, "--json and the history are one fold of the events"
    assert session.started_at == DayClock().now


def test_the_numbers_kept_across_a_pause(tmp_path):
    plan = [plan_item("E1"), plan_item("E3")]
    replies = ["2", Reply("pause", at=15), Reply("resume", at=20), Reply("pause", at=150), Reply("resume", at=160),
               "2"]
    report, store = recorded_session(tmp_path, replies, plan)
    assert report.how is How.FINISHED
    [session] = store.sessions()
    e1, e3 = session.exercises
    assert e1.hold_durations == (10.0,) * 6, "a hold restarted after a pause is held in full once"
    assert (e1.holds_done, e3.reps_done, e3.sets_done) == (6, 30, 3)
    assert e1.commands == ("pause",) and e3.commands == ("pause",)


def test_a_stop_for_worse_pain_is_kept_as_stopped(tmp_path):
    report, store = recorded_session(tmp_path, ["3", Reply("stop", at=12), "yes", "6"], [plan_item("E2")])
    [session] = store.sessions()
    assert session.how == "stopped" and session.exit_code == 4
    assert session.exercises[0].status == "stopped"
    assert session.answers["WORSE"] == "yes" and session.pain_after == 6


def test_an_error_escaping_the_session_keeps_it_as_interrupted(tmp_path):
    store = HistoryStore.open(tmp_path)
    recorder = Recorder(store, "exercise", "text")
    r = rig(["3"])
    r.conversation.emit.add(recorder)

    def crash(event):
        if event.type == "hold_done":
            raise RuntimeError("the speaker fell over")

    r.conversation.emit.add(crash)
    with pytest.raises(RuntimeError):
        Session(r.conversation).run("exercise", [plan_item("E2")])
    recorder.close()
    [session] = store.sessions()
    assert session.how == "interrupted" and session.exit_code is None
    assert session.exercises[0].status == "interrupted" and session.exercises[0].holds_done == 1


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from voicecoach.domain.doses import Dose
    from voicecoach.domain.endings import How
    from voicecoach.domain.outcomes import ExerciseStatus
    from voicecoach.events import Count, ExerciseDone, ExerciseStarted, SessionEnd, SetDone
    from voicecoach.history.link import attach
    folder, go, reps = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    while not go.exists():
        time.sleep(0.001)
    link = attach(folder, "exercise", mode="text")
    record = link.recorder
    record(ExerciseStarted(exercise="E3", side=None, dose=Dose("standard", None, reps, 1)))
    for n in range(1, reps + 1):
        record(Count(exercise="E3", n=n, set=1, rep=n, scheduled=float(n)))
    record(SetDone(exercise="E3", set=1, side=None, reps=reps, duration_seconds=1.0))
    record(ExerciseDone(exercise="E3", status=ExerciseStatus.COMPLETED))
    record(SessionEnd(how=How.FINISHED, exit_code=0))
    link.close()
    print("ok" if not record.failed else "failed")
""")


def test_several_sessions_writing_at_once_lose_nothing(tmp_path):
    go = tmp_path / "go"
    folder = tmp_path / "data"
    folder.mkdir()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(go), "150"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(4)]
    time.sleep(0.3)  # all four wait on the same go signal, then open a new file and write at once
    go.touch()
    outputs = [w.communicate(timeout=120) for w in writers]
    assert [out.strip() for out, _ in outputs] == ["ok"] * 4, [err for _, err in outputs]
    store = HistoryStore.open(folder)
    sessions = store.sessions()
    assert len(sessions) == 4
    assert all(s.how == "finished" and s.exercises[0].reps_done == 150 for s in sessions)
    assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


ABANDONER = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from voicecoach.domain.doses import Dose
    from voicecoach.events import ExerciseStarted, HoldDone, PainScore
    from voicecoach.history.link import attach
    link = attach(Path(sys.argv[1]), "exercise", mode="text")
    link.recorder(PainScore(when="before", value=2))
    link.recorder(ExerciseStarted(exercise="E2", side=None, dose=Dose("standard", 10, 3, 1)))
    link.recorder(HoldDone(exercise="E2", set=1, hold=1, side=None, held_seconds=10.0))
    print("written", flush=True)
    if sys.argv[2] == "exit":
        os._exit(9)  # like a crash: nothing else runs
    sys.stdin.read()  # stays alive until told
""")


def test_a_session_whose_process_died_is_interrupted_and_one_still_running_is_in_progress(tmp_path):
    dead = subprocess.run([sys.executable, "-c", ABANDONER, str(tmp_path), "exit"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert dead.stdout.strip() == "written", dead.stderr
    alive = subprocess.Popen([sys.executable, "-c", ABANDONER, str(tmp_path), "wait"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert alive.stdout.readline().strip() == "written"
        first, second = history_json(tmp_path)
        assert first["how"] == "interrupted" and first["ended_at"] is not None
        assert first["exercises"][0]["status"] == "interrupted" and first["exercises"][0]["holds_done"] == 1
        assert first["pain_before"] == 2
        assert second["how"] == "in_progress" and second["ended_at"] is None
        result = invoke(["forget", "--yes", "--data-dir", str(tmp_path)])
        assert result.exit_code == 2 and "still running" in result.stderr
    finally:
        alive.send_signal(signal.SIGKILL)
        alive.wait(timeout=30)
    assert [s["how"] for s in history_json(tmp_path)] == ["interrupted", "interrupted"]
    connection = sqlite3.connect(history_file(tmp_path))
    assert connection.execute("SELECT how FROM sessions ORDER BY id").fetchall() == [("interrupted",)] * 2, \
        "opening the store wrote down what it found"


def test_a_reused_pid_is_not_taken_for_the_process_that_wrote_the_session():
    me = ProcessId.current()
    assert me.running()
    parent = ProcessId(os.getppid(), me.host, "0")  # a live pid, but not the process that started then
    if parent.start is not None and not os.path.exists(f"/proc/{parent.pid}/stat"):
        pytest.skip("no /proc on this platform to read process start times from")
    assert not parent.running()
    assert not ProcessId(me.pid, "another-host", me.start).running()


def test_a_full_disk_during_a_session_is_reported_once_and_the_session_goes_on(tmp_path):
    store = HistoryStore.open(tmp_path)
    first = store.begin("exercise", "text", ProcessId.current())
    store.end(first, "finished", 0)
    pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
    store.connection.execute(f"PRAGMA max_page_count = {pages}")
    for size in (1000, 100, 10, 0):  # fill what is left, down to the smallest row, as a full disk would be
        with pytest.raises(sqlite3.OperationalError, match="full"):
            for n in range(100_000):
                store.answer(first, f"P{size}.{n}", "x" * size, 0.0)
    warnings = []
    r = rig(["3", "3"])
    r.conversation.emit.add(Recorder(store, "exercise", "text", warn=warnings.append))
    report = Session(r.conversation).run("exercise", [plan_item("E2")])
    assert report.how is How.FINISHED and len(report.exercises[0].hold_durations) == 3
    assert len(warnings) == 1
    assert warnings[0].startswith("The disk is full") and "The session goes on" in warnings[0]


@pytest.fixture
def full_disk(tmp_path):
    """A real, tiny, full file system (needs root to mount a tmpfs)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 512):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_before_the_session_is_a_clear_message(full_disk):
    with pytest.raises(HistoryError, match="The disk is full"):
        HistoryStore.open(full_disk)
    result = cli_session(full_disk, 3, 3)
    assert result.exit_code == 2
    assert "voicecoach: The disk is full" in result.stderr and "--no-history" in result.stderr
    assert "Traceback" not in result.output
