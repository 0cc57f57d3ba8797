"""A "stop" the keyword spotter missed under the coach's own voice, read by the recogniser on a thread of its own.

Over the coach's sentence, the utterance holding the person's "stop" is mostly the coach's echo, and the
listener drops it: only the spotter could catch the word, and it misses some (scripts/bench.py: 1 of 8
over a sentence on 2026-12-02). While the barge-in is armed (in an exercise, no question being answered),
such an utterance that holds at least OWN_SECONDS of the person's own voice (frames clearly louder than
the predicted echo: echo.EchoJudge) is decoded here, for a stop only. Moonshine writes both voices ("And
lower stop"), so the stop is read from the words, even when no expected phrase explains them all. A stop
found is reported like a spotted one, unless the spotter reported one in the same utterance
(voice/barge_in.py: the coach falls silent, the next listen takes it). Anything else in such an
utterance is the coach's own words (its help sentence says "pause").

Neither the microphone's thread nor the listener waits for this: a first form, which decoded such
utterances on the listener's thread, made a spotted stop wait behind the decode (acted on 0.69 s late,
with a count after it) and was reverted (6b823a4).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from voicecoach.dialogue.understanding import understand
from voicecoach.domain.answers import Command, CommandWord
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.listener import SpeechRecogniser
from voicecoach.voice.segmenter import Segment

log = logging.getLogger(__name__)

OWN_SECONDS = 0.03
"""At least one 30 ms frame of the utterance must be the person's own voice. In the echo-only utterances of
seven voice runs of scripts/bench.py (516), no frame was ever the person's."""
COMMANDS = Expect.of(Vocabulary.COMMANDS, background=True)
PENDING = 2
"""Utterances waiting to be decoded at most; more are not looked at (the recogniser is behind)."""


def mostly_echo_with_own_voice(segment: Segment) -> bool:
    """An utterance the listener drops as the coach's echo (Segment.mostly_echo; the listener decodes the
    others itself) that still holds some of the person's voice."""
    own = segment.speech_seconds - segment.echo_seconds
    return not segment.too_long and segment.mostly_echo() and own >= OWN_SECONDS - 1e-9


class StopUnderEcho:
    """Decodes, on its own thread, the utterances :meth:`offer` takes, and reports a stop read in them."""

    def __init__(self, recogniser: SpeechRecogniser, report: Callable[[Segment], object],
                 armed: Callable[[], bool]) -> None:
        self.recogniser = recogniser
        self.report = report
        """Told of an utterance in which a stop was read (on this thread)."""
        self.armed = armed
        """Whether a stop would be acted on now (BargeIn.armed): nothing is decoded otherwise."""
        self._queue: queue.Queue[Segment | None] = queue.Queue(maxsize=PENDING)
        self._thread = threading.Thread(target=self._run, name="stop-under-echo", daemon=True)

    def start(self) -> StopUnderEcho:
        """Begin taking utterances."""
        self._thread.start()
        return self

    def offer(self, segment: Segment) -> bool:
        """An utterance the microphone's thread just closed; True when it will be decoded (it returns at once)."""
        if not (mostly_echo_with_own_voice(segment) and self.armed()):
            return False
        try:
            self._queue.put_nowait(segment)
        except queue.Full:
            log.debug("stop under echo: the recogniser is behind, utterance %.2f-%.2f not looked at",
                      segment.start, segment.end)
            return False
        return True

    def close(self) -> None:
        """Stop the thread once what is queued has been decoded."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while (segment := self._queue.get()) is not None:
            try:
                heard = self.recogniser.recognise(segment.clip, COMMANDS)
            except Exception:  # a recogniser failing here must not end the session: the spotter still works
                log.exception("stop under echo: the recogniser failed")
                continue
            meaning = understand(heard.text, COMMANDS)
            log.debug("stop under echo: utterance %.2f-%.2f (%.2fs of the person's own voice) heard %r",
                      segment.start, segment.end, segment.speech_seconds - segment.echo_seconds, heard.text)
            if isinstance(meaning, CommandWord) and meaning.command is Command.STOP:
                self.report(segment)
