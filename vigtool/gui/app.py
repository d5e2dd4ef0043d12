"""Start the desktop app: settings, theme, workspace, window, and a clean exit.

``run_gui`` returns the process exit code. Everything libvlc owns is released
before Python shuts down (it can crash otherwise).
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_data_path
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from vigtool import __version__
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.errors import VigtoolError
from vigtool.gui.main_window import MainWindow
from vigtool.gui.theme import apply_theme
from vigtool.gui.vlc_player import load_vlc
from vigtool.workspace import Workspace

ORGANISATION = "vigtool"
APPLICATION = "vigtool"
RECENT_LIMIT = 8


def default_workspace() -> Path:
    return user_data_path(APPLICATION) / "workspace"


def recent_workspaces(settings: QSettings) -> list[str]:
    value = settings.value("recent_workspaces", [])
    if isinstance(value, str):  # QSettings gives a lone string for a one-item list
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def remember_workspace(settings: QSettings, folder: Path) -> None:
    recent = [str(folder)] + [f for f in recent_workspaces(settings) if f != str(folder)]
    settings.setValue("recent_workspaces", recent[:RECENT_LIMIT])
    settings.setValue("last_workspace", str(folder))


def run_gui(
    workspace: Path | None = None,
    video: Path | None = None,
    *,
    recording_id: int | None = None,
    quit_after_ms: int | None = None,
) -> int:
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    settings = QSettings()
    apply_theme(app, "dark" if settings.value("theme", "light") == "dark" else "light")

    folder = workspace or Path(str(settings.value("last_workspace", "") or default_workspace()))
    try:
        ws = Workspace.open(folder)
    except VigtoolError as exc:
        QMessageBox.critical(None, "vigtool", str(exc))
        return 2
    remember_workspace(settings, folder)
    vlc, problem = load_vlc()
    window = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), vlc, problem, settings)
    window.show()
    if video is not None:
        found = ws.find_recording_by_content(video) if video.is_file() else None
        if found is not None:
            window.open_recording(found.id)
        else:
            window.import_video(video, ask=False)
    elif recording_id is not None:
        window.open_recording(recording_id)
    else:
        last = settings.value("last_recording")
        recordings = {r.id for r in ws.recordings()}
        if last is not None and int(last) in recordings:
            window.open_recording(int(last))
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    code = app.exec()
    ws.close()
    return int(code)
