"""Whether the process that began a session still runs: a session whose process is gone without
saying how the session ended was interrupted (SIGKILL, a crash, a power cut)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessId:
    """Enough to recognise a process again: its pid, its host, and its start time where known."""

    pid: int
    host: str
    start: str | None
    """Linux: the start time from /proc (so a reused pid is not mistaken for the same process)."""

    @classmethod
    def current(cls) -> ProcessId:
        """This process."""
        return cls(os.getpid(), socket.gethostname(), _start_of(os.getpid()))

    def running(self) -> bool:
        """True when this process still runs; False when it is gone (or is a zombie)."""
        if self.host != socket.gethostname():
            return False  # the file was moved from another machine: nothing of it runs here
        if self.pid == os.getpid():
            return True
        stat = _stat(self.pid)
        if stat is not None:
            state, start = stat
            return state != "Z" and (self.start is None or start == self.start)
        if os.name != "posix":
            return False  # no way to ask without /proc; os.kill would end the process on Windows
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # it exists, owned by someone else
        return True


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks) from /proc/PID/stat, or None without /proc or the process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], fields[19]


def _start_of(pid: int) -> str | None:
    stat = _stat(pid)
    return stat[1] if stat else None
