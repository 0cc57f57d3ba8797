"""Shared fixtures."""

from tests.pulse import pulse

__all__ = ["pulse"]
