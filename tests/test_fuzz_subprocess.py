"""Fuzzing the installed console script (issue 13 part 3): `session`, `triage`, `exercise`, `history`
and `forget` in real subprocesses, fed random answers, commands, garbage and raw bytes through a pipe,
cut by the end of input or by SIGINT/SIGTERM at a random moment.

Invariants: no traceback; an exit code the README documents; no hang (the subprocess timeout is the
hang detector, not a speed check); every session that started is in the history with how it ended,
agreeing with the exit code; no exercise after a red flag answered yes or left unclear; a quick return
only when the history allows one. The example count is small (each is a real process); the bulk of the
fuzzing is in process (tests/test_fuzz_sessions.py).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.history_helpers import SI_JOINT
from tests.test_subprocess import SCRIPT
from tests.triage_helpers import ASKED_RED_FLAGS, RED_FLAGS

pytestmark = pytest.mark.subprocess

HANG_SECONDS = 60
"""A run still going after this long is a hang (the longest fuzzed run takes a few seconds)."""
HOW_BY_EXIT = {0: "finished", 3: "referred", 4: "stopped", 5: "no_input", 130: "interrupted"}
SESSION_EXITS = {0, 2, 3, 4, 5, 130}
"""README "Exit codes" for session commands in text mode (6 is a lost sound device: voice mode only)."""

WORDS = ["yes", "no", "y", "n", "nope", "ready", "skip", "check everything", "0", "3", "7", "10", "11", "stop", "pause",
         "resume", "ready", "repeat", "help", "slower", "faster", "how many left", "ouch", "numb", "continue", ""]
line = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS),
                 st.text(max_size=12).map(lambda t: t.replace("\n", " ")))
raw = st.one_of(
    st.lists(line, max_size=45).map(lambda lines: "".join(f"{x}\n" for x in lines).encode()),
    st.binary(max_size=60),
)
COMMANDS = [
    ["session"], ["session"], ["triage"], ["exercise", "E1"], ["exercise", "bridge", "--reps", "2"],
    ["exercise", "E3", "--sets", "1"], ["--full-triage", "session"],
]


def _history(data_dir: Path) -> list[dict]:
    proc = subprocess.run([str(SCRIPT), "history", "--json", "--data-dir", str(data_dir)], capture_output=True,
                          text=True, timeout=HANG_SECONDS, check=False)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def _run(args: list[str], stdin: bytes, *, close_input: bool, signal_after: int | None, signum: int):
    """Run the coach; send ``signum`` once ``signal_after`` lines are out (or it goes quiet). Returns
    (exit code, stdout lines, stderr, whether the signal was sent)."""
    proc = subprocess.Popen([str(SCRIPT), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for out in proc.stdout:
            lines.put(out.decode(errors="replace").rstrip("\n"))
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert proc.stdin is not None
    try:
        proc.stdin.write(stdin)
        proc.stdin.flush()
        if close_input:
            proc.stdin.close()
    except BrokenPipeError:
        pass
    seen: list[str] = []
    sent = False
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline:
        try:
            got = lines.get(timeout=0.5)
        except queue.Empty:
            got = ""  # quiet: it waits for input
            if signal_after is not None and not sent and seen:
                proc.send_signal(signum)
                sent = True
            continue
        if got is None:
            break
        seen.append(got)
        if signal_after is not None and not sent and len(seen) >= signal_after:
            proc.send_signal(signum)
            sent = True
    try:
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"hang: {args} still running after {HANG_SECONDS} s; last lines {seen[-5:]}")
    if not close_input:
        proc.stdin.close()
    reader.join(timeout=5)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    return proc.returncode, seen, err, sent


def _check_transcript(transcript: Path, command: str, quick_allowed: bool) -> None:
    if not transcript.exists():
        return
    events = [json.loads(x) for x in transcript.read_text().splitlines() if x.strip()]
    answered: dict[str, object] = {}
    for e in events:
        if e["type"] == "answered":
            answered[e["id"]] = e["value"]
        if e["type"] == "exercise_started":
            assert command != "triage"
            assert not [q for q in RED_FLAGS if q != "R5b" and answered.get(q) in ("yes", "unclear")], answered
            assert answered.get("C1", "yes") == "yes"
            if command == "session":
                full = all(answered.get(q) == "no" for q in ASKED_RED_FLAGS)
                assert full or (answered.get("R0") == "no" and quick_allowed), answered
    if "R0" in answered:
        assert quick_allowed and command == "session"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    command=st.sampled_from(COMMANDS),
    stdin=raw,
    seeded=st.booleans(),
    time_scale=st.sampled_from(["0", "0", "0.01"]),
    cut=st.sampled_from(["end of input", "end of input", "SIGINT", "SIGTERM"]),
    signal_after=st.integers(1, 60),
)
def test_the_console_script_survives_anything_piped_or_signalled(command, stdin, seeded, time_scale, cut,
                                                                 signal_after):
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, transcript = Path(tmp) / "data", Path(tmp) / "t.jsonl"
        if seeded:  # a clean full triage earlier today: a `session` now is a quick return
            subprocess.run([str(SCRIPT), "--text", "--time-scale", "0", "--data-dir", str(data_dir)],
                           input=f"{SI_JOINT}3\n3\n", capture_output=True, text=True, timeout=HANG_SECONDS, check=True)
        before = _history(data_dir) if seeded else []
        signum = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}.get(cut)
        args = ["--text", "--time-scale", time_scale, "--data-dir", str(data_dir), "--transcript", str(transcript),
                *command]
        code, out, err, sent = _run(args, stdin, close_input=signum is None, signal_after=signal_after if signum
                                    else None, signum=signum or signal.SIGINT)
        assert "Traceback" not in err, err[-3000:]
        assert code in SESSION_EXITS, (code, err[-500:])
        event(f"exit {code}" + (f" after {cut}" if sent else ""))
        if code == 2:
            return
        after = _history(data_dir)
        assert len(after) == len(before) + 1, ("the session is in the history", code, err[-1500:], out[-5:])
        stored = after[-1]
        assert stored["how"] in {"finished", "stopped", "referred", "no_input", "interrupted"}
        if not sent:
            assert stored["how"] == HOW_BY_EXIT[code] and stored["exit_code"] == code
        elif code != 130:
            assert stored["how"] == HOW_BY_EXIT[code]  # it had ended before the signal came
        else:
            assert stored["how"] == "interrupted" or stored["exit_code"] is not None
        _check_transcript(transcript, "session" if "session" in command else command[0], quick_allowed=seeded
                          and "--full-triage" not in command)


@settings(max_examples=12, deadline=None)
@given(
    args=st.lists(st.sampled_from(["--json", "--csv", "--since", "2025-01-01", "yesterday", "--plot", "--data-dir"]),
                  max_size=4),
    forget_reply=st.one_of(st.none(), st.sampled_from(["y\n", "n\n", "\n", "maybe\n", ""]), st.binary(max_size=8)),
)
def test_history_and_forget_give_a_clear_answer_to_any_arguments(args, forget_reply):
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        subprocess.run([str(SCRIPT), "exercise", "E2", "--reps", "1", "--text", "--time-scale", "0", "--data-dir",
                        str(data_dir)], input="3\n3\n", capture_output=True, text=True, timeout=HANG_SECONDS,
                       check=True)
        fixed = [str(Path(tmp) / "p.png") if a == "--plot" else a for a in args]
        proc = subprocess.run([str(SCRIPT), "history", "--data-dir", str(data_dir), *fixed], capture_output=True,
                              timeout=HANG_SECONDS, check=False, cwd=tmp)
        assert b"Traceback" not in proc.stderr and proc.returncode in (0, 2), proc.stderr[-2000:]
        if forget_reply is not None:
            reply = forget_reply.encode() if isinstance(forget_reply, str) else forget_reply
            proc = subprocess.run([str(SCRIPT), "forget", "--data-dir", "data"], input=reply, capture_output=True,
                                  timeout=HANG_SECONDS, check=False, cwd=tmp)  # a relative --data-dir too
            assert b"Traceback" not in proc.stderr, proc.stderr[-2000:]
            assert proc.returncode in (0, 5), proc.returncode
            deleted = not (data_dir / "history.sqlite3").exists()
            assert deleted == (reply.strip().lower() in (b"y", b"yes")), (reply, proc.stdout)


def test_no_fuzz_run_is_left_behind():
    """The signal tests end their processes: none of the console scripts they started is still running."""
    mine = subprocess.run(["pgrep", "-f", "-P", str(os.getpid()), "bin/voicecoach"], capture_output=True, text=True,
                          check=False)
    assert mine.stdout.strip() == ""
