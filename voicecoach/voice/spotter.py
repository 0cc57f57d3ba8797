"""An always-on keyword spotter for "stop": the one command that must be heard even over the coach.

Segment decoding waits for a pause and is gated around the coach's own clips; "stop" cannot wait for
either, so pocketsphinx's keyphrase search runs on every frame, ungated. The threshold was chosen in
docs/voice-lab (Q6): 1e-25 caught 9 of 12 stops (2 of 4 said over a count) with no false stop in 70
counted words; the dialogue follows a stop with "Is the pain worse...?", so a false one costs little.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import Command, CommandWord
from voicecoach.ports import Expect, Utterance, Vocabulary
from voicecoach.voice.pcm import Clip, Samples

log = logging.getLogger(__name__)

STOP_THRESHOLD = 1e-25
OPINION_SECONDS = 1.2
"""How much audio before a hit the second opinion hears (a spoken "stop" and what came just before)."""
ECHO_SLACK_SECONDS = 0.3
"""What the coach played this much before the heard second also counts: the echo reaches the
microphone later than the clip left the player, and the microphone's frames are stamped on arrival."""
GRACE_SECONDS = 0.3
"""A hit this long before the exercise's listening began still counts (the listener, voice/barge_in.py)."""
DEBOUNCE_SECONDS = 1.0
"""One spoken "stop" can fire twice; counted hits closer than this are one (a refused hit debounces nothing)."""


@dataclass(frozen=True)
class Spotted:
    """The keyword was heard; ``at`` is the time of the frame that completed it (microphone clock)."""

    word: str
    at: float


class StopSpotter:
    """Feeds frames to a pocketsphinx keyphrase search and reports every hit (SpeakerAwareSpotter debounces)."""

    def __init__(self, word: str = "stop", threshold: float = STOP_THRESHOLD, rate: int = 16000) -> None:
        from pocketsphinx import Decoder  # noqa: PLC0415  (audio libraries load only in voice mode)

        self.word = word
        self.rate = rate
        self._decoder: Any = Decoder(keyphrase=word, kws_threshold=threshold, loglevel="FATAL", samprate=rate)
        self._decoder.start_utt()

    def push(self, samples: Samples, start: float) -> Spotted | None:
        """Feed one frame that began at ``start``; returns a hit when this frame completes the word."""
        self._decoder.process_raw(samples.astype("<i2").tobytes(), False, False)
        if self._decoder.hyp() is None:
            return None
        self._decoder.end_utt()
        self._decoder.start_utt()
        return Spotted(self.word, start + len(samples) / self.rate)


class SecondOpinion(Protocol):
    """Asked before acting on a spotted word: was it the person's, or the coach's own?

    A small port: pocketsphinx's command grammar stands behind it now (:class:`HeardAsStop`), a
    stronger recogniser (Moonshine, scoring "stop" among the commands) can later. (Running the keyword
    search again on what the coach played, to catch its own words, was tried offline: it never fired
    where the microphone's search did, so it is not used.)
    """

    def __call__(self, heard: Clip, played: Clip) -> bool:
        """True to act: ``heard`` is the microphone's last second or so, ``played`` what the coach played
        over the same stretch (a little longer, as its echo arrives late)."""


class Recognises(Protocol):
    """What :class:`HeardAsStop` needs of a recogniser: the meaning of a clip among the commands."""

    def __call__(self, clip: Clip) -> bool:
        """True when the clip holds a stop word."""


class HeardAsStop:
    """A recogniser must hear a stop word in what the microphone heard (pocketsphinx's grammar now,
    Moonshine's phrase scores once merged); see :func:`stop_heard_by`. Not the default: pocketsphinx's
    one-word grammar, given the 1.2 s before a hit (counts in it), agreed with none of 126 stops in
    ``scripts/bench_bargein.py --second-opinion grammar`` (it hears a count or garbage)."""

    def __init__(self, hears_stop: Recognises) -> None:
        self.hears_stop = hears_stop

    def __call__(self, heard: Clip, played: Clip) -> bool:
        """See SecondOpinion."""
        return self.hears_stop(heard)


class _Recogniser(Protocol):
    def recognise(self, audio: Clip, expect: Expect) -> Utterance: ...


def stop_heard_by(recogniser: _Recogniser) -> HeardAsStop:
    """The second opinion of a recogniser (pocketsphinx's ``Recogniser`` now, Moonshine's later): it must
    understand a stop word ("stop", "ouch", ...) among the commands. Give it an instance of its own: it
    runs on the microphone's thread, beside the listener's."""
    expect = Expect.of(Vocabulary.COMMANDS, background=True)

    def hears_stop(clip: Clip) -> bool:
        utterance = recogniser.recognise(clip, expect)
        meaning = None if utterance.rejected else understand(utterance.text, expect)
        return isinstance(meaning, CommandWord) and meaning.command is Command.STOP

    return HeardAsStop(hears_stop)


def all_of(*opinions: SecondOpinion) -> SecondOpinion:
    """A second opinion that agrees only when every one of ``opinions`` does."""

    def agree(heard: Clip, played: Clip) -> bool:
        return all(opinion(heard, played) for opinion in opinions)

    return agree


Played = Callable[[float, float, int], Samples]
"""(start, seconds, rate) -> what the coach played then (PlaybackLog.played)."""


class SpeakerAwareSpotter:
    """The spotter, acting only on hits that come with speech of the person's own.

    A hit counts only if, in the second before it, at least ``min_loud_seconds`` of sound stood
    ``loud_db`` above the room's noise floor outside the coach's own playback. A radio or a busy
    kitchen fires the keyword search at the level of the room, and the coach's own counts are echo;
    a person saying "stop" is neither. Then the second opinion, given what was heard and what the
    coach played over it, must agree. Measured in scripts/bench_bargein.py and scripts/bench.py.

    Only a hit that counts starts the debounce: a hit refused on the coach's count must not hide the
    person's "stop" a moment later (it did, when the keyword search itself debounced every hit).
    """

    def __init__(self, spotter: StopSpotter, *, window_seconds: float = 1.0, frame_seconds: float = 0.03,
                 min_loud_seconds: float = 0.06, loud_db: float = 9.0, played: Played | None = None,
                 second_opinion: SecondOpinion | None = None) -> None:
        self.spotter = spotter
        self.frame_seconds = frame_seconds
        self.min_loud_seconds = min_loud_seconds
        self.loud_db = loud_db
        self.played = played
        self.second_opinion = second_opinion
        self._loud: deque[bool] = deque(maxlen=max(1, round(window_seconds / frame_seconds)))
        self._recent: deque[Samples] = deque(maxlen=max(1, round(OPINION_SECONDS / frame_seconds)))
        self.vetoed: list[Spotted] = []
        """Hits the second opinion turned down (for benchmarks and the debug log)."""
        self._counted: float | None = None

    def push(self, samples: Samples, start: float, *, echo: bool = False, above_floor_db: float = 99.0
             ) -> Spotted | None:
        """Feed one frame (with the segmenter's judgement of it, and whether it is the coach's echo);
        returns a hit that counts."""
        self._loud.append(above_floor_db >= self.loud_db and not echo)
        self._recent.append(samples)
        hit = self.spotter.push(samples, start)
        if hit is None:
            return None
        if self._counted is not None and hit.at - self._counted < DEBOUNCE_SECONDS:
            log.debug("spotted %r at %.2f, within a second of the last stop counted", hit.word, hit.at)
            return None
        if sum(self._loud) * self.frame_seconds < self.min_loud_seconds - 1e-9:
            log.debug("spotted %r at %.2f, but no speech of the person's own in the second before it", hit.word, hit.at)
            return None
        if self.second_opinion is not None and not self._agreed(hit):
            log.debug("spotted %r at %.2f, but the second opinion says it was the coach's own", hit.word, hit.at)
            self.vetoed.append(hit)
            return None
        self._counted = hit.at
        return hit

    def _agreed(self, hit: Spotted) -> bool:
        assert self.second_opinion is not None
        rate = self.spotter.rate
        heard = Clip(np.concatenate(list(self._recent)), rate)
        begin = hit.at - heard.seconds - ECHO_SLACK_SECONDS
        played = self.played(begin, heard.seconds + ECHO_SLACK_SECONDS, rate) if self.played is not None else (
            np.zeros(0, dtype=np.int16))
        return self.second_opinion(heard, Clip(played, rate))
