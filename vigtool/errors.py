"""Typed errors the core raises. Their message is one plain line a person can act on.

The CLI prints ``error: <message>`` and exits 2; the GUI shows the same line.
Core code never opens dialogs or prints: it raises one of these.
"""

from __future__ import annotations


class VigtoolError(Exception):
    """Base class: ``str(err)`` is a complete, one-line, user-facing sentence."""


class MediaError(VigtoolError):
    """A file could not be read as a video (missing, empty, corrupt, no video stream...)."""


class FrameOutOfRange(VigtoolError):
    """A frame number outside 0..frame_count-1 was asked for."""


class CodebookError(VigtoolError):
    """A codebook file is not valid JSON or does not match schemas/codebook.schema.json."""


class StoreError(VigtoolError):
    """The workspace database cannot be opened or used."""


class NewerWorkspaceError(StoreError):
    """The workspace was written by a newer vigtool; it is left untouched."""


class NotFound(VigtoolError):
    """A case, recording, moment or other record does not exist."""


class InvalidEdit(VigtoolError):
    """An edit breaks a rule (e.g. end frame before start frame)."""


class NothingToUndo(VigtoolError):
    """Undo or redo was asked for with an empty stack."""


class Cancelled(VigtoolError):
    """Long work was cancelled through its CancelToken; nothing partial was kept."""


class ConsentMissing(VigtoolError):
    """An action needs a consent scope the family has not given (or has withdrawn)."""


class WorkspaceBusy(StoreError):
    """Another vigtool (or script) has this workspace open for writing."""


class ReadOnlyWorkspace(StoreError):
    """An edit was tried on a workspace opened read-only."""
