"""CLINICAL.md section 8's pain thresholds, read from data/pain.toml (the numbers live there, not here)."""

from __future__ import annotations

from voicecoach import data

_PAIN = data.load("pain")

PAIN_LOWEST: int = int(_PAIN["lowest"])
"""The pain scale's bottom: no pain."""
PAIN_HIGHEST: int = int(_PAIN["highest"])
"""The pain scale's top: the worst imaginable."""
PAIN_RISE_STEP_DOWN: int = int(_PAIN["rise_step_down"])
"""A rise this large from before to after is noted, and the plan steps down (data/pain.toml)."""
HIGH_PAIN: int = int(_PAIN["high_before"])
"""A score this high before starting: advise rest; exercise only if the person confirms (data/pain.toml)."""
