"""The stills of a cycle, big, for parent and practitioner to look at together.

Stills are pictures the practitioner chose (a shared gaze, a smile). Each is
shown large with its caption; the strip below picks one. Pictures are
decoded in the background. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.records import RecordingStatus, Still
from vigtool.gui.frame_fetcher import rgb_to_qimage
from vigtool.gui.video_surface import VideoSurface
from vigtool.gui.words import _
from vigtool.gui.workers import Job
from vigtool.workspace import Workspace

THUMB = QSize(192, 108)


class ReviewGallery(QWidget):
    backRequested = Signal()
    _pictureReady = Signal(int, object)  # still id, QImage (from the loading job)

    def __init__(self, workspace: Workspace, case_id: int, cycle: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewStage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._ws = workspace
        self.stills: list[Still] = [
            still for rec in workspace.library.recordings(case_id)
            if rec.cycle == cycle and rec.status is RecordingStatus.PRESENT
            for still in workspace.annotations.stills(rec.id)
        ]
        self._images: dict[int, QImage] = {}
        self._job: Job | None = None
        heading = QLabel(_("Pictures from this film"))
        heading.setObjectName("reviewClipTitle")
        self.picture = VideoSurface()
        self.strip = QListWidget()
        self.strip.setObjectName("stillStrip")
        self.strip.setViewMode(QListWidget.ViewMode.IconMode)
        self.strip.setFlow(QListWidget.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setIconSize(THUMB)
        self.strip.setFixedHeight(THUMB.height() + 36)
        self.strip.currentRowChanged.connect(self._show)
        for still in self.stills:
            item = QListWidgetItem(still.caption[:40] if still.caption else "")
            item.setSizeHint(THUMB + QSize(16, 28))
            self.strip.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 20)
        layout.addWidget(heading)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.strip)
        back = QPushButton(_("◀  Back to the clips"))
        back.clicked.connect(self.backRequested.emit)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        layout.addLayout(row)
        self._pictureReady.connect(self._arrived)
        if not self.stills:
            self.picture.show_message(_("No pictures were kept from this film yet."))

    def load(self) -> None:
        """Decode the stills in the background (once)."""
        if self._job is not None or not self.stills:
            return
        ws, stills = self._ws, list(self.stills)

        def task(progress, cancel) -> None:  # type: ignore[no-untyped-def]
            readers = {}
            try:
                for n, still in enumerate(stills):
                    cancel.raise_if_cancelled()
                    if still.recording_id not in readers:
                        readers[still.recording_id] = ws.library.open_reader(still.recording_id,
                                                                     prefetch=False)
                    rgb = readers[still.recording_id].frame(still.frame)
                    self._pictureReady.emit(still.id, rgb_to_qimage(rgb))
                    progress(n + 1, len(stills))
            finally:
                for reader in readers.values():
                    reader.close()

        self._job = Job(task, self)
        self._job.start()

    def _arrived(self, still_id: int, image: QImage) -> None:
        self._images[still_id] = image
        row = next(i for i, s in enumerate(self.stills) if s.id == still_id)
        self.strip.item(row).setIcon(QIcon(QPixmap.fromImage(image.scaled(
            THUMB, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))))
        if self.strip.currentRow() < 0:
            self.strip.setCurrentRow(row)
        elif self.strip.currentRow() == row:
            self._show(row)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.stills):
            return
        still = self.stills[row]
        image = self._images.get(still.id)
        if image is not None:
            self.picture.show_image(image)
            self.picture.set_aspect(image.width(), image.height())
            self.picture.set_overlay(still.caption)

    def shutdown(self) -> None:
        if self._job is not None:
            self._job.wait()
