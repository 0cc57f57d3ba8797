"""Tests named by docs/SAFETY.md for hazards no other test file covers: nothing leaves the machine, the
microphone's audio is never written, the transcript is private, and the side found is the side coached."""

from __future__ import annotations

import ast
import io
import socket
import stat
from pathlib import Path

import pytest

from tests.fakes import rig
from tests.history_helpers import cli_session, invoke
from tests.triage_helpers import ASKED_RED_FLAGS
from voicecoach import app
from voicecoach.session import Session

PACKAGE = Path(__file__).resolve().parents[1] / "voicecoach"
NETWORK_MODULES = {"urllib", "http", "requests", "httpx", "aiohttp", "smtplib", "ftplib", "ssl", "xmlrpc",
                   "webbrowser", "telnetlib", "imaplib", "poplib"}
MICROPHONE_PATH = ("microphone.py", "segmenter.py", "spotter.py", "listener.py", "recognition.py", "confidence.py",
                   "check.py")
"""The modules that hold the person's voice: they may never write it anywhere."""


def _trees():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(), filename=str(path))


def test_no_module_can_speak_to_the_network():
    """CLINICAL.md section 10: never send anything over the network. socket is used for the host name only."""
    for path, tree in _trees():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in NETWORK_MODULES, f"{path.name} imports {name}"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "socket":
                assert node.attr == "gethostname", f"{path.name} uses socket.{node.attr}"


def test_a_whole_session_history_and_plot_run_with_the_network_cut_off(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("voicecoach tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert cli_session(tmp_path, 3, 3).exit_code == 0
    assert invoke(["history", "--plot", str(tmp_path / "p.png"), "--data-dir", str(tmp_path)]).exit_code == 0


def test_the_microphone_audio_is_never_written():
    """CLINICAL.md section 10: never store audio unless the user asks (nothing here lets them, so never)."""
    writers = {"write_wav", "write_bytes", "write_text", "fdopen", "NamedTemporaryFile", "mkstemp"}
    for path, tree in _trees():
        if path.parent.name != "voice" or path.name not in MICROPHONE_PATH:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert name not in writers, f"{path.name} calls {name}"
                if name == "open" and isinstance(func, ast.Name):
                    modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
                    assert not any(set(str(m)) & set("wax+") for m in modes), f"{path.name} opens a file to write"


def test_a_session_leaves_nothing_but_the_history_in_the_data_folder(tmp_path):
    assert cli_session(tmp_path, 3, 3).exit_code == 0
    assert {p.name for p in tmp_path.iterdir()} <= {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"}


def test_the_transcript_is_readable_by_the_user_alone(tmp_path):
    transcript = tmp_path / "t.jsonl"
    transcript.write_text("old\n")
    transcript.chmod(0o644)
    settings = app.Settings(text=True, time_scale=0, data_dir=tmp_path / "data", transcript=transcript)
    app.run("triage", settings, stdin=io.StringIO("yes\nyes\n"), stdout=io.StringIO(), stderr=io.StringIO())
    assert stat.S_IMODE(transcript.stat().st_mode) == 0o600
    assert "old" not in transcript.read_text()


@pytest.mark.parametrize(("knees", "side", "not_side"),
                         [(["yes", "no"], "left", "right"), (["no", "yes"], "right", "left")])
def test_the_side_the_knee_test_found_is_the_side_coached(knees, side, not_side):
    """Wrong side: K1 is the right knee, K2 the left; the failing one is coached, named aloud, and S8 saying
    the other side does not override the test."""
    s8 = "yes" if side == "right" else "no"  # S8 "left side?" answered against the knee test
    s8b = [] if s8 == "yes" else ["yes"]
    replies = ["yes", *["no"] * (len(ASKED_RED_FLAGS) + 1), *["no"] * 6, s8, *s8b, "ready", *knees, "yes", "no", "3",
               "3"]
    r = rig(replies)
    report = Session(r.conversation).run("session")
    assert report.triage.outcome == "SI_JOINT" and report.triage.side == side
    assert {e.side for e in r.of_type("hold_done") if e.exercise == "E1"} == {side}
    said = " ".join(r.speaker.texts)
    assert f"Grab your {side} knee" in said and f"Grab your {not_side} knee" not in said
    assert f"point to the SI joint on the {side} side" in said
