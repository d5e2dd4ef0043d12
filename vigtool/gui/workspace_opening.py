"""Opening a workspace that another program may have open: one writer at a time.

``Workspace.open`` refuses (WorkspaceBusy, naming the holder) while another
window or script has the folder open for writing. The app then offers what a
person can do: open it read-only to look, try again once the other has
closed it, or choose another workspace. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vigtool.errors import WorkspaceBusy
from vigtool.workspace import Workspace

TRY_AGAIN_WAIT_S = 1.0  # a moment for the other program to finish closing


class BusyChoice(Enum):
    READ_ONLY = "read-only"
    TRY_AGAIN = "try again"
    CHOOSE_OTHER = "choose another"
    CANCEL = "cancel"


def busy_box(parent: QWidget | None, folder: Path, message: str
             ) -> tuple[QMessageBox, dict[object, BusyChoice]]:
    """The question shown when ``folder`` is busy, and which button means what."""
    box = QMessageBox(QMessageBox.Icon.Information, "Workspace in Use",
                      "This workspace is open in another program.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("workspaceBusy")
    text = message[:1].upper() + message[1:]
    box.setInformativeText(
        f"{text}.\n\nOnly one program at a time can change a workspace, so that nobody's "
        "work is lost.")
    choices: dict[object, BusyChoice] = {
        box.addButton("Open Read-Only", QMessageBox.ButtonRole.AcceptRole):
            BusyChoice.READ_ONLY,
        box.addButton("Try Again", QMessageBox.ButtonRole.ActionRole): BusyChoice.TRY_AGAIN,
        box.addButton("Choose Another Workspace...", QMessageBox.ButtonRole.ActionRole):
            BusyChoice.CHOOSE_OTHER,
        box.addButton(QMessageBox.StandardButton.Cancel): BusyChoice.CANCEL,
    }
    return box, choices


def ask_busy(parent: QWidget | None, folder: Path, message: str) -> BusyChoice:
    """Show ``busy_box`` and wait for the answer."""
    box, choices = busy_box(parent, folder, message)
    box.exec()
    return choices.get(box.clickedButton(), BusyChoice.CANCEL)


def choose_folder(parent: QWidget | None) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, "Open workspace folder")
    return Path(folder) if folder else None


def open_workspace(
    folder: Path,
    parent: QWidget | None = None,
    *,
    ask: Callable[[QWidget | None, Path, str], BusyChoice] = ask_busy,
    choose: Callable[[QWidget | None], Path | None] = choose_folder,
) -> Workspace | None:
    """Open ``folder`` for writing; when another program has it, ask what to do.

    Returns the Workspace (read-only if so chosen; its ``root`` is the folder
    finally opened) or None when the person cancelled. Other errors (a damaged
    or newer workspace) are raised as they are, for the caller to show.
    """
    wait = 0.0
    while True:
        try:
            return Workspace.open(folder, wait=wait)
        except WorkspaceBusy as exc:
            choice = ask(parent, folder, str(exc))
        wait = 0.0
        if choice is BusyChoice.READ_ONLY:
            return Workspace.open(folder, read_only=True)
        if choice is BusyChoice.TRY_AGAIN:
            wait = TRY_AGAIN_WAIT_S
            continue
        if choice is BusyChoice.CHOOSE_OTHER:
            other = choose(parent)
            if other is None:
                return None
            folder = other
            continue
        return None
