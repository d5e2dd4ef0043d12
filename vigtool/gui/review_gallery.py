"""The stills of a cycle, big, for parent and practitioner to look at together.

Stills are pictures the practitioner chose (a shared gaze, a smile). Each is
shown large with its caption in a band under it (never over the picture);
the strip below picks one. ``load()`` reads the stills again each time the
gallery is shown, so a still kept a moment ago is there at once. Pictures
are decoded in the background, each frame once. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap, QResizeEvent
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
from vigtool.gui.review_band import WordsBand
from vigtool.gui.video_surface import VideoSurface
from vigtool.gui.words import _
from vigtool.gui.workers import Job
from vigtool.workspace import Workspace

THUMB = QSize(160, 90)
NO_PICTURES = "No pictures were kept from this film yet."

_Key = tuple[int, int]  # recording id, frame


def _key(still: Still) -> _Key:
    return still.recording_id, still.frame


class ReviewGallery(QWidget):
    backRequested = Signal()
    _pictureReady = Signal(object, object)  # (recording id, frame), QImage (from the job)

    def __init__(self, workspace: Workspace, case_id: int, cycle: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewStage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._ws = workspace
        self._case_id = case_id
        self._cycle = cycle
        self.stills: list[Still] = []
        self._images: dict[_Key, QImage] = {}
        self._job: Job | None = None
        self._reload = False
        heading = QLabel(_("Pictures from this film"))
        heading.setObjectName("reviewClipTitle")
        self.picture = VideoSurface()
        self.caption = WordsBand()
        self.strip = QListWidget()
        self.strip.setObjectName("stillStrip")
        self.strip.setViewMode(QListWidget.ViewMode.IconMode)
        self.strip.setFlow(QListWidget.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setIconSize(THUMB)
        self.strip.setFixedHeight(THUMB.height() + 40)
        self.strip.currentRowChanged.connect(self._show)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 16)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.strip)
        back = QPushButton(_("◀  Back to the clips"))
        back.clicked.connect(self.backRequested.emit)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        layout.addLayout(row)
        self._pictureReady.connect(self._arrived)
        self._read_stills()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.caption.set_area_height(event.size().height())

    def _read_stills(self) -> None:
        ws = self._ws
        shown = self.current_still()
        self.stills = [
            still for rec in ws.library.recordings(self._case_id)
            if rec.cycle == self._cycle and rec.status is RecordingStatus.PRESENT
            for still in ws.annotations.stills(rec.id)
        ]
        self.strip.blockSignals(True)
        self.strip.clear()
        for still in self.stills:
            item = QListWidgetItem(still.caption)  # elided here; whole in the band above
            item.setToolTip(still.caption)
            item.setSizeHint(THUMB + QSize(16, 30))
            image = self._images.get(_key(still))
            if image is not None:
                item.setIcon(_thumbnail(image))
            self.strip.addItem(item)
        self.strip.blockSignals(False)
        if not self.stills:
            self.caption.set_words("")
            self.picture.show_message(_(NO_PICTURES))
            return
        ids = [s.id for s in self.stills]
        self.strip.setCurrentRow(ids.index(shown.id) if shown is not None and shown.id in ids
                                 else 0)
        self._show(self.strip.currentRow())

    def current_still(self) -> Still | None:
        row = self.strip.currentRow()
        return self.stills[row] if 0 <= row < len(self.stills) else None

    def load(self) -> None:
        """Read the stills again and decode, in the background, the pictures not yet seen."""
        self._read_stills()  # the list is always current; only decoding waits its turn
        if self._job is not None:
            self._reload = True  # decode the rest once the pictures on their way have come
            return
        missing = list(dict.fromkeys(_key(s) for s in self.stills if _key(s) not in self._images))
        if not missing:
            return
        ws, ready = self._ws, self._pictureReady

        def task(progress, cancel) -> None:  # type: ignore[no-untyped-def]
            readers = {}
            try:
                for n, (recording_id, frame) in enumerate(missing):
                    cancel.raise_if_cancelled()
                    if recording_id not in readers:
                        readers[recording_id] = ws.library.open_reader(recording_id,
                                                                       prefetch=False)
                    rgb = readers[recording_id].frame(frame)
                    ready.emit((recording_id, frame), rgb_to_qimage(rgb))
                    progress(n + 1, len(missing))
            finally:
                for reader in readers.values():
                    reader.close()

        self._job = Job(task, self)
        self._job.finished.connect(self._loaded)
        self._job.start()

    def _loaded(self) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.deleteLater()
        if self._reload:
            self._reload = False
            self.load()

    def _arrived(self, key: _Key, image: QImage) -> None:
        self._images[key] = image
        for row, still in enumerate(self.stills):
            if _key(still) == key:
                self.strip.item(row).setIcon(_thumbnail(image))
                if row == self.strip.currentRow():
                    self._show(row)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.stills):
            return
        still = self.stills[row]
        self.caption.set_words(still.caption)
        image = self._images.get(_key(still))
        if image is not None:
            self.picture.show_image(image)
            self.picture.set_aspect(image.width(), image.height())

    def shutdown(self) -> None:
        self._reload = False
        if self._job is not None:
            self._job.wait()
            self._job = None


def _thumbnail(image: QImage) -> QIcon:
    pixmap = QPixmap.fromImage(image.scaled(
        THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the chosen picture keeps its own colours
    return icon


def has_thumbnail(item: QListWidgetItem) -> bool:
    return not item.icon().isNull()
