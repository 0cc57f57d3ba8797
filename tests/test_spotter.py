"""The "stop" spotter on real audio: a coach counting (espeak) with a person's "stop" in it."""

import numpy as np
import pytest

from tests.speech import RATE, counting
from voicecoach.voice.pcm import Clip
from voicecoach.voice.segmenter import Segmenter
from voicecoach.voice.spotter import SpeakerAwareSpotter, StopSpotter

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
