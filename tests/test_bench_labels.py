"""How scripts/bench_recogniser.py reads a corpus: labels from file names, and what counts where."""

from pathlib import Path

import pytest

from scripts.bench_recogniser import CONTEXTS, label_of, want_in
from scripts.calibration_split import held_out, speakers_of


@pytest.mark.parametrize(("name", "label"), [
    ("yes__an4_mskh_1.wav", "yes"), ("three__fsdd_george_1.wav", "three"), ("stop__x.wav", "stop"),
    ("repeat__y.wav", "repeat"), ("other-alexa__pvww_1.wav", "oov"), ("sentence__libri_1.wav", "oov"),
    ("oov__mine.wav", "oov"), ("go__an4_a_1.wav", "oov"), ("start__an4_a_1.wav", "oov"), ("noise__sc_tap.wav", None),
])
def test_labels_come_from_the_file_name(name, label):
    assert label_of(Path(name)) == label


@pytest.mark.parametrize(("label", "context", "want"), [
    ("yes", "yes_no", ("answer", "yes")), ("five", "pain", ("answer", "5")), ("stop", "exercise", ("answer", "stop")),
    ("help", "yes_no", ("skip", None)), ("stop", "pain", ("skip", None)), ("five", "yes_no", ("oov", None)),
    ("no", "pain", ("oov", None)), ("yes", "exercise", ("oov", None)), ("oov", "yes_no", ("oov", None)),
])
def test_what_each_clip_is_in_each_context(label, context, want):
    assert want_in(label, context) == want


def test_the_speaker_split_is_fixed_and_uses_the_manifest():
    corpus = Path(__file__).parent / "data" / "real-voices"
    speakers = speakers_of(corpus)
    assert speakers["yes__an4_mmal_1.wav"] == "an4:mmal"
    assert all(held_out(s) for s in speakers.values())  # the test clips come from held-out speakers only
    assert held_out("an4:mmal") and not held_out("an4:mcsc")


def test_kept_hearings_are_decided_again_with_the_current_thresholds():
    from scripts.rejudge_recogniser import tallies_of  # noqa: PLC0415
    from voicecoach.voice.moonshine_scoring import candidates  # noqa: PLC0415

    pain = CONTEXTS["pain"][0]
    scores = {c.phrase: -30.0 for c in candidates(pain)} | {"five": -0.4, "fine": -6.0}
    heard = {"text": "Five.", "lp": -0.4, "ended": True, "trusted": True, "scores": scores, "ms": 12.0}
    rows = [
        {"file": "five__x_1.wav", "label": "five", "condition": "clean", "context": "pain", "audio": None, **heard},
        {"file": "five__x_2.wav", "label": "five", "condition": "clean", "context": "pain", "audio": "too short",
         "ms": None},
        {"file": "oov__x_1.wav", "label": "oov", "condition": "clean", "context": "pain", "audio": None,
         **heard, "text": "Hey, channel rocks and more"},
    ]
    tally = tallies_of(rows)[("moonshine", "pain", "clean")]
    assert tally.counts["n"] == 2 and tally.counts["right"] == 1 and tally.counts["right_sure"] == 1
    assert tally.counts["rejected"] == 1
    assert tally.counts["oov"] == 1 and tally.counts["oov_accepted"] == 0  # a sentence is not an answer
    assert tally.ms == [12.0, 12.0]  # the times measured when the hearings were made
