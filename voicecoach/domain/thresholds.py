"""The pain thresholds of CLINICAL.md section 8 that the session and the history's progression share."""

from __future__ import annotations

PAIN_RISE_STEP_DOWN = 2
"""CLINICAL.md section 8: a rise this large from before to after is noted, and the plan steps down."""
HIGH_PAIN = 8
"""A score this high before starting: advise rest; exercise only if the person confirms."""
