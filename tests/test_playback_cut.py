"""Cutting playback when "stop" is heard, on a rendered timeline (fake clock); on the sound device it is
measured at the speaker's output in scripts/bench.py."""

import numpy as np

from tests.fakes import FakeClock
from voicecoach.voice.pcm import Clip
from voicecoach.voice.playback import Player
from voicecoach.voice.render_sink import RenderSink


def test_cut_silences_what_plays_and_drops_what_is_queued():
    """A "stop": the rendered timeline is silent from the moment of the cut, and the next clip starts then."""
    clock = FakeClock()
    player = Player(RenderSink(clock, rate=1000))
    tone = Clip(np.full(2000, 1000, dtype=np.int16), 1000)
    player.play(tone, 0.0)
    player.play(tone, 2.5)  # queued: 2.5 s to 4.5 s
    clock.t = 1.0
    silent = player.cut()
    assert silent == 1.0
    assert player.log.intervals() == [(0.0, 1.0)]
    reply = player.play(Clip(np.full(500, 7, dtype=np.int16), 1000))
    assert reply.start == 1.0
    audio = player.sink.rendered().samples
    assert (audio[:1000] == 1000).all() and (audio[1000:1500] == 7).all() and not audio[1500:].any()
