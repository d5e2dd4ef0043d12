"""The workspace browser: cases, their cycles, and the recordings in each.

A recording whose file has gone is shown as missing, with "Locate..." to
point vigtool at it again (matched by content, so the wrong file is refused).
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from vigtool.domain.records import Recording, RecordingStatus
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.workspace import Changes

_RECORDING_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_SIZE = (72, 40)


def _duration(ms: int) -> str:
    s = ms // 1000
    return f"{s // 60}:{s % 60:02d}"


class WorkspaceBrowser(QWidget):
    recordingActivated = Signal(int)
    locateRequested = Signal(int)
    importRequested = Signal()

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspaceBrowser")
        self._bridge = bridge
        self._icons: dict[int, QIcon] = {}
        self._current: int | None = None
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QPixmap(*THUMB_SIZE).size())
        self.tree.setIndentation(14)
        self.tree.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        bridge.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("recordings") or changes.touches("cases"):
            self.refresh()

    def set_current(self, recording_id: int | None) -> None:
        self._current = recording_id
        self.refresh()

    def set_thumbnail(self, recording_id: int, image: QImage) -> None:
        self._icons[recording_id] = QIcon(QPixmap.fromImage(image))
        item = self._find(recording_id)
        if item is not None:
            item.setIcon(0, self._icons[recording_id])

    def recordings(self) -> list[Recording]:
        return self._bridge.workspace.library.recordings()

    def refresh(self) -> None:
        ws = self._bridge.workspace
        self.tree.clear()
        for case in ws.caseload.cases():
            case_item = QTreeWidgetItem([case.code])
            case_item.setToolTip(0, case.helping_question or "No helping question yet")
            font = case_item.font(0)
            font.setBold(True)
            case_item.setFont(0, font)
            self.tree.addTopLevelItem(case_item)
            by_cycle: dict[int, list[Recording]] = {}
            for rec in ws.library.recordings(case.id):
                by_cycle.setdefault(rec.cycle, []).append(rec)
            for cycle in sorted(by_cycle):
                cycle_item = QTreeWidgetItem([f"Cycle {cycle}"])
                case_item.addChild(cycle_item)
                for rec in by_cycle[cycle]:
                    cycle_item.addChild(self._recording_item(rec))
        self.tree.expandAll()

    def _recording_item(self, rec: Recording) -> QTreeWidgetItem:
        label = f"{rec.original_name}\n{_duration(rec.duration_ms)}"
        if rec.status is RecordingStatus.MISSING:
            label += " · missing"
        elif rec.status is RecordingStatus.PURGED:
            label += " · deleted by consent"
        item = QTreeWidgetItem([label])
        item.setData(0, _RECORDING_ROLE, rec.id)
        item.setToolTip(0, f"{rec.original_name}: {rec.frame_count} frames, {rec.fps:g} fps"
                           f"{' (variable)' if rec.vfr else ''}"
                           f"{', with sound' if rec.has_audio else ', silent'}")
        if rec.status is not RecordingStatus.PRESENT:
            item.setForeground(0, QColor(180, 60, 40))
        if rec.id in self._icons:
            item.setIcon(0, self._icons[rec.id])
        if rec.id == self._current:
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
        return item

    def _find(self, recording_id: int) -> QTreeWidgetItem | None:
        for item in self._all_items():
            if item.data(0, _RECORDING_ROLE) == recording_id:
                return item
        return None

    def _all_items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            found.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return found

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        recording_id = item.data(0, _RECORDING_ROLE)
        if recording_id is None:
            return
        rec = self._bridge.workspace.library.recording(int(recording_id))
        if rec.status is RecordingStatus.MISSING:
            self.locateRequested.emit(rec.id)
        elif rec.status is RecordingStatus.PRESENT:
            self.recordingActivated.emit(rec.id)

    def _menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        item = self.tree.itemAt(pos)
        menu = QMenu(self)
        if item is not None and item.data(0, _RECORDING_ROLE) is not None:
            recording_id = int(item.data(0, _RECORDING_ROLE))
            menu.addAction("Open", lambda: self.recordingActivated.emit(recording_id))
            menu.addAction("Locate...", lambda: self.locateRequested.emit(recording_id))
        menu.addAction("Import Video...", self.importRequested.emit)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
