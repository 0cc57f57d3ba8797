"""The "stop" spotter on real audio: a coach counting (espeak) with a person's "stop" in it."""

import numpy as np
import pytest

from tests.speech import RATE, counting
from voicecoach.voice.pcm import Clip
from voicecoach.voice.segmenter import Segmenter
from voicecoach.voice.spotter import SpeakerAwareSpotter, Spotted, StopSpotter

FRAME = 480


def hits(clip):
    spotter = StopSpotter()
    found = []
    for i in range(0, len(clip.samples) - FRAME + 1, FRAME):
        hit = spotter.push(clip.samples[i : i + FRAME], i / RATE)
        if hit is not None:
            found.append(hit.at)
    return found


COUNTS = [str(n) for n in range(1, 11)]


def test_the_coachs_own_counting_never_fires():
    clip, _, _ = counting(COUNTS)
    assert hits(clip) == []


@pytest.mark.parametrize("after", [2, 5])
def test_a_stop_between_counts_fires_within_half_a_second_of_the_word_end(after):
    clip, word_end, _ = counting(COUNTS, user_word="stop", user_at=after + 1.55)
    found = hits(clip)
    assert len(found) == 1
    assert word_end - 0.3 <= found[0] <= word_end + 0.5


class Opinion:
    """A second opinion that answers as told and keeps what it was asked about."""

    def __init__(self, agree: bool) -> None:
        self.agree = agree
        self.asked: list[tuple[Clip, Clip]] = []

    def __call__(self, heard: Clip, played: Clip) -> bool:
        self.asked.append((heard, played))
        return self.agree


def spot_with(opinion: Opinion, clip: Clip, spans, played_calls: list) -> tuple[list[float], SpeakerAwareSpotter]:
    def played(start: float, seconds: float, rate: int):
        played_calls.append((start, seconds, rate))
        return np.full(round(seconds * rate), 5, dtype=np.int16)

    aware = SpeakerAwareSpotter(StopSpotter(), played=played, second_opinion=opinion)
    segmenter = Segmenter(RATE)
    found = []
    for i in range(0, len(clip.samples) - FRAME + 1, FRAME):
        t, frame = i / RATE, clip.samples[i : i + FRAME]
        echo = any(a <= t + 0.015 <= b + 0.15 for a, b in spans)
        segmenter.push(frame, t, echo=echo)
        hit = aware.push(frame, t, echo=echo, above_floor_db=segmenter.above_floor_db)
        if hit is not None:
            found.append(hit.at)
    return found, aware


@pytest.mark.parametrize("agree", [True, False])
def test_the_second_opinion_hears_the_last_second_and_what_the_coach_played_and_decides(agree):
    clip, word_end, spans = counting(COUNTS[:5], user_word="stop", user_at=3.6)
    opinion, calls = Opinion(agree), []
    found, aware = spot_with(opinion, clip, spans, calls)
    assert len(opinion.asked) == 1
    heard, played = opinion.asked[0]
    assert heard.seconds == pytest.approx(1.2, abs=0.03) and heard.rate == RATE
    (start, seconds, rate), = calls
    assert rate == RATE and start + seconds == pytest.approx(word_end, abs=0.5)  # ends at the hit
    assert seconds == pytest.approx(heard.seconds + 0.3) and played.seconds == pytest.approx(seconds)
    if agree:
        assert len(found) == 1 and abs(found[0] - word_end) <= 0.5 and aware.vetoed == []
    else:
        assert found == [] and len(aware.vetoed) == 1


class ScriptedSearch:
    """A keyword search that fires at the frames it is told (a hand-written fake of StopSpotter)."""

    rate = RATE

    def __init__(self, hit_frames: set[int]) -> None:
        self.hit_frames = hit_frames
        self.frame = -1

    def push(self, samples, start):
        self.frame += 1
        return Spotted("stop", start + len(samples) / RATE) if self.frame in self.hit_frames else None


def counted(hit_frames: set[int], loud_frames: set[int], frames: int = 100) -> list[int]:
    """The frames (30 ms each) whose hit the speaker-aware spotter counts."""
    aware = SpeakerAwareSpotter(ScriptedSearch(hit_frames))
    out = []
    for i in range(frames):
        loud = i in loud_frames
        if aware.push(np.zeros(FRAME, dtype=np.int16), i * FRAME / RATE, echo=not loud,
                      above_floor_db=20.0 if loud else 0.0) is not None:
            out.append(i)
    return out


def test_a_hit_refused_on_the_coachs_voice_does_not_hide_the_persons_stop_just_after_it():
    # frame 10: the search fires on the coach's count (echo only: refused); the person speaks from
    # frame 15 and the search fires again at frame 20, 0.3 s after the refused hit
    assert counted({10, 20}, loud_frames=set(range(15, 21))) == [20]


def test_two_counted_hits_within_a_second_are_one_stop_and_a_later_one_is_another():
    loud = set(range(0, 100))
    assert counted({5, 20, 40}, loud) == [5, 40]  # 20 is 0.45 s after 5; 40 is 1.05 s after it
