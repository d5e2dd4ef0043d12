"""Exact frames for the paused player, decoded off the GUI thread.

The core FrameReader answers from its cache in a few ms, but a cold seek on
HD video can take a couple of hundred: never on the GUI thread. Requests are
"latest wins": while one frame decodes, newer requests replace older ones, so
holding a key or dragging the playhead never builds a queue.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from vigtool.errors import VigtoolError
from vigtool.gui.threads import register
from vigtool.media.frame_index import FrameIndex
from vigtool.media.reader import FrameReader


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    height, width, _ = rgb.shape
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels; the array may be reused


class _Worker(QObject):
    frameReady = Signal(int, QImage)
    failed = Signal(str)

    def __init__(self, path: Path, index: FrameIndex) -> None:
        super().__init__()
        self._path = path
        self._index = index
        self._reader: FrameReader | None = None
        self._lock = threading.Lock()
        self._wanted: int | None = None

    def want(self, frame: int) -> None:  # any thread
        with self._lock:
            self._wanted = frame

    @Slot()
    def work(self) -> None:  # worker thread
        with self._lock:
            frame, self._wanted = self._wanted, None
        if frame is None:
            return
        try:
            if self._reader is None:
                self._reader = FrameReader(self._path, self._index)
            image = rgb_to_qimage(self._reader.frame(frame))
        except VigtoolError as exc:
            self.failed.emit(str(exc))
            return
        self.frameReady.emit(frame, image)

    def shutdown(self) -> None:  # after the worker thread has finished
        if self._reader is not None:
            self._reader.close()
            self._reader = None


class FrameFetcher(QObject):
    """Owns a worker thread with a FrameReader. Create, use and close on the GUI thread."""

    frameReady = Signal(int, QImage)
    failed = Signal(str)
    _kick = Signal()

    def __init__(self, path: Path, index: FrameIndex, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = register(QThread())
        self._thread.setObjectName("vigtool-frame-fetcher")
        self._worker = _Worker(path, index)
        self._worker.moveToThread(self._thread)
        self._kick.connect(self._worker.work)
        self._worker.frameReady.connect(self.frameReady)
        self._worker.failed.connect(self.failed)
        self._thread.start()

    def request(self, frame: int) -> None:
        self._worker.want(frame)
        self._kick.emit()

    def close(self) -> None:
        """Stop the thread, then close the reader (safe: its thread has ended)."""
        self._thread.quit()
        self._thread.wait()
        self._worker.shutdown()
