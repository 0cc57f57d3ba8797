"""The pure parts of the Moonshine recogniser: candidates, the decision from scores, the guards, the tokenizer.
(The recogniser itself, on real people's recordings, is tested in tests/test_moonshine_real_voices.py.)"""

import numpy as np
import pytest

from voicecoach import data
from voicecoach.dialogue.understanding import number_choice, understand
from voicecoach.domain.answers import Answer
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.moonshine_guards import audio_problem, repeats_to_a_cut, transcript_problem
from voicecoach.voice.moonshine_scoring import (
    SECTIONS,
    Tuning,
    all_phrases,
    candidates,
    context_of,
    decide,
    decision_horizon,
    decoy_reach,
    judge,
    label,
    phrases_of,
    tuning,
)
from voicecoach.voice.moonshine_spellings import merged, spellings, units
from voicecoach.voice.pcm import Clip

YES_NO = Expect.of(Vocabulary.YES_NO, Vocabulary.COMMANDS)
PAIN = Expect.of(Vocabulary.NUMBER, Vocabulary.COMMANDS)
COUNTING = Expect.of(Vocabulary.COMMANDS, background=True)
T = Tuning(sure_margin=2.0, agree_margin=0.5, confirm_margin=3.0, confirm_gap=3.0)


def scores(expect, **given):
    """Every candidate far down, except the ones given."""
    out = {c.phrase: -30.0 for c in candidates(expect)}
    out.update({k.replace("_", " "): v for k, v in given.items()})
    return out


@pytest.mark.parametrize("vocabulary", list(Vocabulary))
def test_every_scored_phrase_means_something_in_its_vocabulary(vocabulary):
    expect = Expect.of(vocabulary)
    for phrase in phrases_of(vocabulary):
        assert understand(phrase, expect) is not None, phrase


@pytest.mark.parametrize("expect", [YES_NO, PAIN, COUNTING])
def test_decoys_mean_nothing_where_they_are_decoys(expect):
    decoys = [c for c in candidates(expect) if c.meaning is None]
    assert len(decoys) > 20
    assert all(understand(c.phrase, expect) is None for c in decoys)
    answers = {c.phrase for c in candidates(expect) if c.meaning is not None}
    assert "stop" in answers


def test_other_questions_answers_are_decoys():
    yes_no_decoys = {c.phrase for c in candidates(YES_NO) if c.meaning is None}
    assert {"five", "three", "know", "yet"} <= yes_no_decoys
    pain_decoys = {c.phrase for c in candidates(PAIN) if c.meaning is None}
    assert {"yes", "no", "tree", "fine"} <= pain_decoys


def test_a_clear_answer_that_the_transcript_says_is_sure():
    v = decide("Yes.", -0.2, scores(YES_NO, yes=-0.2, no=-9.0, yet=-7.0), YES_NO, T)
    assert (v.text, v.rejected) == ("yes", False)
    assert v.confidence >= 0.6


def test_a_small_margin_is_unsure_even_when_the_transcript_agrees():
    v = decide("Yes.", -1.0, scores(YES_NO, yes=-1.0, no=-2.0), YES_NO, T)
    assert not v.rejected and v.confidence < 0.6


def test_the_transcript_saying_the_other_answer_is_never_taken():
    v = decide("No.", -0.5, scores(YES_NO, yes=-0.4, no=-5.0), YES_NO, T)
    assert v.rejected


def test_a_sound_alike_that_wins_is_rejected():
    v = decide("Tree.", -0.3, scores(PAIN, tree=-0.3, three=-1.5), PAIN, T)
    assert v.rejected


def test_an_answer_won_on_score_alone_is_unsure_and_only_when_close_to_the_transcript():
    near = decide("Hmm.", -2.0, scores(PAIN, three=-3.0), PAIN, T)
    assert not near.rejected and near.text == "three" and near.confidence < 0.6
    far = decide("Jarvis.", -0.2, scores(PAIN, three=-9.0), PAIN, T)
    assert far.rejected


FORGIVING = Tuning(sure_margin=2.0, agree_margin=0.5, confirm_margin=0.5, confirm_gap=4.0, decoy_slack=3.0)


def test_an_answer_close_under_a_decoy_is_unsure_when_the_tuning_forgives_decoys():
    """An 8 kHz "five" is written "Bye": the decoy wins by 2.4 nats, nothing else comes close."""
    heard = scores(PAIN, bye=-1.3, five=-3.7, four=-11.0)
    assert decide("Bye.", -1.3, heard, PAIN, T).rejected  # no slack: a winning decoy rejects
    v = decide("Bye.", -1.3, heard, PAIN, FORGIVING)
    assert (v.text, v.rejected, v.reason) == ("five", False, "scores only, under a decoy")
    assert v.confidence < 0.6  # confirmed aloud


@pytest.mark.parametrize(("why", "transcript", "lp", "given"), [
    ("too far under the decoy", "Bye.", -0.5, {"bye": -0.5, "five": -3.7}),
    ("another meaning as close", "Bye.", -1.3, {"bye": -1.3, "five": -3.7, "four": -3.9}),
    ("the transcript says another number", "Nine.", -1.3, {"nine": -9.0, "mine": -1.0, "five": -2.0}),
    ("a sentence-like transcript", "Bye for now.", -1.3, {"bye": -1.3, "five": -3.0}),
    ("too far under the transcript", "Jarvis.", -0.2, {"hive": -3.0, "five": -5.0}),
])
def test_a_decoy_is_never_forgiven_beyond_its_rule(why, transcript, lp, given):
    assert decide(transcript, lp, scores(PAIN, **given), PAIN, FORGIVING).rejected, why


def test_a_sentence_is_rejected_without_looking_at_scores():
    v = judge("Do you know that his eminence", -3.0, ended=False, trusted=True,
              scores=scores(YES_NO, yes=-1.0), expect=YES_NO, settings=T)
    assert v.rejected and v.reason == "a sentence"


def test_an_untrusted_transcript_counts_as_silence_so_only_the_scores_speak():
    v = judge("Help help help help", -0.5, ended=False, trusted=False, scores=scores(COUNTING, help=-1.0),
              expect=COUNTING, settings=T)
    assert not v.rejected and v.text == "help" and v.confidence < 0.6


def test_two_numbers_go_to_the_dialogue_as_said():
    v = decide("Six or seven.", -0.5, scores(PAIN, six=-2.0, seven=-2.5), PAIN, T)
    assert not v.rejected and number_choice(v.text) == (6, 7) and understand(v.text, PAIN) is None


def test_a_pain_word_keeps_its_meaning():
    v = decide("Ouch!", -0.3, scores(COUNTING, ouch=-0.3), COUNTING, T)
    assert understand(v.text, COUNTING).pain
    assert label(understand("ouch", COUNTING)) == label(understand("stop", COUNTING)) == "stop"


def test_the_calibrated_tuning_loads_and_is_ordered():
    for context in SECTIONS:
        t = tuning(context)
        assert t.agree_margin <= t.sure_margin
        assert t.unsure_confidence < 0.6 <= t.sure_confidence
    assert "decision" in data.load("moonshine_tuning")


def test_scoring_reaches_beyond_every_margin_a_decision_compares_with():
    """The recogniser scores phrases only this far below the best answer: every margin threshold of every
    context must lie inside it, or a rival left unscored could turn an unsure answer into a sure one."""
    horizon = decision_horizon()
    for context in SECTIONS:
        t = tuning(context)
        assert max(t.sure_margin, t.agree_margin, t.confirm_margin) < horizon


def test_each_context_decides_with_its_own_section_of_the_tuning():
    sections = data.load("moonshine_tuning")["decision"]
    for context, expect in (("yes_no", YES_NO), ("pain", PAIN), ("exercise", COUNTING)):
        assert context_of(expect) == context
        own = sections.get(context, {})
        for name, value in own.items():
            assert getattr(tuning(context), name) == value
        common = {k: v for k, v in sections.items() if not isinstance(v, dict)}
        for name, value in common.items():
            if name not in own:
                assert getattr(tuning(context), name) == value


def clip(seconds, amplitude, rate=16000, seed=0):
    rng = np.random.default_rng(seed)
    return Clip((rng.standard_normal(round(seconds * rate)) * amplitude).astype(np.int16), rate)


def test_audio_guards():
    assert audio_problem(clip(0.1, 3000)) == "too short"
    assert audio_problem(clip(9.0, 3000)) == "too long"
    assert audio_problem(Clip(np.zeros(16000, dtype=np.int16), 16000)) == "too quiet"
    assert audio_problem(clip(1.0, 2000)) == "no speech"  # steady noise: nothing stands above its floor
    word = np.concatenate([clip(0.3, 30).samples, clip(0.4, 4000, seed=1).samples, clip(0.3, 30, seed=2).samples])
    assert audio_problem(Clip(word, 16000)) is None


def test_transcript_guards():
    assert transcript_problem("", repeated=False) == "empty"
    assert transcript_problem("  ", repeated=False) == "empty"
    assert transcript_problem("Oui, très bien", repeated=False) == "not ASCII"
    assert transcript_problem("Snow", repeated=True) == "repeats itself"
    assert transcript_problem("no no no no no no", repeated=False) == "repeats itself"
    assert transcript_problem("Yes.", repeated=False) is None


def test_the_tokenizer_splits_words_as_the_model_writes_them():
    pytest.importorskip("moonshine_cpp", reason="the tokenizer ships in the moonshine-cpp wheel")
    from voicecoach.voice.moonshine_model import FILES, Tokenizer, model_dir  # noqa: PLC0415

    tokenizer = Tokenizer.load(model_dir() / FILES[2])
    # token ids as Moonshine's own greedy decoding wrote them for real recordings of these words
    assert [*tokenizer.encode("Repeat"), tokenizer.piece(".")] == [830, 11666, 29889]
    assert tokenizer.encode("Yes") == [3869] and tokenizer.encode("No") == [1939]
    assert tokenizer.encode("15241") == [29871, 29896, 29945, 29906, 29946, 29896]
    for text in ("How many left", "Tingling", "It hurts", "3", "ouch"):
        assert tokenizer.decode(tokenizer.encode(text)) == text
    assert tokenizer.decode([9943, 29889]) == "Down."
    assert tokenizer.decode([3 + 0xC3]) == "\ufffd"  # a stray byte is replaced, never an error


def test_scoring_under_a_winning_decoy_reaches_as_far_as_a_forgiven_answer_needs():
    """When a decoy leads, phrases are scored decoy_reach() below it: an answer forgiven under the decoy, and
    every other meaning within confirm_margin of that answer, must have been scored."""
    reach = decoy_reach()
    for context in SECTIONS:
        t = tuning(context)
        if t.decoy_slack > 0:
            assert t.decoy_slack + t.confirm_margin < reach


@pytest.mark.parametrize(("transcript", "expect", "given"), [
    ("9.", YES_NO, {"nine": -0.3, "no": -1.5}),  # an 8 kHz "nine" in noise: "no" close under the decoy
    ("Yes.", PAIN, {"yes": -0.2, "six": -1.0}),
    ("Okay.", PAIN, {"okay": -0.4, "eight": -1.2}),
])
def test_a_transcript_that_answers_another_question_is_never_overruled_by_scores(transcript, expect, given):
    for settings in (T, FORGIVING):
        v = decide(transcript, given[next(iter(given))], scores(expect, **given), expect, settings)
        assert v.rejected and v.reason == "the transcript answers another question", (settings, v)


def test_the_spellings_of_one_word_are_weighed_together():
    """ "eight" and "8" are one sound: an empty transcript, "eight" -2.1 and "8" -3.1 against the filler
    "thank you" -3.4. Apart, eight leads by 1.3 nats; together (log(e^-2.1 + e^-3.1) = -1.79) by 1.6."""
    heard = scores(PAIN, eight=-2.1, thank_you=-3.4, **{"8": -3.1})
    weighed = Tuning(sure_margin=2.0, agree_margin=0.5, confirm_margin=1.5, confirm_gap=3.0)
    v = decide("", -1.2, heard, PAIN, weighed)
    assert not v.rejected and understand(v.text, PAIN) == 8 and v.margin == pytest.approx(1.61, abs=0.01)
    alone = decide("", -1.2, heard | {"8": -30.0}, PAIN, weighed)
    assert alone.rejected and alone.margin == pytest.approx(1.3)


def test_different_words_of_one_meaning_are_not_summed():
    """ "yes" and "yeah" are two words: a "no" just under each is not outweighed by their sum."""
    v = decide("", -1.0, scores(YES_NO, yes=-2.0, yeah=-2.0, no=-1.9), YES_NO, T)
    assert v.rejected or understand(v.text, YES_NO) is Answer.NO


def test_every_spelling_group_is_one_meaning_of_phrases_that_are_scored():
    phrases = set(all_phrases())
    for group in spellings():
        assert len(group) > 1 and set(group) <= phrases, group
        assert len({label(understand(p, Expect.of(*Vocabulary))) for p in group}) == 1, group


def test_merged_sums_only_scored_spellings_and_keeps_the_rest():
    groups = (("eight", "8"), ("nine", "9"))
    got = merged({"eight": -1.0, "8": -1.0, "nine": -2.0, "hey": -0.5}, groups)
    assert got["eight"] == got["8"] == pytest.approx(-1.0 + np.log(2))
    assert got["nine"] == -2.0 and "9" not in got and got["hey"] == -0.5


def test_units_keep_the_spellings_of_a_word_together_in_first_seen_order():
    groups = (("eight", "8"), ("okay", "ok"))
    assert units(["8", "hey", "eight", "ok"], groups) == [("eight", "8"), ("hey",), ("ok",)]


def test_one_word_repeated_until_the_length_limit_is_not_a_sentence_but_only_the_scores_speak():
    """A real "six" (FSDD, 8 kHz) written "Six. Six. Six." and cut by the length limit: not a sentence, and
    not trusted either (the model's known repetition), so "six" is heard from the scores alone: unsure."""
    heard = scores(PAIN, six=-2.5, sex=-6.5, **{"6": -2.6})
    v = judge("Six. Six. Six.", -0.8, ended=False, trusted=True, scores=heard, expect=PAIN, settings=T)
    assert (v.text, v.rejected, v.reason) == ("six", False, "scores only") and v.confidence < 0.6
    cut = judge("Do you know that his eminence", -0.8, ended=False, trusted=True, scores=heard, expect=PAIN,
                settings=T)
    assert cut.rejected and cut.reason == "a sentence"


def test_a_repeated_word_whose_last_copy_the_length_limit_cut_is_a_repetition_too():
    """A real "nine" in tap noise (tuning half) written "Nine. Nine. N": the last copy cut off by the limit.
    Like "Six. Six. Six." it is the model repeating itself, so the scores speak (unsure); a cut word that is
    not the start of the repeated one, or a cut string of digits, is still a sentence."""
    heard = scores(PAIN, nine=-2.0, nice=-6.5, **{"9": -2.4})
    v = judge("Nine. Nine. N", -0.9, ended=False, trusted=True, scores=heard, expect=PAIN, settings=T)
    assert (v.text, v.rejected, v.reason) == ("nine", False, "scores only") and v.confidence < 0.6
    for other in ("Nine. Nine. Sh", "344-344-3", "Nine. N. N"):
        got = judge(other, -0.9, ended=False, trusted=True, scores=heard, expect=PAIN, settings=T)
        assert got.rejected and got.reason == "a sentence", other
    assert not repeats_to_a_cut("Nine. Nine.")
    assert repeats_to_a_cut("Lira, Lira, L") and repeats_to_a_cut("Stop. St")
