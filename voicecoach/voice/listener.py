"""The Listener port by voice: utterances from the microphone, decoded against what the coach expects."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from voicecoach.dialogue.understanding import understand
from voicecoach.ports import DeviceLost, Expect, Utterance, Vocabulary
from voicecoach.voice.microphone import Capture, Lost
from voicecoach.voice.pcm import Clip
from voicecoach.voice.segmenter import Segment
from voicecoach.voice.spotter import Spotted

SPOTTED_CONFIDENCE = 0.7
"""A spotted "stop" is acted on at once (stopping is always safe) and then confirmed by the dialogue."""
SPOT_GRACE_SECONDS = 0.3
VERIFY_EXPECT = Expect.of(Vocabulary.COMMANDS, background=True)


class SpeechRecogniser(Protocol):
    """Turns one utterance into words (the port a stronger engine than pocketsphinx can stand behind)."""

    def recognise(self, audio: Clip, expect: Expect) -> Utterance:
        """Decode ``audio`` against the words ``expect`` allows; reject what is outside them."""


class RealClock(Protocol):
    """The coach clock, able to say how many real seconds remain until a deadline."""

    def now(self) -> float: ...

    def real_seconds_until(self, deadline: float | None) -> float | None: ...


LOST_MESSAGE = (
    "The microphone stopped working ({reason}). Everything so far is kept. "
    "Plug it back in and start again, or use --text to type your answers."
)


class VoiceListener:
    """Hands the coach what the person said, never what the coach itself said."""

    def __init__(
        self,
        capture: Capture,
        recogniser: SpeechRecogniser,
        clock: RealClock,
        *,
        echo_share: float = 0.6,
        now: Callable[[], float] = time.monotonic,
        verify_spotted: bool = True,
    ) -> None:
        self.capture = capture
        self.recogniser = recogniser
        self.clock = clock
        self.echo_share = echo_share
        """An utterance whose speech overlapped the coach's playback this much or more is the coach's echo."""
        self.last_speech_dbfs: float | None = None
        """Speech level of the last utterance taken (for ``voicecoach check``)."""
        self.now = now
        self.verify_spotted = verify_spotted
        """Ask the recogniser to agree before acting on a spotted "stop" (babble and TV fire the spotter)."""
        self._windows: list[tuple[float, float]] = []
        self._spotted_at: float | None = None

    def listen(self, expect: Expect, until: float | None) -> Utterance | None:
        """The next utterance the person spoke, or None when ``until`` passes first."""
        began = self.now()
        try:
            return self._listen(expect, until, began)
        finally:
            if expect.background:
                self._windows.append((began, self.now()))
                del self._windows[:-50]

    def _listen(self, expect: Expect, until: float | None, began: float) -> Utterance | None:
        while True:
            item = self.capture.next_segment(self.clock.real_seconds_until(until))
            if item is None:
                return None
            if isinstance(item, Lost):
                raise DeviceLost(LOST_MESSAGE.format(reason=item.reason))
            if isinstance(item, Spotted):
                if (
                    expect.background
                    and Vocabulary.COMMANDS in expect.vocabularies
                    and self._counting(item, began)
                    and self._confirmed(item)
                ):
                    self._spotted_at = item.at
                    return Utterance(text=item.word, confidence=SPOTTED_CONFIDENCE)
                continue
            if self.is_echo(item) or self._already_spotted(item):
                continue
            self.last_speech_dbfs = item.level_dbfs
            if item.too_long:  # a sentence or steady noise: not an answer
                return Utterance(text="", confidence=0.0, rejected=True)
            return self.recogniser.recognise(item.clip, expect)

    def _counting(self, hit: Spotted, began: float) -> bool:
        """True when the hit came while the coach was counting or resting (listening in the background),
        never from the echo of a sentence the coach was saying (the coach does say "stop" in sentences)."""
        return hit.at >= began - SPOT_GRACE_SECONDS or any(
            start - SPOT_GRACE_SECONDS <= hit.at <= end for start, end in self._windows
        )

    def _confirmed(self, hit: Spotted) -> bool:
        """A second opinion on a spotted word: the recogniser must hear the same command in that audio."""
        if not self.verify_spotted or hit.audio is None:
            return True
        utterance = self.recogniser.recognise(hit.audio, VERIFY_EXPECT)
        heard = understand(utterance.text, VERIFY_EXPECT)
        return not utterance.rejected and heard == understand(hit.word, VERIFY_EXPECT)

    def _already_spotted(self, segment: Segment) -> bool:
        """The utterance holding a word the spotter already reported is not decoded again."""
        return self._spotted_at is not None and segment.start <= self._spotted_at <= segment.end + 0.5

    def is_echo(self, segment: Segment) -> bool:
        """True when the coach's own voice makes up most of the utterance."""
        return segment.speech_seconds > 0 and segment.echo_seconds >= self.echo_share * segment.speech_seconds
