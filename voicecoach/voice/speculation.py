"""Decoding that starts at the end of speech: an early copy of the utterance is decoded on a worker thread
while the segmenter still waits for the quiet that closes it; the result is used when the utterance closes
with nothing more said, and thrown away when the person spoke on (the closed utterance is then decoded).

Every decode runs on the one worker thread, so the recogniser is never called from two threads at once.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from voicecoach.ports import Expect, Utterance
from voicecoach.voice.pcm import Clip
from voicecoach.voice.segmenter import Segment

log = logging.getLogger(__name__)

EARLY_SECONDS = 0.15
"""The quiet after speech that starts a speculative decode (the utterance closes after 0.35 s of quiet)."""


class Recognises(Protocol):
    """The recogniser port (voice/listener.SpeechRecogniser)."""

    def recognise(self, audio: Clip, expect: Expect) -> Utterance:
        """Decode ``audio`` against the words ``expect`` allows."""


@dataclass(frozen=True)
class _Pending:
    segment: Segment
    expect: Expect
    result: Future[Utterance]


def same_speech(early: Segment, closed: Segment) -> bool:
    """True when ``closed`` is ``early`` with only quiet added: the same start, speech and echo."""
    return (not closed.too_long and early.start == closed.start and early.speech_seconds == closed.speech_seconds
            and early.echo_seconds == closed.echo_seconds)


class Speculation:
    """Runs the recogniser on a worker thread, starting on early copies of utterances."""

    def __init__(self, recogniser: Recognises) -> None:
        self.recogniser = recogniser
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode")
        self._pending: _Pending | None = None
        self.used = 0
        """Closed utterances answered by their early decode."""
        self.discarded = 0
        """Early decodes thrown away (speech resumed, or the question changed)."""

    def begin(self, early: Segment, expect: Expect) -> None:
        """Start decoding an early copy (a copy already waiting is replaced)."""
        if self._pending is not None:
            self.discarded += 1
        self._pending = _Pending(early, expect, self._worker.submit(self.recogniser.recognise, early.clip, expect))

    def recognise(self, closed: Segment, expect: Expect) -> Utterance:
        """What the closed utterance says: its early decode when nothing was said after it, else a new decode."""
        pending, self._pending = self._pending, None
        if pending is not None and pending.expect == expect and same_speech(pending.segment, closed):
            self.used += 1
            return pending.result.result()
        if pending is not None:
            self.discarded += 1
            log.debug("early decode discarded (speech went on, or another question)")
        return self._worker.submit(self.recogniser.recognise, closed.clip, expect).result()


__all__ = ["EARLY_SECONDS", "Speculation", "same_speech"]
