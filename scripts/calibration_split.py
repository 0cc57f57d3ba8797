"""The speaker split of the real-voices corpus: thresholds are tuned on one half, figures reported on the other.

A speaker is in the held-out half when the first byte of the SHA-1 of its id is odd (about half of them;
fixed, so the halves never change). Clips of unknown speakers use their file name as the speaker.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path


def speakers_of(corpus: Path) -> dict[str, str]:
    """File name -> speaker id, from the corpus's manifest.tsv (empty when it has none)."""
    manifest = corpus / "manifest.tsv"
    if not manifest.is_file():
        return {}
    with manifest.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {r["file"]: (r["speaker"] if "unknown" not in r["speaker"] else r["file"]) for r in rows}


def held_out(speaker: str) -> bool:
    """True for the speakers kept out of tuning."""
    return hashlib.sha1(speaker.encode("utf-8")).digest()[0] % 2 == 1


def in_split(speaker: str, split: str) -> bool:
    """Whether a speaker belongs to the "tune" or the "held-out" half."""
    return held_out(speaker) == (split == "held-out")
