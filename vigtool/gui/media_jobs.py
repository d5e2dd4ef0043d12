"""Background media work for the views: timeline thumbnails, waveform, browser posters.

Each result is sent as a signal as soon as it exists, so the timeline fills
in progressively and the window never waits. Opening another recording
cancels the work for the previous one. GUI thread only (the tasks themselves
run in Job threads and only emit signals).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from vigtool.gui.frame_fetcher import rgb_to_qimage
from vigtool.gui.workers import Job
from vigtool.media.thumbnails import iter_thumbnails, thumbnail_frames
from vigtool.media.waveform import load_or_compute_waveform
from vigtool.workspace import Workspace

STRIP_THUMBNAILS = 160
STRIP_HEIGHT = 54
POSTER_HEIGHT = 54


class MediaJobs(QObject):
    thumbnailReady = Signal(int, int, object)  # recording id, frame, QImage
    waveformReady = Signal(int, object)  # recording id, Waveform | None
    posterReady = Signal(int, object)  # recording id, QImage

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._running: list[Job] = []
        self._strip: list[Job] = []

    def load_strip(self, recording_id: int) -> None:
        """Start thumbnails and waveform for the recording now on the timeline."""
        for job in self._strip:
            job.cancel()
        ws = self._ws
        recording = ws.library.recording(recording_id)
        path = ws.library.media_path(recording)
        index = ws.library.frame_index(recording_id)
        frames = thumbnail_frames(recording.frame_count, STRIP_THUMBNAILS)

        def thumbnails(progress, cancel) -> None:  # type: ignore[no-untyped-def]
            for thumb in iter_thumbnails(path, index, frames=frames, height=STRIP_HEIGHT,
                                         progress=progress, cancel=cancel):
                self.thumbnailReady.emit(recording_id, thumb.frame, rgb_to_qimage(thumb.image))

        cache = ws.root / "index" / f"{recording.sha256}.waveform.npz"

        def waveform(progress, cancel) -> None:  # type: ignore[no-untyped-def]
            self.waveformReady.emit(
                recording_id,
                load_or_compute_waveform(path, cache, progress=progress, cancel=cancel),
            )

        self._strip = [self._start(thumbnails), self._start(waveform)]

    def load_posters(self, recording_ids: list[int]) -> None:
        """One small picture per recording for the browser."""
        ws = self._ws
        wanted = []
        for rid in recording_ids:
            rec = ws.library.recording(rid)
            if ws.library.media_path(rec).is_file():
                wanted.append((rid, ws.library.media_path(rec), rec.frame_count))

        def posters(progress, cancel) -> None:  # type: ignore[no-untyped-def]
            for n, (rid, path, count) in enumerate(wanted):
                cancel.raise_if_cancelled()
                index = ws.library.frame_index(rid)
                for thumb in iter_thumbnails(path, index, frames=[count // 10],
                                             height=POSTER_HEIGHT, cancel=cancel):
                    self.posterReady.emit(rid, rgb_to_qimage(thumb.image))
                progress(n + 1, len(wanted))

        if wanted:
            self._start(posters)

    def start(self, task) -> Job:  # type: ignore[no-untyped-def]
        """Run another task for the views (e.g. finding suggested moments): it is cancelled
        and joined with the others at shutdown and before a purge."""
        return self._start(task)

    def _start(self, task) -> Job:  # type: ignore[no-untyped-def]
        job = Job(task, self)
        job.finished.connect(lambda: self._running.remove(job) if job in self._running else None)
        self._running.append(job)
        job.start()
        return job

    def shutdown(self) -> None:
        """Cancel and wait for every task (before the window closes)."""
        for job in list(self._running):
            job.wait()
        self._running.clear()
        self._strip.clear()
