"""New Workspace: choose an empty (or new) folder for a new set of cases.

A workspace keeps families' films, so it gets a folder of its own: a folder
that already holds other files is refused, with the reason, and a folder
that already is a workspace is offered to be opened instead. The window then
switches to the folder the way Open Workspace does. GUI thread only.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vigtool.workspace import DB_NAME

TITLE = "New Workspace"


class FolderState(Enum):
    NEW = "new"  # not there yet: it will be made
    EMPTY = "empty"
    WORKSPACE = "workspace"  # already a vigtool workspace
    IN_USE = "in use"  # holds other files


def folder_state(folder: Path) -> FolderState:
    """What ``folder`` is, for a new workspace (hidden files such as .DS_Store do not count)."""
    if not folder.exists():
        return FolderState.NEW
    if not folder.is_dir():
        return FolderState.IN_USE
    if (folder / DB_NAME).exists():
        return FolderState.WORKSPACE
    if any(not child.name.startswith(".") for child in folder.iterdir()):
        return FolderState.IN_USE
    return FolderState.EMPTY


def choose_new_workspace(parent: QWidget, start: Path) -> Path | None:
    """Ask for the folder; None when cancelled or refused (the reason is shown)."""
    chosen = QFileDialog.getExistingDirectory(
        parent, "New Workspace: choose or make an empty folder", str(start)
    )
    if not chosen:
        return None
    folder = Path(chosen)
    state = folder_state(folder)
    if state is FolderState.WORKSPACE:
        answer = QMessageBox.question(
            parent, TITLE, f"“{folder.name}” is already a workspace. Open it?",
        )
        return folder if answer == QMessageBox.StandardButton.Yes else None
    if state is FolderState.IN_USE:
        QMessageBox.information(
            parent, TITLE,
            f"“{folder.name}” already has other files in it. Please choose an empty folder, "
            "or make a new one in the folder window, so families' films are kept apart "
            "from everything else.",
        )
        return None
    return folder
