"""vigtool: frame-exact tagging and strengths-based review for Video Interaction Guidance.

``from vigtool import Workspace`` is the public Python API. It is imported
lazily so that ``vigtool --help`` and small tools start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Workspace", "__version__"]

if TYPE_CHECKING:
    from vigtool.workspace import Workspace


def __getattr__(name: str) -> Any:
    if name == "Workspace":
        from vigtool.workspace import Workspace

        return Workspace
    raise AttributeError(f"module 'vigtool' has no attribute {name!r}")
