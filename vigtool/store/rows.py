"""Rows <-> frozen records, read from the records' own fields.

A record's dataclass fields are the table's columns (plus any computed value
the caller passes, such as a recording's status, which is not stored). The
conversions SQLite needs (0/1 for bools, text for enums, JSON for a tuple of
codes) follow from each field's type, so a new column is added once: in the
migration and in the record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import cache
from typing import Any, TypeVar, get_type_hints

Row = Mapping[str, Any]
R = TypeVar("R")


def codes_to_json(codes: Iterable[str]) -> str:
    return json.dumps(list(codes), ensure_ascii=False)


def _codes_from_json(value: str) -> tuple[str, ...]:
    return tuple(json.loads(value))


def _converter(kind: Any) -> Callable[[Any], Any] | None:
    if kind is bool:
        return bool
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if kind == tuple[str, ...]:
        return _codes_from_json
    return None


@cache
def _columns(cls: type[Any]) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    hints = get_type_hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in fields(cls))


def from_row(cls: type[R], row: Row, **computed: Any) -> R:
    """The record ``cls`` holding ``row``; ``computed`` gives fields that are not columns."""
    assert is_dataclass(cls)
    values: dict[str, Any] = {}
    for name, convert in _columns(cls):
        if name in computed:
            values[name] = computed[name]
        else:
            value = row[name]
            values[name] = convert(value) if convert is not None and value is not None else value
    return cls(**values)


def to_row(values: Mapping[str, Any]) -> dict[str, Any]:
    """Python values as SQLite stores them (bool -> 0/1, enum -> text, codes -> JSON)."""
    stored: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, bool):
            stored[name] = int(value)
        elif isinstance(value, Enum):
            stored[name] = value.value
        elif isinstance(value, tuple | list):
            stored[name] = codes_to_json(value)
        else:
            stored[name] = value
    return stored
