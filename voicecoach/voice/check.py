"""``voicecoach check``: speak, listen for "yes", show the microphone level, and say what to fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import Answer
from voicecoach.ports import Expect, Speaker, Vocabulary
from voicecoach.voice.listener import VoiceListener
from voicecoach.voice.microphone import Capture

PROMPT = "This is voicecoach checking your sound. If you can hear me, please say yes."
YES_NO = Expect.of(Vocabulary.YES_NO)
QUIET_DBFS = -45.0
"""Speech quieter than this is hard to recognise: move closer or raise the microphone volume."""
LOUD_DBFS = -3.0
"""Speech louder than this is probably clipped: lower the microphone volume."""


@dataclass
class CheckResult:
    """What the check found."""

    heard: str | None = None
    confidence: float | None = None
    rejected: bool = False
    peak_dbfs: float = -120.0
    speech_dbfs: float | None = None
    advice: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when a clear "yes" was heard."""
        return self.heard is not None and not self.rejected and understand(self.heard, YES_NO) is Answer.YES


def meter(dbfs: float, width: int = 30) -> str:
    """A text level meter from -60 dBFS to 0."""
    filled = max(0, min(width, round((dbfs + 60) / 60 * width)))
    return "[" + "#" * filled + "-" * (width - filled) + f"] {dbfs:6.1f} dBFS"


def run_check(
    speaker: Speaker,
    capture: Capture,
    listener: VoiceListener,
    show: Callable[[str], None],
    seconds: float = 10.0,
) -> CheckResult:
    """Speak the prompt, listen up to ``seconds`` for an answer while showing the level, then advise."""
    result = CheckResult()
    show("Speaking a test sentence...")
    speaker.say(PROMPT)
    show('Now say "yes". Microphone level:')
    clock = listener.clock
    end = clock.now() + seconds
    utterance = None
    while utterance is None and clock.now() < end:
        utterance = listener.listen(YES_NO, until=min(end, clock.now() + 0.25))
        result.peak_dbfs = max(result.peak_dbfs, capture.level_dbfs)
        show(meter(capture.level_dbfs))
    if utterance is not None:
        result.heard, result.confidence, result.rejected = utterance.text, utterance.confidence, utterance.rejected
    result.speech_dbfs = listener.last_speech_dbfs
    result.advice = advise(result)
    return result


def advise(result: CheckResult) -> tuple[str, ...]:
    """What to fix, in plain words, from what the check measured."""
    advice = []
    if result.heard is None:
        if result.peak_dbfs < -55:
            advice.append(
                "The microphone gave almost no sound: check it is not muted, that the right one is chosen "
                "(voicecoach devices, then --mic), and its volume in the system sound settings."
            )
        else:
            advice.append("Nothing that sounded like speech was heard. Speak a little louder, or move closer.")
    elif result.rejected or not result.ok:
        advice.append('Speech was heard but not understood as "yes". Try again, one clear word.')
    level = result.speech_dbfs
    if level is not None and level < QUIET_DBFS:
        advice.append("Your voice was quiet: move the laptop closer or raise the microphone volume.")
    if level is not None and level > LOUD_DBFS:
        advice.append("Your voice was very loud and may be distorted: lower the microphone volume.")
    if result.ok and not advice:
        advice.append("Sound works: the coach can hear you. You can start with: voicecoach")
    return tuple(advice)
