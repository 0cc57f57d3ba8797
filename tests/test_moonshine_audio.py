"""What Moonshine is given: a word cut at the clip's edge gets quiet around it; memory is given back."""

import platform

import numpy as np

from tests.speech import say
from voicecoach.voice.moonshine_audio import PAD_SECONDS, with_quiet_edges
from voicecoach.voice.moonshine_memory import MemoryGiver
from voicecoach.voice.pcm import Clip


def noise(seconds, amplitude, seed=0):
    rng = np.random.default_rng(seed)
    return Clip((rng.standard_normal(round(seconds * 16000)) * amplitude).astype(np.int16), 16000)


def level(samples):
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def test_a_word_cut_at_both_edges_gets_quiet_before_and_after_it():
    word = say("seven", "en+f3").resampled(16000).trimmed(600)
    padded = with_quiet_edges(word)
    pad = round(PAD_SECONDS * 16000)
    assert len(padded.samples) == len(word.samples) + 2 * pad
    assert padded.samples[pad : pad + len(word.samples)].tolist() == word.samples.tolist()  # the word untouched
    loud = max(level(word.samples[i : i + 160]) for i in range(0, len(word.samples) - 160, 160))
    for edge in (padded.samples[:pad], padded.samples[-pad:]):
        assert 1.0 < level(edge) <= 1.1 * loud * 10 ** (-30 / 20)  # quiet, yet not digital silence
    assert with_quiet_edges(word).samples.tolist() == padded.samples.tolist()  # the same clip is heard the same


def test_a_clip_with_quiet_around_the_word_is_left_alone_and_one_edge_is_padded_alone():
    word = say("seven", "en+f3").resampled(16000).trimmed(600)
    room = noise(0.3, 40)
    framed = room.then(word).then(noise(0.3, 40, seed=1))
    assert with_quiet_edges(framed) is framed
    started = room.then(word)
    padded = with_quiet_edges(started)
    assert len(padded.samples) == len(started.samples) + round(PAD_SECONDS * 16000)
    assert padded.samples[: len(started.samples)].tolist() == started.samples.tolist()  # only the tail added


def test_freed_memory_can_be_given_back_where_the_c_library_allows():
    giver = MemoryGiver()
    assert giver.available == (platform.libc_ver()[0] == "glibc")
    giver.release_now()  # never raises, on glibc or elsewhere
    giver.release_later()
