"""A "stop" said over the coach's own sentence during an exercise silences it at once (voice/barge_in.py):
the latch's rules, the speaker falling silent mid-sentence (real TTS clips on a rendered timeline), and a
real person's "stop" over the coach's sentence through the capture thread and the real spotter."""

import threading
import time
from pathlib import Path

import numpy as np

from tests.speech import RATE, say
from tests.test_voice_listener import ClipSource, QueuedItems, RealSeconds
from voicecoach.coach.catalogue import plan_item
from voicecoach.domain.outcomes import ExerciseStatus
from voicecoach.events import ExerciseDone, ExerciseStarted, Said
from voicecoach.ports import Expect, Utterance, Vocabulary
from voicecoach.voice.barge_in import ARM_DELAY_SECONDS, BargeIn
from voicecoach.voice.clips import ClipCache
from voicecoach.voice.echo import EchoJudge
from voicecoach.voice.listener import SPOTTED_CONFIDENCE, VoiceListener
from voicecoach.voice.microphone import Capture
from voicecoach.voice.pcm import Clip, read_wav
from voicecoach.voice.playback import Player
from voicecoach.voice.playback_log import PlaybackLog
from voicecoach.voice.render_sink import RenderSink
from voicecoach.voice.speaker import VoiceSpeaker
from voicecoach.voice.spotter import GRACE_SECONDS, SpeakerAwareSpotter, Spotted, StopSpotter
from voicecoach.voice.synthesis import Pyttsx3Synthesiser

BACKGROUND = Expect.of(Vocabulary.COMMANDS, background=True)
QUESTION = Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)
SENTENCE = "Rest for twenty seconds. Then we will start the next set, slowly and gently."
REAL_STOP = Path(__file__).parent / "data" / "real-voices" / "stop__an4_fjam_1.wav"  # CMU AN4: see its LICENSE


class Cuts:
    """Stands for Player.cut: counts the calls and notes the time of each."""

    def __init__(self, now=lambda: 0.0) -> None:
        self.now = now
        self.at: list[float] = []

    def __call__(self) -> float:
        self.at.append(self.now())
        return self.at[-1]


def test_a_hit_is_acted_on_only_when_armed_and_after_the_exercise_began():
    cuts = Cuts()
    barge_in = BargeIn(cut=cuts)
    assert not barge_in.spotted(Spotted("stop", 3.0))  # not armed: a question, or before any exercise
    barge_in.arm(10.0)
    assert not barge_in.spotted(Spotted("stop", 10.0 - GRACE_SECONDS - 0.01))  # from before the exercise
    assert cuts.at == [] and not barge_in.silenced.is_set()
    assert barge_in.spotted(Spotted("stop", 12.0))
    assert cuts.at == [0.0] and barge_in.silenced.is_set()
    assert not barge_in.spotted(Spotted("stop", 13.5))  # one stop at a time: the first is not yet acted on
    assert cuts.at == [0.0]
    assert barge_in.take() == Spotted("stop", 12.0)
    assert not barge_in.silenced.is_set() and barge_in.take() is None
    barge_in.arm(None)  # a question is asked: a stop then is an answer, heard as one
    assert not barge_in.spotted(Spotted("stop", 20.0))


def test_an_exercises_start_arms_it_a_moment_later_and_its_end_disarms_it():
    """The person may have just answered the question before the exercise: the spotter counts a hit as
    theirs for a second after their voice, so the first second of the exercise is left to the listener."""
    clock = {"t": 30.0}
    barge_in = BargeIn(cut=Cuts(), now=lambda: clock["t"])
    barge_in(Said(text="What is your pain now, from 0 to 10?"))  # other events change nothing
    assert not barge_in.spotted(Spotted("stop", 30.5))
    barge_in(ExerciseStarted(exercise="E2", side=None, dose=plan_item("E2").dose))
    assert not barge_in.spotted(Spotted("stop", 30.0 + ARM_DELAY_SECONDS - 0.1))  # the answer's second
    assert barge_in.spotted(Spotted("stop", 30.0 + ARM_DELAY_SECONDS + 0.5))  # over the first instruction
    assert barge_in.take() is not None
    assert not barge_in.spotted(Spotted("stop", 40.0))  # a stop taken: disarmed until the counting
    barge_in.arm(41.0)  # the counting starts again
    assert barge_in.spotted(Spotted("stop", 42.0))
    assert barge_in.take() is not None
    barge_in.arm(43.0)
    barge_in(ExerciseDone(exercise="E2", status=ExerciseStatus.COMPLETED))
    assert not barge_in.spotted(Spotted("stop", 50.0))  # the exercise is over


class Recognises:
    def recognise(self, audio, expect):
        raise AssertionError("nothing is decoded here")


def test_the_listener_arms_in_the_exercise_returns_the_stop_at_once_and_does_not_act_on_it_twice():
    clock = {"t": 5.0}
    capture = QueuedItems([])
    barge_in = BargeIn(cut=Cuts())
    listener = VoiceListener(capture, Recognises(), RealSeconds(), now=lambda: clock["t"], barge_in=barge_in)
    assert listener.listen(QUESTION, None) is None
    assert not barge_in.spotted(Spotted("stop", 6.0))  # the last listen was a question: not armed
    assert listener.listen(BACKGROUND, None) is None  # counting from t=5
    clock["t"] = 8.0  # the coach says a sentence; nobody listens; the person says "stop" over it
    hit = Spotted("stop", 7.5)
    assert barge_in.spotted(hit)
    capture.items = [hit]  # the capture queues the same hit
    heard = listener.listen(BACKGROUND, None)  # the sentence returned at once: the next listen
    assert heard == Utterance(text="stop", confidence=SPOTTED_CONFIDENCE)
    assert listener.listen(BACKGROUND, None) is None  # the queued copy of the hit is not a second stop
    assert capture.items == [] and not barge_in.silenced.is_set()


class Hears:
    def __init__(self, text: str) -> None:
        self.text = text

    def recognise(self, audio, expect):
        return Utterance(text=self.text, confidence=0.9)


def test_a_word_of_the_persons_disarms_it_until_the_counting_starts_again():
    """The coach replies to the person's word ("Slower: ..."), and the spotter's hits in the second after
    their voice may be the coach's own words: not acted on at once until the next listen arms it again."""
    from voicecoach.voice.segmenter import Segment  # noqa: PLC0415

    said = Segment(Clip(np.zeros(RATE, np.int16), RATE), start=6.0, end=7.0, speech_seconds=0.5, echo_seconds=0.0)
    barge_in = BargeIn(cut=Cuts())
    listener = VoiceListener(QueuedItems([said]), Hears("slower"), RealSeconds(), now=lambda: 5.0,
                             barge_in=barge_in)
    assert listener.listen(BACKGROUND, None) == Utterance(text="slower", confidence=0.9)
    assert not barge_in.spotted(Spotted("stop", 7.4))
    assert listener.listen(BACKGROUND, None) is None  # the counting goes on: armed again
    assert barge_in.spotted(Spotted("stop", 7.6))


class LatchingQueue:
    """A capture whose microphone thread spots ``hit`` while the listener waits on it: the latch is set,
    then the hit is queued (as Capture does)."""

    def __init__(self, barge_in: BargeIn, hit: Spotted) -> None:
        self.barge_in, self.hit, self.done = barge_in, hit, False

    def next_segment(self, timeout):
        if self.done:
            return None
        self.done = True
        assert self.barge_in.spotted(self.hit)
        return self.hit


def test_a_stop_spotted_while_the_listener_waits_is_returned_from_its_queue_once():
    clock = {"t": 5.0}
    barge_in = BargeIn(cut=Cuts())
    listener = VoiceListener(QueuedItems([]), Recognises(), RealSeconds(), now=lambda: clock["t"],
                             barge_in=barge_in)
    assert listener.listen(BACKGROUND, None) is None  # the exercise's listening: armed from t=5
    listener.capture = LatchingQueue(barge_in, Spotted("stop", 6.0))
    assert listener.listen(BACKGROUND, None) == Utterance(text="stop", confidence=SPOTTED_CONFIDENCE)
    assert not barge_in.silenced.is_set()  # taken: the coach may speak (its reply to the stop)
    assert listener.listen(BACKGROUND, None) is None


def test_a_stop_that_silenced_the_coach_answers_the_question_asked_next():
    """The stop came over the last sentence of an exercise, and a question follows (the pain score after
    it): the question's listen returns the stop (the dialogue stops the session, as for a spoken stop)."""
    clock = {"t": 5.0}
    barge_in = BargeIn(cut=Cuts())
    capture = QueuedItems([])
    listener = VoiceListener(capture, Recognises(), RealSeconds(), now=lambda: clock["t"], barge_in=barge_in)
    assert listener.listen(BACKGROUND, None) is None
    hit = Spotted("stop", 6.0)
    assert barge_in.spotted(hit)
    capture.items = [hit]
    assert listener.listen(QUESTION, None) == Utterance(text="stop", confidence=SPOTTED_CONFIDENCE)
    assert not barge_in.silenced.is_set()
    assert not barge_in.spotted(Spotted("stop", 9.0))  # during the question: not armed


class SteppingClock:
    """A fake clock that advances when slept on, and runs ``action`` once when it passes ``at``."""

    def __init__(self, at: float, action) -> None:
        self.t, self.at, self.action = 0.0, at, action

    def now(self) -> float:
        return self.t

    def sleep_until(self, deadline: float) -> None:
        if self.t < self.at <= deadline:
            self.t = self.at
            self.action()
        self.t = max(self.t, deadline)


def test_the_coachs_sentence_falls_silent_when_a_stop_is_acted_on_and_nothing_more_is_said(tmp_path):
    """Real TTS clips on a rendered timeline: a stop at 1.0 s cuts the sentence there; what the coach says
    or queues next is dropped until the listener takes the stop; then the coach speaks again."""
    made: list[BargeIn] = []
    clock = SteppingClock(1.0, lambda: made[0].spotted(Spotted("stop", 1.0)))  # the microphone's thread
    sink = RenderSink(clock)
    player = Player(sink)
    barge_in = BargeIn(cut=player.cut)
    made.append(barge_in)
    speaker = VoiceSpeaker(ClipCache(Pyttsx3Synthesiser("en-us", 150), tmp_path), player)
    speaker.silenced = barge_in.silenced
    barge_in.arm(0.0)
    assert speaker.clips.get(SENTENCE).seconds > 3.0
    speaker.say(SENTENCE)
    assert 1.0 <= clock.now() <= 1.05  # returned as the stop was acted on, not when the sentence ended
    speaker.say("Well done.")  # said and queued after the stop, before the listener took it: dropped
    speaker.say_at(2.0, "3")
    heard, cut = sink.rendered().samples.astype(np.int32), round(1.0 * sink.rate)
    assert np.abs(heard[:cut]).max() > 1000  # the sentence played up to the stop...
    assert np.abs(heard[cut:]).max(initial=0) == 0  # ...and nothing after it
    assert barge_in.take() is not None
    speaker.say("Is the pain worse than before?")  # the coach's reply to the stop is heard
    assert np.abs(sink.rendered().samples[cut:].astype(np.int32)).max() > 1000


def _stop_over_a_sentence() -> tuple[Clip, float, PlaybackLog]:
    """The coach's sentence from 0.5 s (its echo 12 dB under what was played) and a real person's "stop"
    said over its middle, 10 dB above the echo's level: the microphone's audio, the end of the word, and
    the player's log."""
    sentence = say(SENTENCE, "en-us+f3")
    person = read_wav(REAL_STOP)
    total = np.zeros(round((0.5 + sentence.seconds + 1.5) * RATE))
    start = round(0.5 * RATE)
    total[start : start + len(sentence.samples)] += sentence.samples * 10 ** (-12 / 20)
    loud = np.flatnonzero(np.abs(person.samples.astype(np.int32)) > 0.1 * np.abs(person.samples).max())
    word = person.samples[max(0, loud[0] - 800) : loud[-1] + 800].astype(np.float64)
    echo_rms = np.sqrt(np.mean(sentence.samples.astype(np.float64) ** 2)) * 10 ** (-12 / 20)
    word *= echo_rms * 10 ** (10 / 20) / np.sqrt(np.mean(word**2))
    at = round(2.0 * RATE)
    total[at : at + len(word)] += word
    total += np.random.default_rng(1).standard_normal(len(total)) * 30
    log = PlaybackLog()
    log.add(0.5, 0.5 + sentence.seconds, sentence)
    clip = Clip(np.clip(np.round(total), -32768, 32767).astype(np.int16), RATE)
    return clip, (at + len(word)) / RATE, log


def test_a_real_persons_stop_over_the_coachs_sentence_silences_it_from_the_microphones_thread():
    """Nobody is listening while the coach says its sentence (as in the exercise): the microphone's thread
    hears the stop, the coach is cut within half a second of the word's end, and the next listen returns
    the stop at once."""
    clip, word_end, log = _stop_over_a_sentence()
    source = ClipSource(clip, paced=True)
    cuts = Cuts(source.now)
    barge_in = BargeIn(cut=cuts)
    capture = Capture(source, now=source.now, echo=log, judge=EchoJudge(log), on_spotted=barge_in.spotted,
                      spotter=SpeakerAwareSpotter(StopSpotter())).start()
    listener = VoiceListener(capture, Recognises(), RealSeconds(), now=source.now, barge_in=barge_in)
    try:
        assert listener.listen(BACKGROUND, time.monotonic() + 0.2) is None  # the exercise's listening
        done = threading.Event()
        while source.now() < word_end + 1.0 and not done.wait(0.05):
            pass  # the coach is saying its sentence
        assert cuts.at, "the stop over the sentence did not silence the coach"
        assert cuts.at[0] <= word_end + 0.5
        heard = listener.listen(BACKGROUND, time.monotonic() + 0.5)
    finally:
        capture.stop()
    assert heard is not None and heard.text == "stop"
