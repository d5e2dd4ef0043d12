"""Small exact pictures of single frames (a moment's still, or the frame its clip pauses on).

The inspector and the Review list show each clip's still as a thumbnail.
Decoding one exact frame can take a couple of hundred ms on HD footage, so
it never happens on the GUI thread: one worker thread decodes the frames
asked for, newest request first, keeps a reader open per recording, and
sends each picture back as ``ready``. Pictures are cached by (recording,
frame, height), so showing the same list again costs nothing.

Create, use and close on the GUI thread; the worker only emits signals.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import cv2
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from vigtool.errors import VigtoolError
from vigtool.gui.frame_fetcher import rgb_to_qimage
from vigtool.gui.threads import register
from vigtool.media.reader import FrameReader
from vigtool.workspace import Workspace

_Key = tuple[int, int, int]  # recording id, frame, height in pixels
_CACHE_LIMIT = 400
_READERS_KEPT = 3
_READER_CACHE_BYTES = 64 * 1024 * 1024


class _Worker(QObject):
    ready = Signal(int, int, int, QImage)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self._ws = workspace
        self._lock = threading.Lock()
        self._wanted: list[_Key] = []
        self._readers: OrderedDict[int, FrameReader] = OrderedDict()
        self._using = threading.Lock()  # held while a reader is used or closed

    def want(self, key: _Key) -> None:  # any thread
        with self._lock:
            if key in self._wanted:
                self._wanted.remove(key)
            self._wanted.append(key)

    @Slot()
    def work(self) -> None:  # worker thread
        while True:
            with self._lock:
                if not self._wanted:
                    return
                key = self._wanted.pop()  # newest first: what the user just looked at
            image = self._picture(*key)
            if image is not None:
                self.ready.emit(*key, image)

    def _picture(self, recording_id: int, frame: int, height: int) -> QImage | None:
        try:
            with self._using:
                rgb = self._reader(recording_id).frame(frame)
        except (VigtoolError, OSError):  # missing or purged footage: no picture, no error
            return None
        width = max(1, round(rgb.shape[1] * height / rgb.shape[0]))
        small = cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)
        return rgb_to_qimage(small)

    def _reader(self, recording_id: int) -> FrameReader:
        reader = self._readers.pop(recording_id, None)
        if reader is None:
            reader = self._ws.library.open_reader(
                recording_id, cache_bytes=_READER_CACHE_BYTES, prefetch=False)
        self._readers[recording_id] = reader
        while len(self._readers) > _READERS_KEPT:
            _, oldest = self._readers.popitem(last=False)
            oldest.close()
        return reader

    def forget(self, recording_ids: set[int]) -> None:  # any thread
        """Close the readers on these recordings (their film is about to be deleted)."""
        with self._lock:
            self._wanted = [k for k in self._wanted if k[0] not in recording_ids]
        with self._using:
            for recording_id in recording_ids & set(self._readers):
                self._readers.pop(recording_id).close()

    def stop(self) -> None:  # any thread: drop what is still wanted
        with self._lock:
            self._wanted.clear()

    def shutdown(self) -> None:  # after the worker thread has finished
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()


class StillPictures(QObject):
    """Thumbnails of exact frames, decoded on a worker thread. GUI thread only."""

    ready = Signal(int, int, QImage)  # recording id, frame, picture (at the height asked)
    _kick = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache: OrderedDict[_Key, QImage] = OrderedDict()
        self._thread = register(QThread())
        self._thread.setObjectName("vigtool-still-pictures")
        self._worker = _Worker(workspace)
        self._worker.moveToThread(self._thread)
        self._kick.connect(self._worker.work)
        self._worker.ready.connect(self._arrived)
        self._closed = False  # the thread starts with the first picture asked for

    def forget(self, recording_ids: set[int]) -> None:
        """Let go of these recordings' films: open readers closed, pictures dropped."""
        for key in [k for k in self._cache if k[0] in recording_ids]:
            del self._cache[key]
        self._worker.forget(recording_ids)

    def picture(self, recording_id: int, frame: int, height: int) -> QImage | None:
        """The picture if it is ready; otherwise None, and ``ready`` follows when it is."""
        key = (recording_id, frame, height)
        image = self._cache.get(key)
        if image is not None:
            self._cache.move_to_end(key)
            return image
        if not self._closed:
            if not self._thread.isRunning():
                self._thread.start()
            self._worker.want(key)
            self._kick.emit()
        return None

    def _arrived(self, recording_id: int, frame: int, height: int, image: QImage) -> None:
        self._cache[(recording_id, frame, height)] = image
        while len(self._cache) > _CACHE_LIMIT:
            self._cache.popitem(last=False)
        self.ready.emit(recording_id, frame, image)

    def close(self) -> None:
        """Stop the worker, then close its readers (safe: its thread has ended)."""
        if self._closed:
            return
        self._closed = True
        self._worker.stop()
        self._thread.quit()
        self._thread.wait()
        self._worker.shutdown()
