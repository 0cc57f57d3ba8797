"""A sound device lost mid-session: say so (by voice when the speaker still works, and on the screen),
wait for it to come back, then offer to carry on where the session was.

Whatever happens the person is told; if the device does not come back in time the loss ends the session
as before (kept as interrupted, exit code 6).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from voicecoach import data
from voicecoach.domain.answers import Answer
from voicecoach.domain.endings import How, SessionOver
from voicecoach.domain.questions import Question
from voicecoach.events import DeviceFault, Said
from voicecoach.ports import DeviceLost, DeviceReturned, DeviceWatch

if TYPE_CHECKING:
    from voicecoach.dialogue.conversation import Conversation

DEVICE_WAIT_SECONDS = 60.0
"""How long a lost device is waited for before the session ends (VOICECOACH_DEVICE_WAIT overrides it)."""


def in_words(devices: tuple[str, ...]) -> str:
    """("microphone", "speaker") -> "microphone and speaker"."""
    return " and ".join(devices) if devices else "sound device"


@dataclass
class DeviceReturn:
    """Waits for lost devices and offers to carry on (voice mode's part of the Conversation)."""

    watch: DeviceWatch
    wait_seconds: float = DEVICE_WAIT_SECONDS
    notify: Callable[[str], None] = lambda line: None
    """Shows a line on the screen (the coach may have no voice left to say it with)."""

    def recover(self, talk: Conversation, lost: DeviceLost) -> NoReturn:
        """Deal with ``lost``: raises DeviceReturned (carry on), SessionOver (the person would rather stop)
        or DeviceLost (it did not come back within ``wait_seconds``)."""
        words: dict[str, Any] = data.load("phrases")["device"]
        devices = self.watch.failing() or (lost.device,)
        names = in_words(devices)
        seconds = f"{self.wait_seconds:g}"
        started = talk.clock.now()
        talk.emit(DeviceFault(state="lost", devices=devices, reason=str(lost)))
        wait = words["wait"].format(it="they are" if len(devices) > 1 else "it", seconds=seconds)
        notice = f"{words['lost'].format(devices=names)} {wait}"
        talk.emit(Said(text=notice))  # on the live view
        self.notify(f"{lost} {wait}")  # on the screen without it, with the reason
        if "speaker" not in devices:
            with contextlib.suppress(DeviceLost):  # a courtesy: the screen already says it
                talk.speaker.say(notice)
        if not self.watch.wait_for_return(self.wait_seconds):
            gone = words["gone"].format(devices=names, seconds=seconds)
            talk.emit(DeviceFault(state="gone", devices=devices, reason=str(lost)))
            talk.emit(Said(text=gone))
            raise DeviceLost(f"{lost} {gone}") from lost
        talk.emit(DeviceFault(state="back", devices=devices))
        back = words["back"].format(devices=names, **{"is": "are" if len(devices) > 1 else "is"})
        self.notify(back)
        answer = talk.ask(Question("DEVICE_BACK", back, tuple(words["back_rephrase"])))
        if answer is Answer.YES:
            raise DeviceReturned(talk.clock.now() - started)
        talk.say(words["not_carrying_on"])
        raise SessionOver(How.STOPPED)
