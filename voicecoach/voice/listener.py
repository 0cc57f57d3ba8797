"""The Listener port by voice: utterances from the microphone, decoded against what the coach expects."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from voicecoach.ports import Clock, Expect, Utterance, Vocabulary
from voicecoach.voice.barge_in import BargeIn
from voicecoach.voice.errors import MicrophoneLost
from voicecoach.voice.microphone import Back, Capture, Lost
from voicecoach.voice.pcm import Clip
from voicecoach.voice.segmenter import ECHO_SHARE, Early, Segment
from voicecoach.voice.speculation import Speculation
from voicecoach.voice.spotter import DEBOUNCE_SECONDS, GRACE_SECONDS, Spotted

log = logging.getLogger(__name__)

SPOTTED_CONFIDENCE = 0.7
"""A spotted "stop" is acted on at once: stopping is always safe, and the coach then asks whether the
pain is worse and whether to carry on, so a false stop costs a question."""
MAX_HOLD_SECONDS = 1.0
"""The longest a count is held back past its time while the person's word is undecided (a long
sentence of theirs, or a noise judged as their voice, must not stop the counting)."""
HOLD_STEP_SECONDS = 0.02


class SpeechRecogniser(Protocol):
    """Turns one utterance into words (the port a stronger engine than pocketsphinx can stand behind)."""

    def recognise(self, audio: Clip, expect: Expect) -> Utterance:
        """Decode ``audio`` against the words ``expect`` allows; reject what is outside them."""


TOO_LONG_REASON = "too long for an answer (a sentence, or steady noise)"
"""Why an utterance longer than the segmenter allows is rejected without decoding."""
LOST_MESSAGE = "The microphone stopped working ({reason})."


class VoiceListener:
    """Hands the coach what the person said, never what the coach itself said."""

    def __init__(
        self,
        capture: Capture,
        recogniser: SpeechRecogniser,
        clock: Clock,
        *,
        echo_share: float = ECHO_SHARE,
        now: Callable[[], float] = time.monotonic,
        barge_in: BargeIn | None = None,
    ) -> None:
        self.capture = capture
        self.barge_in = barge_in
        """Told when the listener would act on a "stop" (during the exercise), so that one said over the
        coach's sentence silences it at once; None: such a stop waits for the next listen."""
        self.recogniser = recogniser
        self.speculation = Speculation(recogniser)
        """Decodes on a worker thread, from the early copy of an utterance when the capture offers one."""
        self.clock = clock
        self.echo_share = echo_share
        """An utterance whose speech overlapped the coach's playback this much or more is the coach's echo."""
        self.last_speech_dbfs: float | None = None
        """Speech level of the last utterance taken (for ``voicecoach check``)."""
        self.now = now
        self._spotted_at: float | None = None
        self._exercising_since: float | None = None
        """Start of the current run of background listening (counting, resting, and the coach's
        sentences between), None while a question is asked."""

    def listen(self, expect: Expect, until: float | None) -> Utterance | None:
        """The next utterance the person spoke, or None when ``until`` passes first."""
        began = self.now()
        if not expect.background:
            self._exercising_since = None
        elif self._exercising_since is None:
            self._exercising_since = began
        if self.barge_in is not None:
            self.barge_in.arm(self._exercising_since if _acts_on_stops(expect) else None)
            if (hit := self.barge_in.take()) is not None:  # said over the coach, which fell silent for it
                log.debug("stop at %.2f, said over the coach, acted on", hit.at)
                self._spotted_at = hit.at
                return Utterance(text=hit.word, confidence=SPOTTED_CONFIDENCE)
        heard = self._listen(expect, until, began)
        if heard is not None and self.barge_in is not None:
            self.barge_in.arm(None)  # the person spoke: the coach replies, and counting arms it again
        return heard

    def _listen(self, expect: Expect, until: float | None, began: float) -> Utterance | None:
        held_since: float | None = None
        while True:
            wait = self.clock.real_seconds_until(until)
            holding = False
            if wait == 0 and self._holding(expect):  # a word of the person's may still be a "stop"
                held_since = self.now() if held_since is None else held_since
                holding = self.now() - held_since < MAX_HOLD_SECONDS
                wait = HOLD_STEP_SECONDS if holding else 0.0
            item = self.capture.next_segment(wait)
            if item is None:
                if holding or (wait is not None and wait > 0):  # look again: the deadline, or a hold
                    continue
                if held_since is not None:
                    log.debug("held %.2fs past the deadline for the person's word", self.now() - held_since)
                return None
            if isinstance(item, Lost):
                raise MicrophoneLost(LOST_MESSAGE.format(reason=item.reason))
            if isinstance(item, Back):  # a loss already dealt with (the recovery waits on the capture itself)
                continue
            if isinstance(item, Early):
                if not (item.segment.too_long or self.is_echo(item.segment) or self._already_spotted(item.segment)):
                    self.speculation.begin(item.segment, expect)
                continue
            if isinstance(item, Spotted):
                if self._spotted_at is not None and abs(item.at - self._spotted_at) < DEBOUNCE_SECONDS:
                    continue  # acted on already (the coach fell silent for it, or the word was reported twice)
                log.debug("spotted %r at %.2f (listening since %.2f, background=%s)", item.word, item.at, began,
                          expect.background)
                silenced = self.barge_in is not None and self.barge_in.take() is not None  # the coach fell silent
                if silenced or (_acts_on_stops(expect) and self._counting(item, began)):
                    self._spotted_at = item.at
                    return Utterance(text=item.word, confidence=SPOTTED_CONFIDENCE)
                continue
            log.debug("segment %.2f-%.2f speech %.2fs echo %.2fs level %.1f dBFS%s", item.start, item.end,
                      item.speech_seconds, item.echo_seconds, item.level_dbfs, " too long" if item.too_long else "")
            if self.is_echo(item) or self._already_spotted(item):
                log.debug("  dropped: %s", "the coach's echo" if self.is_echo(item) else "already spotted")
                continue
            self.last_speech_dbfs = item.level_dbfs
            if item.too_long:  # a sentence or steady noise: not an answer
                return Utterance(text="", confidence=0.0, rejected=True, reason=TOO_LONG_REASON)
            utterance = self.speculation.recognise(item, expect)
            log.debug("  recognised %r confidence %s rejected %s", utterance.text, utterance.confidence,
                      utterance.rejected)
            return utterance

    def _holding(self, expect: Expect) -> bool:
        """True while the coach's next count must wait: it listens for commands in an exercise and the
        person's own voice was heard a moment ago (the spotter may still report "stop"; a count that
        started after the word would be one counted past a stop)."""
        own = getattr(self.capture, "own_voice", None)  # (a queue of given items in unit tests has none)
        return _acts_on_stops(expect) and own is not None and own.undecided(self.now())

    def _counting(self, hit: Spotted, began: float) -> bool:
        """True when the hit came during the exercise: while the coach counted or rested, or said a
        sentence in between (acted on when the sentence ends). The spotter's second opinion has already
        turned down hits the coach's own words made (it says "stop" in sentences); hits from before the
        exercise (the questions) are not acted on."""
        since = began if self._exercising_since is None else self._exercising_since
        return hit.at >= since - GRACE_SECONDS

    def _already_spotted(self, segment: Segment) -> bool:
        """The utterance holding a word the spotter already reported is not decoded again."""
        return self._spotted_at is not None and segment.start <= self._spotted_at <= segment.end + 0.5

    def is_echo(self, segment: Segment) -> bool:
        """True when the coach's own voice makes up most of the utterance."""
        return segment.mostly_echo(self.echo_share)


def _acts_on_stops(expect: Expect) -> bool:
    """The listening of an exercise (commands in the background: counting, resting): a spotted stop is acted on."""
    return expect.background and Vocabulary.COMMANDS in expect.vocabularies
