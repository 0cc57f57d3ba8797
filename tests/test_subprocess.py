"""The installed console script in a real subprocess, with piped stdin, typed commands and signals.

These tests react to what the coach prints (they wait for a line, then type), so they do not depend
on how fast the machine is; --time-scale 0.2 only makes the holds shorter.
"""

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.triage_helpers import NO_RED_FLAGS

pytestmark = pytest.mark.subprocess

SCRIPT = Path(sys.executable).parent / "voicecoach"


class Coach:
    """The console script in a subprocess, its stdout read line by line on a thread."""

    def __init__(self, *args):
        assert SCRIPT.exists(), f"the console script is not installed at {SCRIPT}"
        self.proc = subprocess.Popen(
            [str(SCRIPT), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def read_until(self, wanted, timeout=30.0):
        """Read lines until one equals ``wanted``; returns the lines read (the last is ``wanted``)."""
        got = []
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            got.append(line)
            self.seen.append(line)
            if line == wanted:
                return got
        raise AssertionError(f"never saw {wanted!r}; saw {got[-10:]}")

    def type(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def finish(self, timeout=30.0):
        """Close stdin, wait for the exit; returns (the rest of stdout, stderr)."""
        self.proc.stdin.close()
        self.proc.wait(timeout=timeout)
        self.reader.join(timeout=timeout)
        rest = []
        while (line := self.lines.get()) is not None:
            rest.append(line)
        err = self.proc.stderr.read()
        assert "Traceback" not in err, err
        return "\n".join(self.seen + rest), err


def test_triage_json_through_a_pipe():
    proc = subprocess.run(
        [str(SCRIPT), "triage", "--text", "--json"], input="yes\n" + NO_RED_FLAGS + "no\n" + "yes\nyes\n",
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert "Traceback" not in proc.stderr
    body = json.loads(proc.stdout)  # exactly one JSON object
    assert body["answers"]["S1"] == "yes" and body["answers"]["S2"] == "yes"
    assert proc.returncode == 5  # input ended before the triage did


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "voicecoach", "--version"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0 and "voicecoach" in proc.stdout


def test_stop_typed_during_a_hold_ends_it_at_once():
    coach = Coach("exercise", "bridge", "--text", "--time-scale", "0.2")
    coach.type("3")
    coach.read_until("Lift your pelvis off the floor... now. Hold.")
    coach.read_until("3")
    coach.type("stop")
    after = coach.read_until("Is the pain worse than when you started?")
    assert after == ["Is the pain worse than when you started?"], "a count slipped in after stop"
    coach.type("yes")
    coach.type("6")
    out, _ = coach.finish()
    assert "Then we stop for today" in out
    assert coach.proc.returncode == 4


def test_pause_then_resume_carries_on_from_the_count_where_it_paused():
    coach = Coach("exercise", "bridge", "--reps", "1", "--text", "--time-scale", "0.2")
    coach.type("3")
    before = coach.read_until("4")
    coach.type("pause")
    during = coach.read_until("Paused. Say resume when you are ready.")
    coach.type("resume")
    after = coach.read_until("And lower.")
    counts = [int(line) for line in before + during + after if line.isdigit()]
    assert counts == list(range(1, 11)), "every count once, in order, across the pause"
    assert after[:2] == ["Resuming.", "Lift your pelvis off the floor... now. Hold."]
    coach.type("3")
    coach.finish()
    assert coach.proc.returncode == 0


def test_ctrl_c_mid_hold_ends_cleanly_and_keeps_the_transcript(tmp_path):
    transcript = tmp_path / "t.jsonl"
    coach = Coach("exercise", "E2", "--text", "--time-scale", "0.2", "--transcript", str(transcript))
    coach.type("3")
    coach.read_until("3")  # count 3 shown: counts 1 and 2 have surely been handed to the transcript
    coach.proc.send_signal(signal.SIGINT)
    out, _ = coach.finish()
    assert coach.proc.returncode == 130
    assert "Session interrupted. Everything so far is kept." in out
    events = [json.loads(line) for line in transcript.read_text().splitlines()]
    assert events[-1]["type"] == "session_end" and events[-1]["how"] == "interrupted"
    assert [e["n"] for e in events if e["type"] == "count"][:2] == [1, 2]


def test_end_of_input_through_a_pipe_is_not_a_traceback():
    proc = subprocess.run([str(SCRIPT), "--text"], input="", capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 5
    assert "Input ended" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_a_closed_stdout_is_not_a_traceback():
    proc = subprocess.run(f"printf '3\\n3\\n' | {SCRIPT} exercise E3 --text --time-scale 0 | head -1",
                          shell=True, capture_output=True, text=True, timeout=60, check=False)
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith("Welcome")


@pytest.mark.parametrize("resume_word", ["ready", "resume"])
def test_piped_pause_then_ready_resumes_and_never_hangs(resume_word):
    """Issue 13 part 2, as a new user found it: after "pause" the coach says "Say resume when you are
    ready"; the piped line "ready" (then "resume") used to leave the session paused until killed."""
    script = f"3\npause\n{resume_word}\nresume\n3\n" if resume_word == "ready" else "3\npause\nhello\nresume\n3\n"
    proc = subprocess.run(
        [str(SCRIPT), "exercise", "knee-to-chest", "--text", "--time-scale", "0", "--no-history"],
        input=script, capture_output=True, text=True, timeout=30, check=False,  # the timeout detects a hang
    )
    assert "Traceback" not in proc.stderr
    out = proc.stdout.splitlines()
    paused = out.index("Paused. Say resume when you are ready.")
    if resume_word == "ready":
        assert out[paused + 1] == "Resuming."
        assert "We are not paused." in out  # the second line, "resume", came while counting again
    else:
        assert out[paused + 1] == "Still paused. Say resume when you are ready, or stop to finish."
        assert out[paused + 2] == "Resuming."
    assert [line for line in out if line.isdigit()] == [str(n) for n in range(1, 11)] * 6  # input is not echoed
    assert out[-1] == "That is all for today. Well done."
    assert proc.returncode == 0


def test_a_command_behind_a_piped_answer_is_not_held_up_by_it():
    """A line that is not a command, arriving while counting, never blocks the lines after it."""
    proc = subprocess.run(
        [str(SCRIPT), "exercise", "bridge", "--text", "--time-scale", "0", "--no-history"],
        input="3\nhello\nstop\nyes\n5\n", capture_output=True, text=True, timeout=30, check=False,
    )
    assert "Traceback" not in proc.stderr
    out = proc.stdout.splitlines()
    worse = out.index("Is the pain worse than when you started?")
    assert not [line for line in out[:worse] if line.isdigit()], "stop waited behind 'hello'"
    assert out[worse + 1] == "Sorry, please answer yes or no."  # "hello" was kept for this question
    assert proc.returncode == 4


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_outside_a_session_exits_130_too(tmp_path, signum):
    """Ctrl-C (or SIGTERM) at forget's question: nothing deleted, exit 130 as documented (click alone
    said "Aborted!" and exited 1)."""
    subprocess.run([str(SCRIPT), "exercise", "E2", "--reps", "1", "--text", "--time-scale", "0", "--data-dir",
                    str(tmp_path)], input="3\n3\n", capture_output=True, text=True, timeout=60, check=True)
    proc = subprocess.Popen([str(SCRIPT), "forget", "--data-dir", str(tmp_path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.read(len("Delete all 1 sessions?")) == "Delete all 1 sessions?"  # it waits for the answer
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err and "Aborted" not in err
    assert (tmp_path / "history.sqlite3").exists()
