"""Start the desktop app: settings, theme, workspace, window, and a clean exit.

``run_gui`` returns the process exit code. Everything libvlc owns is released
before Python shuts down (it can crash otherwise). A workspace another
program has open is offered read-only (``workspace_opening``); an edit
refused there (or any one-line vigtool error escaping a view) is shown in the
window's status bar rather than as a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from vigtool import __version__
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.domain.records import RecordingStatus
from vigtool.errors import ConsentMissing, VigtoolError
from vigtool.gui import startup_probe
from vigtool.gui.main_window import MainWindow
from vigtool.gui.settings import (
    APPLICATION,
    ORGANISATION,
    last_recording_key,
    last_workspace,
    remember_workspace,
)
from vigtool.gui.theme import apply_theme, saved_theme
from vigtool.gui.vlc_player import load_vlc
from vigtool.gui.workspace_opening import open_workspace
from vigtool.workspace import Workspace
from vigtool.workspace.lock import set_program


def run_gui(
    workspace: Path | None = None,
    video: Path | None = None,
    *,
    recording_id: int | None = None,
    quit_after_ms: int | None = None,
) -> int:
    """Run the app until the last window closes; returns the exit code."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    settings = QSettings()
    apply_theme(app, saved_theme(settings))
    set_program("the vigtool app")
    vlc, problem = load_vlc()
    try:
        ws: Workspace | None = open_workspace(workspace or last_workspace(settings))
    except VigtoolError as exc:
        QMessageBox.critical(None, "vigtool", str(exc))
        return 2
    code = 0
    shown: list[MainWindow] = []
    with _errors_in_status_bar(lambda: shown[-1] if shown else None):
        while ws is not None:
            folder = ws.root
            remember_workspace(settings, folder)
            window = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), vlc, problem,
                                settings)
            shown[:] = [window]
            window.recordingOpened.connect(
                partial(settings.setValue, last_recording_key(folder)))
            startup_probe.install(window.surface)
            window.show()
            _open_first(window, ws, settings, folder, video, recording_id)
            video = recording_id = None
            if quit_after_ms is not None:
                QTimer.singleShot(quit_after_ms, window.close)
            code = app.exec()
            ws.close()
            ws = window.next_workspace
    return int(code)


@contextmanager
def _errors_in_status_bar(window: Callable[[], MainWindow | None]) -> Iterator[None]:
    """While the app runs, a VigtoolError no view caught (an edit refused in a read-only
    workspace, say) is its one line in the status bar, not a traceback on stderr."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        shown = window()
        if isinstance(exc, VigtoolError) and shown is not None:
            text = " ".join(str(exc).split())
            shown.say(text[:1].upper() + text[1:])
            return
        previous(kind, exc, tb)

    sys.excepthook = hook
    try:
        yield
    finally:
        sys.excepthook = previous


def _open_first(
    window: MainWindow, ws: Workspace, settings: QSettings, folder: Path,
    video: Path | None, recording_id: int | None,
) -> None:
    if video is not None:
        found = ws.library.find_recording_by_content(video) if video.is_file() else None
        if found is not None:
            window.open_recording(found.id)
        else:
            window.import_video(video, ask=False)
        return
    present = [r.id for r in ws.library.recordings() if r.status is RecordingStatus.PRESENT]
    if recording_id is None:
        last = settings.value(last_recording_key(folder))
        recording_id = int(str(last)) if last is not None else None
    if recording_id not in present and present:
        recording_id = max(present)  # the newest import: most likely what comes next
    if recording_id in present:
        window.open_recording(recording_id)


def run_review(workspace: Path, case_code: str, cycle: int | None) -> int:
    """``vigtool review``: open the shared review for one case and cycle on its own."""
    from vigtool.gui.review_window import ReviewWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    settings = QSettings()
    apply_theme(app, saved_theme(settings))
    from vigtool.gui.review_window import review_refusal

    set_program("the vigtool app")
    ws = open_workspace(workspace)
    if ws is None:
        return 0
    with ws:
        case = ws.caseload.case_by_code(case_code)
        refusal = review_refusal(ws, case.id)
        if refusal is not None:
            QMessageBox.information(None, "Shared Review", refusal[:1].upper() + refusal[1:])
            raise ConsentMissing(refusal)
        chosen = cycle if cycle is not None else latest_cycle(ws, case.id)
        vlc, _problem = load_vlc()
        window = ReviewWindow(ws, case.id, chosen, vlc)
        window.show()
        return int(app.exec())


def latest_cycle(ws: Workspace, case_id: int) -> int:
    cycles = [c.number for c in ws.caseload.cycles(case_id)]
    return max(cycles) if cycles else 1
