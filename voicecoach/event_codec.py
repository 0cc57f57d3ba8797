"""Event field values to JSON-ready data and back: enums by value, doses and plan entries as dicts.

The transcript contract (ARCHITECTURE.md) is written with :func:`encode` and read back with :func:`decode`.
"""

from __future__ import annotations

import types
from enum import Enum
from typing import Any, Union, get_args, get_origin

from voicecoach.domain.doses import Dose, PlanEntry


def encode(value: Any) -> Any:
    """A field's value as JSON-ready data (enums by value, doses and plan entries as dicts)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Dose | PlanEntry):
        return value.to_dict()
    if isinstance(value, tuple):
        return tuple(encode(v) for v in value)
    return value


def decode(hint: Any, value: Any) -> Any:
    """A JSON value back into the field's type (the inverse of :func:`_encode`)."""
    if value is None:
        return None
    if get_origin(hint) in (Union, types.UnionType):
        choices = [a for a in get_args(hint) if a is not type(None)]
        return decode(choices[0], value) if len(choices) == 1 else value
    if get_origin(hint) is tuple:
        return tuple(decode(get_args(hint)[0], v) for v in value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is Dose or hint is PlanEntry:
        return hint.from_dict(value)
    return value
