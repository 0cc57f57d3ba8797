"""The speaker split of the real-voices corpus: thresholds are tuned on one half, figures reported on the other.

A speaker is in the held-out half when the first byte of the SHA-1 of its id is odd (about half of them;
fixed, so the halves never change). Clips of unknown speakers use their file name as the speaker.

The 8 kHz speakers of FSDD are the exception: all six have an odd first byte, which left the tuning half
with no 8 kHz recording of a digit at all (and the held-out half with most of its digits recorded that
way). They are split in the order of their hashes instead, alternately: george, jackson and lucas tune;
nicolas, theo and yweweler are held out.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

FSDD = (  # the 8 kHz speakers (see the docstring)
    "fsdd:george", "fsdd:jackson", "fsdd:lucas", "fsdd:nicolas", "fsdd:theo", "fsdd:yweweler")


def speakers_of(corpus: Path) -> dict[str, str]:
    """File name -> speaker id, from the corpus's manifest.tsv (empty when it has none)."""
    manifest = corpus / "manifest.tsv"
    if not manifest.is_file():
        return {}
    with manifest.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {r["file"]: (r["speaker"] if "unknown" not in r["speaker"] else r["file"]) for r in rows}


def speaker_hash(speaker: str) -> bytes:
    """The SHA-1 of a speaker's id, from which the halves (and calibrate_moonshine's folds) are drawn."""
    return hashlib.sha1(speaker.encode("utf-8")).digest()


def fsdd_rank(speaker: str) -> int:
    """The place of an 8 kHz speaker in the order of their hashes (0-5): odd places are held out."""
    return sorted(FSDD, key=speaker_hash).index(speaker)


def held_out(speaker: str) -> bool:
    """True for the speakers kept out of tuning."""
    if speaker in FSDD:
        return fsdd_rank(speaker) % 2 == 1
    return speaker_hash(speaker)[0] % 2 == 1


def in_split(speaker: str, split: str) -> bool:
    """Whether a speaker belongs to the "tune" or the "held-out" half."""
    return held_out(speaker) == (split == "held-out")
