"""The --transcript file: one JSON object per event, written and flushed as it happens."""

from __future__ import annotations

import json
from typing import IO

from voicecoach.events import Event


class TranscriptWriter:
    """An event sink that appends JSON Lines to a file."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, event: Event) -> None:
        """Write one event as one line."""
        self.stream.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        self.stream.flush()
