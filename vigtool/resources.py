"""Locate files that ship with vigtool (schemas, built-in codebooks, the demo clip).

They are data packages inside the installed ``vigtool`` (see ``package-dir``
in pyproject.toml), so they are found the same way in a source checkout, an
editable install and an installed wheel. A :class:`Traversable` is not always
a file on disk; use :func:`importlib.resources.as_file` where a real path is
needed (PyAV, VLC).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

DEMO_PACKAGE = "vigtool.demo_clips"  # sample_clips/demo/ in a source checkout


def schema_file(name: str) -> Traversable:
    """A file in ``schemas/`` (installed as the ``vigtool.schemas`` package)."""
    return files("vigtool.schemas").joinpath(name)


def demo_data() -> Traversable:
    """The folder of the demo clip and its truth file.

    ``sample_clips/demo/`` in a source checkout, installed as the data-only
    package ``vigtool.demo_clips``; ``python -m sample_clips.generate`` writes it.
    """
    return files(DEMO_PACKAGE)
