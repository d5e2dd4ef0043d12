"""The Review list: preparing the shared review of the open recording's case and cycle.

It lists the moments chosen for the review, across all of the cycle's
recordings, in review order, exactly as the review will play them
(``review_plan``): each with the picture its clip pauses on, its words for
the parent and its question. Dragging a row (or Alt+Up / Alt+Down) moves the
clip with ``set_review_order``, one undo step per move. Selecting a row asks
the window to open its recording and select the moment; "Preview from Here"
asks it to start the shared review at that clip. The list follows every
edit, undo and redo through the bridge. GUI thread only.
"""

from __future__ import annotations

from contextlib import suppress

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.records import Moment
from vigtool.errors import NotFound, VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.keymap import binding
from vigtool.gui.review_list_rows import ROW_ROLE, ClipRow, ClipRowDelegate
from vigtool.gui.still_pictures import StillPictures
from vigtool.review_plan import review_plan
from vigtool.workspace import Changes


class _ClipList(QListWidget):
    """Rows the user drags to a new place; the move is made in the Workspace, never here."""

    moveRequested = Signal(int, int)  # row moved, row it goes before (count = the end)

    def __init__(self) -> None:
        super().__init__()
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setUniformItemSizes(True)
        self.setSpacing(2)
        self.setAccessibleName("Clips in review order")

    def drop_row(self, position: QPoint) -> int:
        """The row a drop at ``position`` goes before."""
        index = self.indexAt(position)
        if not index.isValid():
            return self.count()
        rect = self.visualRect(index)
        return index.row() + (1 if position.y() > rect.center().y() else 0)

    def dropEvent(self, event: QDropEvent) -> None:
        """Only our own rows move (Qt names no source for a drag it did not start here,
        so the rows' own data format is checked too)."""
        source = self.currentRow()
        own = event.mimeData().hasFormat(self.model().mimeTypes()[0])
        if event.source() not in (self, None) or not own or source < 0:
            event.ignore()
            return
        self.moveRequested.emit(source, self.drop_row(event.position().toPoint()))
        event.setDropAction(Qt.DropAction.IgnoreAction)  # Qt must not move the row itself
        event.accept()


class ReviewList(QWidget):
    momentChosen = Signal(int, int)  # recording id, moment id: open it and select the moment
    previewRequested = Signal(int)  # moment id: play the shared review from this clip
    countChanged = Signal(int)  # clips in the review

    def __init__(self, bridge: WorkspaceBridge, pictures: StillPictures | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewList")
        self._bridge = bridge
        self._pictures = pictures
        self._case_id: int | None = None
        self._cycle: int | None = None
        self._rows: list[ClipRow] = []
        self._quiet = False
        self.heading = QLabel()
        self.heading.setProperty("role", "section")
        self.heading.setWordWrap(True)
        self.note = QLabel()
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.list = _ClipList()
        self.list.setItemDelegate(ClipRowDelegate(pictures, self.list))
        self.list.moveRequested.connect(self._move)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.installEventFilter(self)
        self.up_button = self._arrow("▲", "Earlier in the review (Alt+Up)", -1)
        self.down_button = self._arrow("▼", "Later in the review (Alt+Down)", 1)
        self.preview_button = QPushButton("Preview from Here")
        self.preview_button.setToolTip(
            f"Play the shared review ({binding('app.review').keys[0]}) from this clip")
        self.preview_button.clicked.connect(self._preview)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        if pictures is not None:
            pictures.ready.connect(self._picture_ready)
        bridge.changed.connect(self._on_changed)
        self.refresh()

    def _arrow(self, arrow: str, tip: str, step: int) -> QToolButton:
        button = QToolButton()
        button.setText(arrow)  # text, in the theme's colour (arrow icons fade in dark themes)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.clicked.connect(lambda: self.move_current(step))
        return button

    # -- what it shows -----------------------------------------------------------------

    @property
    def rows(self) -> list[ClipRow]:
        return list(self._rows)

    def show_recording(self, recording_id: int) -> None:
        """Show the review of this recording's case and cycle."""
        try:
            recording = self._bridge.workspace.library.recording(recording_id)
        except NotFound:
            return
        if (recording.case_id, recording.cycle) != (self._case_id, self._cycle):
            self._case_id, self._cycle = recording.case_id, recording.cycle
            self.refresh()

    def select_moment(self, moment_id: int | None) -> None:
        """Follow the window's selection without asking to open anything."""
        self._quiet = True
        try:
            for n, row in enumerate(self._rows):
                if row.moment_id == moment_id:
                    self.list.setCurrentRow(n)
                    break
            else:
                self.list.setCurrentRow(-1)
        finally:
            self._quiet = False
        self._update_buttons()

    def refresh(self) -> None:
        ws = self._bridge.workspace
        current = self._current_row()
        self._rows = []
        hidden = 0
        if self._case_id is not None:
            try:
                case = ws.caseload.case(self._case_id)
                chosen = ws.annotations.review_moments(self._case_id, self._cycle)
                plan = review_plan(ws, self._case_id, self._cycle)
            except NotFound:  # the case went (an undone import)
                self._case_id = self._cycle = None
            else:
                self._rows = [self._row(item.moment, item.recording.original_name,
                                        item.pause_frame, item.prompt) for item in plan]
                hidden = len(chosen) - len(self._rows)
                self.heading.setText(f"{case.code} · cycle {self._cycle}: "
                                     f"{len(self._rows)} clip{'s' if len(self._rows) != 1 else ''}"
                                     " in the review")
        if self._case_id is None:
            self.heading.setText("The shared review")
        self.note.setText(self._note(hidden))
        self._fill(current.moment_id if current else None)
        self.countChanged.emit(len(self._rows))

    def _row(self, moment: Moment, film: str, pause_frame: int, question: str) -> ClipRow:
        ws = self._bridge.workspace
        stills = ws.annotations.stills_in(moment)
        try:
            start_ms, end_ms = ws.library.frame_times(moment.recording_id).span_ms(
                moment.start_frame, moment.end_frame)
            seconds: float | None = (end_ms - start_ms) / 1000
        except (VigtoolError, OSError):
            seconds = None
        return ClipRow(
            moment_id=moment.id, recording_id=moment.recording_id,
            place=moment.review_order or 0, title=moment.title, film=film, seconds=seconds,
            words=moment.strengths.strip(), question=question, pause_frame=pause_frame,
            has_still=bool(stills), caption=stills[0].caption if stills else "",
        )

    def _note(self, hidden: int) -> str:
        if self._case_id is None:
            return "Open a recording: its case's chosen clips are listed here, in review order."
        if not self._rows and not hidden:
            return (f"No clips chosen for this cycle yet. Select a moment and press "
                    f"{binding('tag.review').keys[0]}, or tick “Choose for review” in the "
                    "inspector.")
        text = "Drag a clip to change the order. Select one to open it."
        if hidden:
            text += (f" {hidden} chosen clip{'s are' if hidden != 1 else ' is'} not shown: "
                     "the film is missing or purged.")
        return text

    def _fill(self, keep: int | None) -> None:
        self._quiet = True
        try:
            scroll = self.list.verticalScrollBar().value()
            self.list.clear()
            for row in self._rows:
                item = QListWidgetItem()
                item.setData(ROW_ROLE, row)
                item.setToolTip(f"{row.words}\n\n“{row.question}”" if row.words
                                else f"“{row.question}”")
                self.list.addItem(item)
            for n, row in enumerate(self._rows):
                if row.moment_id == keep:
                    self.list.setCurrentRow(n)
            self.list.verticalScrollBar().setValue(scroll)
        finally:
            self._quiet = False
        self._update_buttons()

    def _current_row(self) -> ClipRow | None:
        n = self.list.currentRow()
        return self._rows[n] if 0 <= n < len(self._rows) else None

    def _update_buttons(self) -> None:
        n = self.list.currentRow()
        chosen = 0 <= n < len(self._rows)
        self.up_button.setEnabled(chosen and n > 0)
        self.down_button.setEnabled(chosen and n < len(self._rows) - 1)
        self.preview_button.setEnabled(chosen)

    # -- reacting ----------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if any(changes.touches(t) for t in ("moments", "stills", "recordings", "cases")):
            self.refresh()

    def _picture_ready(self, recording_id: int, frame: int, _image: object) -> None:
        for n, row in enumerate(self._rows):
            if (row.recording_id, row.pause_frame) == (recording_id, frame):
                item = self.list.item(n)
                if item is not None:
                    self.list.update(self.list.indexFromItem(item))

    def _current_changed(self, *_: object) -> None:
        self._update_buttons()
        row = self._current_row()
        if row is not None and not self._quiet:
            self.momentChosen.emit(row.recording_id, row.moment_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        alt = Qt.KeyboardModifier.AltModifier
        if (watched is self.list and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.modifiers() == alt):
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()))
            if step is not None:
                self.move_current(step)
                return True
        return super().eventFilter(watched, event)

    # -- moving and previewing ---------------------------------------------------------

    def move_current(self, step: int) -> None:
        """Move the selected clip one place earlier (-1) or later (1)."""
        n = self.list.currentRow()
        if 0 <= n < len(self._rows):
            self._move(n, n + step if step < 0 else n + step + 1)

    def _move(self, source: int, before: int) -> None:
        """Move row ``source`` to just before row ``before`` (``len`` = to the end)."""
        if not 0 <= source < len(self._rows) or before in (source, source + 1):
            return
        before = max(0, min(before, len(self._rows)))
        moving = self._rows[source]
        if before >= len(self._rows):
            place = self._rows[-1].place
        else:
            target = self._rows[before].place
            place = target - 1 if target > moving.place else target
        with suppress(NotFound):
            self._bridge.workspace.annotations.set_review_order(moving.moment_id, place)
        self.select_moment(moving.moment_id)

    def _preview(self) -> None:
        row = self._current_row()
        if row is not None:
            self.previewRequested.emit(row.moment_id)

    def index_of(self, moment_id: int) -> QModelIndex:
        for n, row in enumerate(self._rows):
            if row.moment_id == moment_id:
                item = self.list.item(n)
                if item is not None:
                    return self.list.indexFromItem(item)
        return QModelIndex()
