"""CLINICAL.md section 1: a red-flag result is repeated at the next session until a doctor has
cleared the person (a yes to C1). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from voicecoach import data
from voicecoach.history.records import SessionRecord


@cache
def carried_outcomes() -> frozenset[str]:
    """The red-flag outcomes that are carried over (data/progression.toml)."""
    return frozenset(data.load("progression")["carry_over"])


def carried_over(history: Sequence[SessionRecord], carried: frozenset[str] | None = None) -> str | None:
    """The red-flag outcome still waiting for a doctor's clearance, or None.

    Oldest first: a C1 yes clears what was carried into that session; a red-flag outcome (a new one, or
    the carried one again after C1 no or unclear) is carried into the next. A session that ended before
    either (cut off, or a ``triage`` stopped early) changes nothing.
    """
    carried = carried_outcomes() if carried is None else carried
    pending = None
    for session in history:
        if session.in_progress:
            continue
        if session.answers.get("C1") == "yes":
            pending = None
        if session.outcome in carried:
            pending = session.outcome
    return pending
