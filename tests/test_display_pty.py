"""The live view on a real pseudo-terminal that nobody sized (0 columns, 0 rows, as under some CI runners and
`script`): the demo replays a session to its end, and the real `voicecoach` by voice (on a private PulseAudio
server) is interrupted with Ctrl-C. Both draw 80 columns wide and give the terminal back."""

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "voicecoach"
CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ALT_SCREEN_ON = "\x1b[?1049h"
ALT_SCREEN_OFF = "\x1b[?1049l"
HIDE_CURSOR = "\x1b[?25l"
SHOW_CURSOR = "\x1b[?25h"
GIVEN_BACK = SHOW_CURSOR + ALT_SCREEN_OFF


class Terminal:
    """A pseudo-terminal of 0 x 0 with one process on it; ``text`` is everything the process wrote."""

    def __init__(self, args, env=None):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
        environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                                        env={**environ, "TERM": "xterm-256color", **(env or {})})
        os.close(slave)
        self.output = b""

    @property
    def text(self):
        return self.output.decode(errors="replace").replace("\r\n", "\n")

    def read_until(self, found, timeout):
        """Read until ``found(text)`` or the end of the output; whether it was found."""
        deadline = time.monotonic() + timeout
        while not found(self.text) and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the process has gone and the terminal with it
                break
            if not chunk:
                break
            self.output += chunk
        return found(self.text)

    def finish(self, timeout):
        """Read to the end; the exit code."""
        self.read_until(lambda text: False, timeout)
        try:
            return self.process.wait(timeout=5)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            os.close(self.master)


def frame_widths(text):
    """The width of every panel frame drawn (its top edge)."""
    lines = CSI.sub("", text).split("\n")
    return {len(line.rstrip(" ")) for line in lines if line.startswith("\u256d")}


def given_back_after_the_last_frame(text, summary):
    assert text.count(ALT_SCREEN_ON) == 1 and text.count(GIVEN_BACK) == 1
    assert text.index(ALT_SCREEN_ON) < text.index(HIDE_CURSOR) < text.index(GIVEN_BACK)
    assert text.rindex("\u256d") < text.index(GIVEN_BACK)
    assert text.endswith(GIVEN_BACK + summary + "\n")


def test_the_demo_draws_80_columns_on_an_unsized_terminal_and_gives_it_back_at_the_end():
    terminal = Terminal([sys.executable, str(ROOT / "scripts" / "demo_display.py"), "2000"])
    assert terminal.finish(timeout=60) == 0, terminal.text[-2000:]
    text = terminal.text
    assert "Traceback" not in text
    assert frame_widths(text) == {80}
    assert "EXERCISE  Bridge" in text and "Heard: \"mumble\" - not understood (30%)" in text
    given_back_after_the_last_frame(text, "Session over: finished")


@pytest.mark.subprocess
def test_ctrl_c_in_a_voice_session_gives_the_terminal_back(pulse, tmp_path):
    """The real command by voice picks the live view because its output is a terminal; Ctrl-C ends it (130)."""
    # A fast voice (a real option): after Ctrl-C the coach finishes its sentence and says the session is kept.
    terminal = Terminal([str(SCRIPT), "exercise", "bridge", "--reps", "1", "--no-history", "--rate", "400"],
                        env={"PULSE_SERVER": pulse.server, "VOICECOACH_DATA_DIR": str(tmp_path)})
    asked = terminal.read_until(lambda text: "QUESTIONS" in text and "On a scale of 0 to 10" in text, timeout=120)
    assert asked, terminal.text[-3000:]
    terminal.process.send_signal(signal.SIGINT)
    assert terminal.finish(timeout=120) == 130, terminal.text[-3000:]
    text = terminal.text
    assert "Traceback" not in text
    assert frame_widths(text) == {80}
    given_back_after_the_last_frame(text, "Session over: interrupted")
