"""Start the desktop app: settings, theme, workspace, window, and a clean exit.

``run_gui`` returns the process exit code. Everything libvlc owns is released
before Python shuts down (it can crash otherwise).
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from vigtool import __version__
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.domain.records import RecordingStatus
from vigtool.errors import VigtoolError
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
from vigtool.workspace import Workspace


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
    vlc, problem = load_vlc()
    folder: Path | None = workspace or last_workspace(settings)
    code = 0
    while folder is not None:
        try:
            ws = Workspace.open(folder)
        except VigtoolError as exc:
            QMessageBox.critical(None, "vigtool", str(exc))
            return 2
        remember_workspace(settings, folder)
        window = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), vlc, problem, settings)
        window.recordingOpened.connect(partial(settings.setValue, last_recording_key(folder)))
        startup_probe.install(window.surface)
        window.show()
        _open_first(window, ws, settings, folder, video, recording_id)
        video = recording_id = None
        if quit_after_ms is not None:
            QTimer.singleShot(quit_after_ms, window.close)
        code = app.exec()
        ws.close()
        folder = window.switch_to
    return int(code)


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
    with Workspace.open(workspace) as ws:
        case = ws.caseload.case_by_code(case_code)
        chosen = cycle if cycle is not None else latest_cycle(ws, case.id)
        vlc, _problem = load_vlc()
        window = ReviewWindow(ws, case.id, chosen, vlc)
        window.show()
        return int(app.exec())


def latest_cycle(ws: Workspace, case_id: int) -> int:
    cycles = [c.number for c in ws.caseload.cycles(case_id)]
    return max(cycles) if cycles else 1
