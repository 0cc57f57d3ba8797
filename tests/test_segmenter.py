"""The segmenter on synthetic frames and on real espeak speech, with time given, never waited."""

import numpy as np

from tests.speech import RATE, in_room, say, white_noise
from voicecoach.voice.pcm import Clip
from voicecoach.voice.segmenter import Segmenter, SegmenterSettings

FRAME = 480  # 30 ms


def feed(segmenter, clip, *, start=0.0, echo=lambda t: False):
    """Feed a clip frame by frame; returns the segments and the time each one was returned."""
    found = []
    for i in range(0, len(clip.samples) - FRAME + 1, FRAME):
        t = start + i / RATE
        segment = segmenter.push(clip.samples[i : i + FRAME], t, echo=echo(t))
        if segment is not None:
            found.append((segment, t + FRAME / RATE))
    return found


def quiet(seconds, seed=1):
    rng = np.random.default_rng(seed)
    return Clip((rng.standard_normal(round(seconds * RATE)) * 60).astype(np.int16), RATE)


def test_one_word_in_a_quiet_room_is_one_segment_ending_soon_after_the_word():
    word = say("stop", "en+f3")
    clip = quiet(1.0).then(word).then(quiet(1.0))
    found = feed(Segmenter(RATE), clip)
    assert len(found) == 1
    segment, returned_at = found[0]
    word_end = 1.0 + word.seconds
    assert segment.start < 1.0 <= segment.start + 0.35  # the pre-roll keeps the first consonant
    assert word_end <= returned_at <= word_end + 0.45  # "heard" within the end-of-speech wait
    assert 0.2 < segment.speech_seconds <= word.seconds + 0.05
    assert not segment.too_long and segment.echo_seconds == 0


def test_two_words_with_a_long_gap_are_two_segments_and_silence_is_none():
    clip = quiet(0.5).then(say("yes")).then(quiet(1.0)).then(say("no")).then(quiet(1.0))
    assert len(feed(Segmenter(RATE), clip)) == 2
    assert feed(Segmenter(RATE), quiet(5.0)) == []


def test_a_click_is_not_an_utterance():
    click = quiet(1.0).samples.copy()
    click[8000:8040] = 20000
    assert feed(Segmenter(RATE), Clip(click, RATE).then(quiet(1.0))) == []


def test_steady_loud_noise_is_cut_at_the_limit_and_marked_too_long():
    noise = Clip(white_noise(8.0), RATE)
    found = feed(Segmenter(RATE, SegmenterSettings(max_seconds=3.0)), quiet(1.0).then(noise))
    assert found and found[0][0].too_long
    assert abs(found[0][0].clip.seconds - 3.0) < 0.05


def test_the_floor_follows_a_noisier_room_so_hum_alone_ends_nothing_and_speech_still_counts():
    rng = np.random.default_rng(3)
    hum = Clip((rng.standard_normal(RATE * 6) * 400).astype(np.int16), RATE)
    word = say("pause", "en-us").scaled(3.0)
    segmenter = Segmenter(RATE)
    assert feed(segmenter, hum) == []
    found = feed(segmenter, Clip(word.samples + hum.samples[: len(word.samples)], RATE).then(hum), start=6.0)
    assert len(found) == 1 and not found[0][0].too_long


def test_speech_during_the_coachs_own_playback_is_marked_echo():
    clip = in_room(say("three", "en-us"), before=0.5, after=1.0)
    found = feed(Segmenter(RATE), clip, echo=lambda t: True)
    assert len(found) == 1
    segment = found[0][0]
    assert segment.echo_seconds == segment.speech_seconds > 0


def test_flush_ends_an_open_utterance():
    segmenter = Segmenter(RATE)
    feed(segmenter, quiet(0.5).then(say("skip")))
    segment = segmenter.flush()
    assert segment is not None and segment.speech_seconds > 0.1


def test_the_coachs_next_count_neither_carries_on_nor_joins_an_utterance_that_had_ended():
    """ "pause" said between counts, and 0.2 s later the next count's echo: the utterance ends 0.35 s
    after the word as usual, and holds none of the count's sound."""
    word = say("pause", "en+m3")
    count = say("three", "en-us")
    before, gap = quiet(0.5).samples, quiet(0.2).samples
    clip = Clip(np.concatenate([before, word.samples, gap, count.samples, quiet(1.0).samples]), RATE)
    count_from = (len(before) + len(word.samples) + len(gap)) / RATE
    count_to = count_from + count.seconds
    # the playback log says the count plays from a little before its echo reaches the microphone
    segments = feed(Segmenter(RATE), clip, echo=lambda t: count_from - 0.03 <= t <= count_to + 0.15)
    segment, _ = segments[0]
    assert segment.echo_seconds == 0.0
    assert all(rest.echo_seconds == rest.speech_seconds for rest, _ in segments[1:])  # the count alone: echo
    assert segment.end <= count_from + 0.35 + 0.06
    inside = segment.clip.samples[round((count_from - segment.start) * RATE):].astype(float)
    assert np.sqrt(np.mean(inside**2)) < 100  # the count's sound was left out


def test_an_utterance_of_the_coachs_echo_that_the_person_carries_on_starts_again_at_the_person():
    """Count "two" (echo) and, right after it, "pause": one utterance, the person's, with no echo in it."""
    count = say("two", "en-us")
    word = say("pause", "en+m3")
    before = quiet(0.5).samples
    clip = Clip(np.concatenate([before, count.samples, quiet(0.03).samples, word.samples, quiet(1.0).samples]), RATE)
    count_to = (len(before) + len(count.samples)) / RATE
    segments = feed(Segmenter(RATE), clip, echo=lambda t: len(before) / RATE - 0.03 <= t <= count_to)
    people = [s for s, _ in segments if s.echo_seconds < s.speech_seconds]
    assert len(people) == 1
    assert people[0].echo_seconds == 0.0 and people[0].start >= count_to - 0.12


def feed_early(segmenter, clip):
    """Feed a clip; returns [("early"|"closed", segment, time returned)]."""
    found = []
    for i in range(0, len(clip.samples) - FRAME + 1, FRAME):
        t = i / RATE
        segment = segmenter.push(clip.samples[i : i + FRAME], t)
        early = segmenter.take_early()
        if early is not None:
            found.append(("early", early.segment, t + FRAME / RATE))
        if segment is not None:
            found.append(("closed", segment, t + FRAME / RATE))
    return found


def test_an_early_copy_is_offered_after_a_short_quiet_and_the_closed_utterance_only_adds_quiet():
    word = say("stop", "en+f3")
    clip = quiet(1.0).then(word).then(quiet(1.0))
    found = feed_early(Segmenter(RATE, SegmenterSettings(early_seconds=0.15)), clip)
    assert [kind for kind, _, _ in found] == ["early", "closed"]
    (_, early, early_at), (_, closed, closed_at) = found
    assert closed_at - early_at >= 0.15  # decoding can start this much sooner
    assert early.start == closed.start and early.speech_seconds == closed.speech_seconds
    assert closed.clip.samples[: len(early.clip.samples)].tolist() == early.clip.samples.tolist()
    assert not any(kind == "early" for kind, _, _ in feed_early(Segmenter(RATE), clip))  # off by default


def test_speech_after_the_early_copy_makes_the_closed_utterance_say_more():
    first, second = say("six", "en+f3"), say("seven", "en+f3")
    clip = quiet(1.0).then(first).then(quiet(0.22)).then(second).then(quiet(1.0))
    found = feed_early(Segmenter(RATE, SegmenterSettings(early_seconds=0.15)), clip)
    closed = [s for kind, s, _ in found if kind == "closed"]
    early = [s for kind, s, _ in found if kind == "early"]
    assert len(closed) == 1 and len(early) >= 2
    assert early[0].speech_seconds < closed[0].speech_seconds  # the first copy is not what was said
    assert early[-1].speech_seconds == closed[0].speech_seconds
