"""Voice mode's DeviceWatch: which sound devices are failing, and waiting for them to work again.

The microphone's capture follows its own health (a new stream is opened after a read error, and real
sound must come again); the speaker's stream is reopened here once its writes have failed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from voicecoach.voice.errors import OutputDeviceError, VoiceError
from voicecoach.voice.microphone import Capture
from voicecoach.voice.playback import Player
from voicecoach.voice.sink import Sink

POLL_SECONDS = 1.0
"""How often a failed speaker is tried again while waiting."""


class VoiceDeviceWatch:
    """The microphone (through its capture) and the speaker (through its player), watched together."""

    def __init__(self, capture: Capture, player: Player, open_sink: Callable[[], Sink], *,
                 poll_seconds: float = POLL_SECONDS, wall: Callable[[], float] = time.monotonic) -> None:
        self.capture = capture
        self.player = player
        self.open_sink = open_sink
        """Opens the chosen speaker again (raises VoiceError while it cannot)."""
        self.poll_seconds = poll_seconds
        self.wall = wall

    def failing(self) -> tuple[str, ...]:
        """See DeviceWatch."""
        failed = []
        if not self.capture.working:
            failed.append("microphone")
        if not self._speaker_works():
            failed.append("speaker")
        return tuple(failed)

    def wait_for_return(self, seconds: float) -> bool:
        """See DeviceWatch. What the microphone queued while it was away is dropped."""
        deadline = self.wall() + seconds
        while True:
            speaker = self._speaker_works() or self._reopen_speaker()
            if speaker and self.capture.working:
                self.capture.drain()
                return True
            left = deadline - self.wall()
            if left <= 0:
                return False
            if speaker:
                self.capture.wait_until_working(min(left, self.poll_seconds))
            else:
                time.sleep(min(left, self.poll_seconds))

    def _speaker_works(self) -> bool:
        try:
            self.player.sink.earliest()
        except OutputDeviceError:
            return False
        return True

    def _reopen_speaker(self) -> bool:
        try:
            sink = self.open_sink()
        except VoiceError:
            return False
        old = self.player.replace_sink(sink)
        with contextlib.suppress(Exception):  # its device is gone: closing is a courtesy
            old.close()
        return True
