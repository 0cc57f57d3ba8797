"""CLINICAL.md section 8: a pain score that is not understood twice is narrowed down by yes/no
("Is it more than five?"), never guessed. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach.dialogue.understanding import words
from voicecoach.thresholds import PAIN_HIGHEST, PAIN_LOWEST


@dataclass
class Narrowing:
    """Halves the range 0-10 with "Is it more than N?" until one number is left (at most 4 questions)."""

    low: int = PAIN_LOWEST
    high: int = PAIN_HIGHEST

    @property
    def done(self) -> bool:
        """True when the answers leave one number."""
        return self.low == self.high

    @property
    def threshold(self) -> int:
        """The N of the next "Is it more than N?" (five first, as in CLINICAL.md)."""
        return (self.low + self.high) // 2

    @property
    def value(self) -> int:
        """The number the answers leave (only meaningful when done)."""
        return self.low

    def answer(self, more: bool) -> None:
        """Take the answer to "Is it more than ``threshold``?"."""
        if more:
            self.low = self.threshold + 1
        else:
            self.high = self.threshold


def spoken_number(n: int) -> str:
    """A number as a word for the ear ("five"), from data/words.toml."""
    found = [phrase for phrase, value in words().numbers.items() if value == n and phrase.isalpha()]
    return found[0] if found else str(n)
