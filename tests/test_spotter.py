"""The "stop" spotter on real audio: a coach counting (espeak) with a person's "stop" in it."""

import numpy as np
import pytest

from tests.speech import RATE, say
from voicecoach.voice.pcm import Clip
from voicecoach.voice.spotter import StopSpotter

FRAME = 480
COACH = "en-us+f3"


def counting(words, user=None, user_after=None, seed=0):
    """The coach says ``words`` one a second; the user says ``user`` 0.55 s after word ``user_after``."""
    rng = np.random.default_rng(seed)
    total = np.zeros(RATE * (len(words) + 2))
    for i, word in enumerate(words):
        clip = say(word, COACH).samples.astype(float) * 0.5  # the coach's echo is quieter than the person
        start = RATE * (i + 1)
        total[start : start + len(clip)] += clip[: len(total) - start]
    spoken_at = None
    if user is not None:
        clip = say(user, "en+m3", 150).samples.astype(float)
        start = RATE * (user_after + 1) + int(0.55 * RATE)
        total[start : start + len(clip)] += clip
        spoken_at = (start / RATE, (start + len(clip)) / RATE)
    total += rng.standard_normal(len(total)) * 60
    return Clip(np.clip(total, -32768, 32767).astype(np.int16), RATE), spoken_at


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
    clip, _ = counting(COUNTS)
    assert hits(clip) == []


@pytest.mark.parametrize("after", [2, 5])
def test_a_stop_between_counts_fires_within_half_a_second_of_the_word_end(after):
    clip, (_, word_end) = counting(COUNTS, "stop", after)
    found = hits(clip)
    assert len(found) == 1
    assert word_end - 0.3 <= found[0] <= word_end + 0.5
