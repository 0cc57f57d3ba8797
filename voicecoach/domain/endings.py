"""How a session ends, and the exit code each ending gives (documented in the README)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class How(StrEnum):
    """How a session ended."""

    FINISHED = "finished"
    STOPPED = "stopped"
    REFERRED = "referred"
    NO_INPUT = "no_input"
    INTERRUPTED = "interrupted"


class ExitCode(IntEnum):
    """The process exit codes."""

    FINISHED = 0
    USAGE = 2
    REFERRED = 3
    STOPPED = 4
    NO_INPUT = 5
    DEVICE = 6
    INTERRUPTED = 130


EXIT_CODES = {
    How.FINISHED: ExitCode.FINISHED,
    How.STOPPED: ExitCode.STOPPED,
    How.REFERRED: ExitCode.REFERRED,
    How.NO_INPUT: ExitCode.NO_INPUT,
    How.INTERRUPTED: ExitCode.INTERRUPTED,
}


class SessionOver(Exception):
    """Ends the session from wherever it is (a "stop", a referral mid-exercise...)."""

    def __init__(self, how: How) -> None:
        super().__init__(how.value)
        self.how = how
