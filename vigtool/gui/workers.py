"""Run a core long task (progress + cancel) off the GUI thread.

The task is a plain function taking ``progress`` and ``cancel`` keywords (see
``vigtool.jobs``). The worker never touches widgets: it only emits signals,
which Qt delivers on the GUI thread. ``Job.cancel()`` sets the CancelToken;
the core then raises Cancelled and leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from vigtool.errors import Cancelled, VigtoolError
from vigtool.gui.threads import register
from vigtool.jobs import CancelToken


class _Runner(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, task: Callable[..., Any], token: CancelToken) -> None:
        super().__init__()
        self._task = task
        self._token = token

    def run(self) -> None:  # worker thread
        try:
            result = self._task(progress=self.progressed.emit, cancel=self._token)
        except Cancelled:
            self.cancelled.emit()
        except VigtoolError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: say it in one line, never take the app down
            self.failed.emit(f"unexpected problem: {type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)


class Job(QObject):
    """One background task. Keep a reference until ``finished``. Create on the GUI thread."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, task: Callable[..., Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._token = CancelToken()
        self._thread = register(QThread())
        self._thread.setObjectName("vigtool-job")
        self._runner = _Runner(task, self._token)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        for signal, relay in (
            (self._runner.progressed, self.progressed),
            (self._runner.succeeded, self.succeeded),
            (self._runner.failed, self.failed),
            (self._runner.cancelled, self.cancelled),
        ):
            signal.connect(relay)
        for done in (self._runner.succeeded, self._runner.failed, self._runner.cancelled):
            done.connect(self._finish)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._token.cancel()

    def wait(self) -> None:
        """Block until the task ends (for shutdown and tests)."""
        self._token.cancel()
        self._thread.quit()
        self._thread.wait()

    def _finish(self, *_: object) -> None:
        self._thread.quit()
        self._thread.wait()
        self.finished.emit()


def run_with_progress(
    parent: QWidget, label: str, task: Callable[..., Any], on_success: Callable[[Any], None],
    on_failure: Callable[[str], None],
) -> Job:
    """Run ``task`` with a modal-less progress dialog that has a working Cancel button."""
    dialog = QProgressDialog(label, "Cancel", 0, 100, parent)
    dialog.setWindowTitle("vigtool")
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(True)
    dialog.setValue(0)
    job = Job(task, parent)

    def show_progress(done: int, total: int) -> None:
        dialog.setValue(int(100 * done / total) if total else 0)

    job.progressed.connect(show_progress)
    dialog.canceled.connect(job.cancel)
    job.succeeded.connect(on_success)
    job.failed.connect(on_failure)
    job.finished.connect(dialog.reset)
    job.finished.connect(job.deleteLater)
    job.start()
    return job
