"""The --transcript file: one JSON object per event, written and flushed as it happens."""

from __future__ import annotations

import json
from typing import IO

from voicecoach.events import Event

_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})
"""Characters JSON leaves raw but that str.splitlines() (and some editors) take for the end of a line."""


class TranscriptWriter:
    """An event sink that appends JSON Lines to a file."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, event: Event) -> None:
        """Write one event as one line."""
        line = json.dumps(event.to_dict(), ensure_ascii=False).translate(_LINE_BREAKS)
        self.stream.write(line + "\n")
        self.stream.flush()
