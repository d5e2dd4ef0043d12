"""Records as plain JSON data, read from the records themselves.

``plain(record)`` is ``dataclasses.asdict`` made JSON-ready (tuples become
lists, enums their values) plus the record's computed fields, which a class
names in ``COMPUTED``. So a field added to a record appears in every export
without a hand-written ``to_dict`` to forget.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """``value`` as lists, dicts, strings, numbers, booleans and None."""
    if is_dataclass(value) and not isinstance(value, type):
        data = {f.name: plain(getattr(value, f.name)) for f in fields(value)}
        for name in getattr(type(value), "COMPUTED", ()):
            data[name] = plain(getattr(value, name))
        return data
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value
