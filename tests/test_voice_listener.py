"""The voice listener on real speech audio fed through the capture thread: echo is ignored,
a sentence is rejected, a lost microphone ends the session with a message."""

import time

import numpy as np
import pytest

from tests.speech import RATE, in_room, say
from voicecoach.ports import DeviceLost, Expect, Utterance, Vocabulary
from voicecoach.voice.listener import TOO_LONG_REASON, VoiceListener
from voicecoach.voice.microphone import Capture
from voicecoach.voice.pcm import Clip
from voicecoach.voice.segmenter import SegmenterSettings

QUESTION = Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)


class ClipSource:
    """A microphone that hears ``clip`` and then a quiet room; time is the position in the audio."""

    def __init__(self, clip: Clip, fail_after: float | None = None, *, paced: bool = False) -> None:
        self.samples = clip.samples
        self.position = 0
        self.fail_after = fail_after
        self.rng = np.random.default_rng(0)
        self.paced = paced
        self.began = time.monotonic()

    def now(self) -> float:
        return self.position / RATE

    def read(self, size: int) -> bytes:
        if self.paced:  # deliver audio in real time, like a microphone
            time.sleep(max(0.0, self.began + (self.position + size) / RATE - time.monotonic()))
        if self.fail_after is not None and self.now() >= self.fail_after:
            raise OSError(-9988, "Stream closed")
        chunk = self.samples[self.position : self.position + size]
        if len(chunk) < size:
            time.sleep(0.0005)  # a quiet room after the clip: keep delivering, like a live microphone
            room = (self.rng.standard_normal(size - len(chunk)) * 60).astype(np.int16)
            chunk = np.concatenate([chunk, room])
        self.position += size
        return chunk.astype("<i2").tobytes()


class RecordingRecogniser:
    """Says what it was given to decode (the listener's logic is under test here, not the decoding)."""

    def __init__(self) -> None:
        self.heard: list[Clip] = []

    def recognise(self, audio: Clip, expect: Expect) -> Utterance:
        self.heard.append(audio)
        return Utterance(text="yes", confidence=0.9)


class RealSeconds:
    """A coach clock for the listener: deadlines are real seconds from now."""

    def now(self) -> float:
        return time.monotonic()

    def real_seconds_until(self, deadline):
        return None if deadline is None else max(0.0, deadline - time.monotonic())


class Playing:
    """The coach's playback covered [start, end) of the source's time."""

    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end

    def playing(self, at: float, tail: float) -> bool:
        return self.start <= at < self.end + tail


def listener_for(clip, *, echo=None, fail_after=None, settings=None):
    source = ClipSource(clip, fail_after)
    capture = Capture(source, echo=echo, now=source.now, settings=settings).start()
    recogniser = RecordingRecogniser()
    return VoiceListener(capture, recogniser, RealSeconds()), recogniser, capture


def test_a_spoken_word_reaches_the_recogniser_whole():
    word = say("yes", "en+f3")
    listener, recogniser, capture = listener_for(in_room(word, before=1.0, after=1.0))
    try:
        assert listener.listen(QUESTION, time.monotonic() + 10) == Utterance("yes", 0.9)
    finally:
        capture.stop()
    (clip,) = recogniser.heard
    assert word.seconds <= clip.seconds <= word.seconds + 0.3 + 0.45  # pre-roll + end-of-speech wait


def test_the_coachs_own_voice_is_not_heard():
    clip = in_room(say("three", "en-us"), before=1.0, after=1.0)
    listener, recogniser, capture = listener_for(clip, echo=Playing(0.95, 1.0 + 0.6))
    try:
        assert listener.listen(QUESTION, time.monotonic() + 1.0) is None
    finally:
        capture.stop()
    assert recogniser.heard == []


def test_a_long_sentence_is_rejected_without_decoding():
    sentence = say("could you please say all of that again more slowly because I did not hear it", "en-us", 120)
    listener, recogniser, capture = listener_for(
        in_room(sentence, before=0.5, after=1.0), settings=SegmenterSettings(max_seconds=3.0)
    )
    try:
        utterance = listener.listen(QUESTION, time.monotonic() + 10)
    finally:
        capture.stop()
    assert utterance is not None and utterance.rejected and utterance.reason == TOO_LONG_REASON
    assert recogniser.heard == []


def test_a_microphone_lost_mid_session_raises_device_lost_with_a_way_on():
    listener, _, capture = listener_for(in_room(say("no"), before=0.2, after=0.2), fail_after=3.0)
    try:
        listener.listen(QUESTION, time.monotonic() + 10)  # the word
        with pytest.raises(DeviceLost, match="microphone stopped working"):
            listener.listen(QUESTION, time.monotonic() + 10)
    finally:
        capture.stop()


def test_silence_times_out_into_none_never_an_answer():
    listener, recogniser, capture = listener_for(in_room(Clip(np.zeros(0, np.int16), RATE), before=0.1, after=0.1))
    try:
        assert listener.listen(QUESTION, time.monotonic() + 0.3) is None
    finally:
        capture.stop()
    assert recogniser.heard == []


def test_a_stop_said_while_counting_is_spotted_once_and_not_decoded_again():
    from tests.speech import counting  # noqa: PLC0415
    from tests.test_spotter import COUNTS  # noqa: PLC0415
    from voicecoach.voice.spotter import SpeakerAwareSpotter, StopSpotter  # noqa: PLC0415

    clip, word_end, coach_words = counting(COUNTS[:5], user_word="stop", user_at=3.55)
    source = ClipSource(clip, paced=True)
    spotter = SpeakerAwareSpotter(StopSpotter())
    capture = Capture(source, now=source.now, spotter=spotter, echo=Spans(coach_words)).start()
    recogniser = RecordingRecogniser()
    listener = VoiceListener(capture, recogniser, RealSeconds(), now=source.now)
    background = Expect.of(Vocabulary.COMMANDS, background=True)
    try:
        heard = None
        while heard is None or heard.text != "stop":
            heard = listener.listen(background, time.monotonic() + 1.0)  # like the coach between counts
            assert source.now() < word_end + 1.5, "the stop was not spotted"
        assert source.now() <= word_end + 0.5  # acted on within half a second of the end of the word
        after = listener.listen(QUESTION, time.monotonic() + 1.5)
    finally:
        capture.stop()
    assert after is None  # the spotted word is not decoded again as the answer to the next question
    assert recogniser.heard == []  # and the coach's counts never reached the recogniser


class Spans:
    """The coach's playback covered these (start, end) spans."""

    def __init__(self, spans) -> None:
        self.spans = spans

    def playing(self, at: float, tail: float) -> bool:
        return any(start <= at < end + tail for start, end in self.spans)


class QueuedItems:
    """A capture whose queue holds the given items (the listener's logic alone)."""

    def __init__(self, items) -> None:
        self.items = list(items)

    def next_segment(self, timeout):
        return self.items.pop(0) if self.items else None


def test_a_stop_spotted_during_a_sentence_inside_the_exercise_is_acted_on_after_it():
    """Counting until t=10, then the coach says a sentence (not listening) while the person says stop at
    t=11: the next background listen (t=13) acts on it. A hit from before the exercise is not acted on."""
    from voicecoach.voice.spotter import Spotted  # noqa: PLC0415

    clock = {"t": 5.0}
    background = Expect.of(Vocabulary.COMMANDS, background=True)
    capture = QueuedItems([])
    listener = VoiceListener(capture, RecordingRecogniser(), RealSeconds(), now=lambda: clock["t"])
    assert listener.listen(QUESTION, None) is None
    capture.items = [Spotted("stop", 2.0)]  # said before the exercise, while the coach was talking
    assert listener.listen(background, None) is None  # the exercise begins at t=5: the old hit is not acted on
    clock["t"] = 13.0
    capture.items = [Spotted("stop", 11.0)]
    heard = listener.listen(background, None)
    assert heard is not None and heard.text == "stop"


def test_decoding_starts_on_the_early_copy_and_its_result_is_used_when_nothing_more_is_said():
    from voicecoach.voice.segmenter import Early, Segment  # noqa: PLC0415

    def segment(speech, samples):
        return Segment(Clip(np.zeros(samples, np.int16), RATE), start=1.0, end=2.0, speech_seconds=speech,
                       echo_seconds=0.0)

    early, closed = segment(0.5, 16000), segment(0.5, 20000)
    recogniser = RecordingRecogniser()
    listener = VoiceListener(QueuedItems([Early(early), closed]), recogniser, RealSeconds())
    assert listener.listen(QUESTION, None) == Utterance("yes", 0.9)
    assert [len(c.samples) for c in recogniser.heard] == [16000]  # decoded once, on the early copy
    assert listener.speculation.used == 1

    resumed = segment(0.8, 30000)  # the person spoke on after the early copy: decoded again, whole
    recogniser.heard.clear()
    listener = VoiceListener(QueuedItems([Early(early), resumed]), recogniser, RealSeconds())
    assert listener.listen(QUESTION, None) == Utterance("yes", 0.9)
    assert [len(c.samples) for c in recogniser.heard] == [16000, 30000]
    assert listener.speculation.discarded == 1

    other = Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS)  # a copy decoded for another question
    recogniser.heard.clear()
    listener = VoiceListener(QueuedItems([Early(early)]), recogniser, RealSeconds())
    assert listener.listen(QUESTION, None) is None
    listener.capture = QueuedItems([closed])
    assert listener.listen(other, None) == Utterance("yes", 0.9)
    assert [len(c.samples) for c in recogniser.heard] == [16000, 20000]


def _counting_listener(user_word):
    from tests.speech import counting  # noqa: PLC0415
    from tests.test_spotter import COUNTS  # noqa: PLC0415
    from voicecoach.voice.spotter import SpeakerAwareSpotter, StopSpotter  # noqa: PLC0415

    clip, word_end, coach_words = counting(COUNTS[:5], user_word=user_word, user_at=3.55)
    source = ClipSource(clip, paced=True)
    capture = Capture(source, now=source.now, spotter=SpeakerAwareSpotter(StopSpotter()),
                      echo=Spans(coach_words)).start()
    listener = VoiceListener(capture, RecordingRecogniser(), RealSeconds(), now=source.now)
    return listener, capture, source


def test_the_next_count_waits_while_the_persons_word_is_undecided_and_a_stop_comes_instead():
    """The coach's deadline for handing over its next count falls inside the person's "stop": the
    listener does not return at the deadline (the count would start after the word) but when the
    spotter has decided: the stop is acted on and no count is handed over."""
    listener, capture, source = _counting_listener("stop")
    background = Expect.of(Vocabulary.COMMANDS, background=True)
    try:
        deadline = source.began + 3.55 + 0.35  # a count due just after the word: handed over inside it
        heard = listener.listen(background, deadline)
        while heard is None and source.now() < 3.55:  # (a listen may end before the word began)
            heard = listener.listen(background, deadline)
    finally:
        capture.stop()
    assert heard is not None and heard.text == "stop", "the count's deadline passed before the stop was decided"


def test_with_nobody_speaking_the_coachs_echo_never_holds_a_count_back():
    listener, capture, source = _counting_listener(None)
    background = Expect.of(Vocabulary.COMMANDS, background=True)
    late = []
    try:
        for n in range(1, 6):
            due = n + 0.85  # each count handed over 0.15 s before its second, over the coach's own words
            assert listener.listen(background, source.began + due) is None
            late.append(source.now() - due)
    finally:
        capture.stop()
    assert capture.own_voice.undecided(source.now()) is False
    assert max(late) < 0.2, late  # a hold would last at least the settle time (0.3 s) past the deadline


def test_a_word_said_as_a_count_ends_keeps_its_first_consonant():
    """The person starts "pause" while the coach's count is still playing: the frames louder than the
    count's echo are the person's, so the utterance starts with the word, not where the playback ended
    (cut there, Moonshine heard "Oz" for "pause" in CI)."""
    from voicecoach.voice.echo import EchoJudge  # noqa: PLC0415
    from voicecoach.voice.playback_log import PlaybackLog  # noqa: PLC0415
    from voicecoach.voice.segmenter import Segment  # noqa: PLC0415

    log = PlaybackLog()
    total = np.zeros(RATE * 6)
    for n in range(1, 5):  # the coach counts one a second; its echo comes back at -12 dB
        count = say(str(n), "en-us+f3")
        log.add(float(n), n + count.seconds, count)
        total[RATE * n : RATE * n + len(count.samples)] += count.samples * 0.25
    word_start = 3.25  # inside count 3 ("three" plays 3.0 to about 3.4, its echo counted 0.15 s longer)
    word = say("pause", "en-us+m3", 140).samples.astype(np.float64) * 0.5
    begin = round(word_start * RATE)
    total[begin : begin + len(word)] += word
    total += np.random.default_rng(1).standard_normal(len(total)) * 60
    source = ClipSource(Clip(np.clip(total, -32768, 32767).astype(np.int16), RATE))
    capture = Capture(source, now=source.now, echo=log, judge=EchoJudge(log)).start()
    segments: list[Segment] = []
    try:  # (the capture reads ahead of this thread: wait for the word's utterance, not a point in the audio)
        waited = time.monotonic() + 30
        while time.monotonic() < waited and not any(s.end > word_start + 0.2 for s in segments):
            item = capture.next_segment(0.5)
            if isinstance(item, Segment):
                segments.append(item)
    finally:
        capture.stop()
    theirs = [s for s in segments if s.end > word_start + 0.2]
    assert theirs, [(s.start, s.end) for s in segments]
    assert theirs[0].start <= word_start, (theirs[0].start, word_start)
    assert theirs[0].echo_seconds < 0.6 * theirs[0].speech_seconds  # the person's, not dropped as echo
