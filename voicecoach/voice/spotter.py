"""An always-on keyword spotter for "stop": the one command that must be heard even over the coach.

Segment decoding waits for a pause and is gated around the coach's own clips; "stop" cannot wait for
either, so pocketsphinx's keyphrase search runs on every frame, ungated. The threshold was chosen in
docs/voice-lab (Q6): 1e-25 caught 9 of 12 stops (2 of 4 said over a count) with no false stop in 70
counted words; the dialogue follows a stop with "Is the pain worse...?", so a false one costs little.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from voicecoach.voice.pcm import Samples

STOP_THRESHOLD = 1e-25
DEBOUNCE_SECONDS = 1.0
"""One spoken "stop" can fire twice; hits closer than this are one."""


@dataclass(frozen=True)
class Spotted:
    """The keyword was heard; ``at`` is the time of the frame that completed it (microphone clock)."""

    word: str
    at: float


class StopSpotter:
    """Feeds frames to a pocketsphinx keyphrase search and reports each (debounced) hit."""

    def __init__(self, word: str = "stop", threshold: float = STOP_THRESHOLD, rate: int = 16000) -> None:
        from pocketsphinx import Decoder  # noqa: PLC0415  (audio libraries load only in voice mode)

        self.word = word
        self.rate = rate
        self._decoder: Any = Decoder(keyphrase=word, kws_threshold=threshold, loglevel="FATAL", samprate=rate)
        self._decoder.start_utt()
        self._last: float | None = None

    def push(self, samples: Samples, start: float) -> Spotted | None:
        """Feed one frame that began at ``start``; returns a hit when this frame completes the word."""
        self._decoder.process_raw(samples.astype("<i2").tobytes(), False, False)
        if self._decoder.hyp() is None:
            return None
        self._decoder.end_utt()
        self._decoder.start_utt()
        end = start + len(samples) / self.rate
        if self._last is not None and end - self._last < DEBOUNCE_SECONDS:
            return None
        self._last = end
        return Spotted(self.word, end)


class SpeakerAwareSpotter:
    """The spotter, acting only on hits that come with speech of the person's own.

    A hit counts only if, in the second before it, at least ``min_loud_seconds`` of sound stood
    ``loud_db`` above the room's noise floor outside the coach's own playback. A radio or a busy
    kitchen fires the keyword search at the level of the room, and the coach's own counts are echo;
    a person saying "stop" is neither. Measured in scripts/bench_bargein.py.
    """

    def __init__(self, spotter: StopSpotter, *, window_seconds: float = 1.0, frame_seconds: float = 0.03,
                 min_loud_seconds: float = 0.06, loud_db: float = 9.0) -> None:
        self.spotter = spotter
        self.frame_seconds = frame_seconds
        self.min_loud_seconds = min_loud_seconds
        self.loud_db = loud_db
        self._loud: deque[bool] = deque(maxlen=max(1, round(window_seconds / frame_seconds)))

    def push(self, samples: Samples, start: float, *, echo: bool = False, above_floor_db: float = 99.0
             ) -> Spotted | None:
        """Feed one frame (with the segmenter's judgement of it); returns a hit that counts."""
        self._loud.append(above_floor_db >= self.loud_db and not echo)
        hit = self.spotter.push(samples, start)
        if hit is None or sum(self._loud) * self.frame_seconds < self.min_loud_seconds - 1e-9:
            return None
        return hit
