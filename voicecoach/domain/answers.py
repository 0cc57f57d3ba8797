"""What a reply can mean: an answer, a number, or a command."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Answer(StrEnum):
    """The final value of a question."""

    YES = "yes"
    NO = "no"
    READY = "ready"
    UNCLEAR = "unclear"
    SKIPPED = "skipped"
    CHECK_ALL = "check_all"
    """"check everything" to the quick return's check-in (R0): ask every question today."""


class Command(StrEnum):
    """What the person can say at any time."""

    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    REPEAT = "repeat"
    SKIP = "skip"
    SLOWER = "slower"
    FASTER = "faster"
    HELP = "help"
    HOW_MANY_LEFT = "how_many_left"
    NUMBNESS = "numbness"


@dataclass(frozen=True)
class CommandWord:
    """A command, and whether the words were about pain ("ouch", "it hurts")."""

    command: Command
    pain: bool = False


Meaning = Answer | int | CommandWord
"""Answer.YES/NO/READY, a number 0-10, or a command."""
