"""Locate files that ship with vigtool (schemas, built-in codebooks)."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def schema_file(name: str) -> Traversable:
    """A file in ``schemas/`` (installed as the ``vigtool.schemas`` package)."""
    return files("vigtool.schemas").joinpath(name)
