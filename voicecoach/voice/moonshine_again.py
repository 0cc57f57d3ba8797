"""A second hearing of a pain score that was not understood: the same clip, played a little faster.

Moonshine often writes nothing for a short, quick number ("six" in 0.3 s, or an 8 kHz headset); the same
clip sped up by SPEED is often heard. Chosen on the tuning half of the real-voices corpus (pain context:
a second hearing at 1.15 turned 4 of 9 rejected numbers into the right one and 1 into a wrong one; at 0.85,
2 and 1), and measured on the held-out half in the README.

What a second hearing finds is only ever taken as unsure (so the coach asks "Did you say 6?"), only when it
is a number (never a command, never yes or no), and never from a clip the guards or the sentence rule
turned down. Any other first rejection stands.
"""

from __future__ import annotations

from voicecoach.dialogue.understanding import understand
from voicecoach.ports import Expect, Vocabulary
from voicecoach.voice.moonshine_scoring import Tuning, Verdict, context_of, tuning
from voicecoach.voice.pcm import Clip

SPEED = 1.15
"""How much faster the second hearing plays the clip (1.15: 15% shorter, pitch a little higher)."""

NOT_AGAIN = frozenset({"a sentence"})
"""First rejections that a second hearing must not overturn."""


def worth_again(first: Verdict, expect: Expect) -> bool:
    """Whether a rejected pain score is heard again: a number was expected and the words were no sentence."""
    return first.rejected and Vocabulary.NUMBER in expect.vocabularies and first.reason not in NOT_AGAIN


def faster(clip: Clip, speed: float = SPEED) -> Clip:
    """The clip played ``speed`` times faster at the same sample rate (shorter and higher, like a tape)."""
    return Clip(clip.resampled(round(clip.rate / speed)).samples, clip.rate)


def after_again(first: Verdict, second: Verdict, expect: Expect, settings: Tuning | None = None) -> Verdict:
    """The verdict once the second hearing is in: its number, unsure, or the first verdict."""
    if not worth_again(first, expect):
        return first
    meaning = None if second.rejected else understand(second.text, expect)
    if not isinstance(meaning, int):
        return first
    unsure = (settings or tuning(context_of(expect))).unsure_confidence
    return Verdict(second.text, min(second.confidence, unsure), rejected=False,
                   reason=f"heard again, faster ({second.reason}); first {first.reason}", margin=second.margin)


__all__ = ["NOT_AGAIN", "SPEED", "after_again", "faster", "worth_again"]
