"""The "stop" spotter on real audio: a coach counting (espeak) with a person's "stop" in it."""

import pytest

from tests.speech import RATE, counting
from voicecoach.voice.spotter import StopSpotter

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
