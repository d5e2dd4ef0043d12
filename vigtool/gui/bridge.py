"""Carry core notifications into Qt signals on the GUI thread.

The Workspace calls its listeners on whatever thread made the edit; views
must only be touched on the GUI thread, so the bridge re-emits through a
signal: delivered at once for edits made on the GUI thread, queued to it for
edits made by a worker. One bridge per open workspace; every view connects to
``changed`` and redraws only what the ``Changes`` says it touched.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from vigtool.workspace import Changes, Workspace


class WorkspaceBridge(QObject):
    changed = Signal(object)  # Changes, delivered on the GUI thread
    _relay = Signal(object)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._relay.connect(self.changed.emit)
        self._unsubscribe = workspace.subscribe(self._on_change)

    def _on_change(self, changes: Changes) -> None:
        self._relay.emit(changes)

    def detach(self) -> None:
        self._unsubscribe()
