"""The workspace: one folder of family footage and the practitioner's work on it.

``Workspace`` is the door (open, close, edits, undo, notify); its features
live in managers (``ws.caseload``, ``ws.library``, ``ws.annotations``,
``ws.review``, ``ws.privacy``). ``Snapshot`` is a read-only, consistent view
for long reads, and ``View`` is what both have, for code that only reads.
"""

from vigtool.workspace.annotations import KEEP, Keep
from vigtool.workspace.changes import Changes
from vigtool.workspace.library import DuplicateRecording
from vigtool.workspace.snapshot import Snapshot
from vigtool.workspace.view import View
from vigtool.workspace.workspace import DB_NAME, UNDO_LIMIT, Workspace

__all__ = [
    "DB_NAME",
    "KEEP",
    "UNDO_LIMIT",
    "Changes",
    "DuplicateRecording",
    "Keep",
    "Snapshot",
    "View",
    "Workspace",
]
