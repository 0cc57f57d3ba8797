"""The clip cache on disk, the coach's prepared texts, and the cue sounds shipped in the package."""

import stat
from importlib import resources

import numpy as np
import pytest

from voicecoach.ports import Sound
from voicecoach.voice.clips import ClipCache, coach_texts
from voicecoach.voice.cues import file_name, load_cues, synthesise_cues
from voicecoach.voice.pcm import Clip
from voicecoach.voice.playback import Player
from voicecoach.voice.playback_log import PlaybackLog
from voicecoach.voice.render_sink import RenderSink
from voicecoach.voice.synthesis import EspeakSynthesiser


class Counting:
    """A real synthesiser that counts its calls."""

    def __init__(self, rate=150):
        self.inner = EspeakSynthesiser("en-us", rate)
        self.calls = []

    @property
    def key(self):
        return self.inner.key

    def synthesise(self, text):
        self.calls.append(text)
        return self.inner.synthesise(text)


def test_clips_are_synthesised_once_and_found_again_on_disk(tmp_path):
    first = Counting()
    cache = ClipCache(first, tmp_path)
    clip = cache.get("Rest over.")
    cache.get("Rest over.")
    assert first.calls == ["Rest over."]
    path = cache.path("Rest over.")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.glob("*.tmp")) == []
    again = Counting()
    from_disk = ClipCache(again, tmp_path).get("Rest over.")
    assert again.calls == []
    assert np.array_equal(from_disk.samples, clip.samples)


def test_another_rate_is_another_clip(tmp_path):
    assert ClipCache(Counting(150), tmp_path).path("1") != ClipCache(Counting(200), tmp_path).path("1")


def test_a_damaged_cache_file_is_synthesised_again(tmp_path):
    synth = Counting()
    ClipCache(synth, tmp_path).path("1").write_bytes(b"RIFF garbage")
    assert ClipCache(synth, tmp_path).get("1").seconds > 0.2
    assert synth.calls == ["1"]


def test_prepare_in_the_background_fills_the_cache(tmp_path):
    synth = Counting()
    cache = ClipCache(synth, tmp_path)
    cache.prepare(["1", "2", "1"], background=True)
    cache.wait_prepared(10)
    assert sorted(synth.calls) == ["1", "2"]
    cache.get("2")
    assert len(synth.calls) == 2


def test_the_coach_texts_hold_counts_phrases_and_exercise_cues():
    texts = coach_texts()
    assert [str(n) for n in range(1, 31)] == texts[:30]
    knee = "Pull your left knee towards you, as far as it goes... now. Hold."
    for text in ("and down", "Rest over.", "And lower.", knee):
        assert text in texts
    assert not any("{" in t for t in texts)


def test_cue_sounds_ship_in_the_package_exactly_as_the_script_makes_them():
    folder = resources.files("voicecoach") / "audio"
    made = synthesise_cues()
    shipped = load_cues()
    assert set(shipped) == set(Sound)
    for sound in Sound:
        assert folder.joinpath(file_name(sound)).is_file()
        assert np.array_equal(shipped[sound].samples, made[sound].samples), sound
        assert 0.15 <= shipped[sound].seconds <= 0.45
        assert shipped[sound].rate == 22050
        assert np.abs(shipped[sound].samples[:3]).max() < 2000  # starts softly (attack), no click
        assert abs(int(shipped[sound].samples[-1])) < 50  # ends faded out
    spectra = [np.abs(np.fft.rfft(c.samples[:3000].astype(float))) for c in made.values()]
    fingerprints = {tuple(np.round(spectrum[::50] / 1e5)) for spectrum in spectra}
    assert len(fingerprints) == len(Sound)


def test_the_player_queues_clips_so_they_never_overlap():
    from tests.fakes import FakeClock  # noqa: PLC0415

    clock = FakeClock()
    player = Player(RenderSink(clock))
    half = Clip(np.full(11025, 1000, dtype=np.int16), 22050)
    a = player.play(half, at=1.0)
    b = player.play(half, at=1.2)  # would overlap a: waits for it
    c = player.play(half, at=3.0)
    assert (a.start, b.start, c.start) == (1.0, 1.5, 3.0)
    assert b.late == pytest.approx(0.3)
    assert a.late == 0 and c.late == 0
    assert player.log.intervals() == [(1.0, 1.5), (1.5, 2.0), (3.0, 3.5)]
    b.wait()
    assert clock.now() == 2.0


def test_the_playback_log_says_when_the_coach_is_in_the_air():
    log = PlaybackLog()
    log.add(1.0, 1.5)
    assert log.playing(1.2)
    assert not log.playing(1.6)
    assert log.playing(1.6, tail=0.15)
    assert not log.playing(0.9)
