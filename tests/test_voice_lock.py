"""One voice session per data folder: a second is refused with the holder's process; the lock goes with
its process however it ends (here SIGKILL), and text sessions are never refused."""

import os
import signal
import subprocess
import sys
import time

import pytest

from voicecoach.adapters.voice_lock import VoiceBusy, VoiceLock

HOLD_IT = "import sys, time; from pathlib import Path; from voicecoach.adapters.voice_lock import VoiceLock; " \
          "VoiceLock.take(Path(sys.argv[1])); print('held', flush=True); time.sleep(60)"


def test_a_second_voice_session_is_refused_naming_the_first(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_IT, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(VoiceBusy, match=f"already running by voice \\(process {holder.pid}\\)"):
            VoiceLock.take(tmp_path)
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        lock = VoiceLock.take(tmp_path)  # killed: the lock went with it
        lock.release()
    finally:
        if holder.poll() is None:
            holder.kill()
    assert oct(os.stat(tmp_path / "voice.lock").st_mode & 0o777) == "0o600"


def test_released_lock_can_be_taken_again_and_text_mode_takes_none(tmp_path):
    VoiceLock.take(tmp_path).release()
    VoiceLock.take(tmp_path).release()
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "voicecoach", "exercise", "bridge", "--text", "--time-scale", "0",
                           "--reps", "1", "--hold", "2", "--data-dir", str(tmp_path)], input="3\n2\n",
                          capture_output=True, text=True, timeout=60, check=False)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_IT, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        again = subprocess.run([sys.executable, "-m", "voicecoach", "exercise", "bridge", "--text", "--time-scale",
                                "0", "--reps", "1", "--hold", "2", "--data-dir", str(tmp_path)], input="3\n2\n",
                               capture_output=True, text=True, timeout=60, check=False)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 0 and again.returncode == 0, (done.stderr, again.stderr)  # text is never refused
    assert time.monotonic() - started < 60
