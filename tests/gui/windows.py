"""The real main window on a real workspace, shown offscreen without VLC, for GUI tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.gui.main_window import MainWindow
from vigtool.workspace import Workspace


def show_main_window(qtbot: QtBot, tmp_path: Path, ws: Workspace, recording_id: int
                     ) -> MainWindow:
    """The window on ``ws`` with ``recording_id`` open, settings kept in ``tmp_path``.
    The caller closes the window (then the workspace)."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), None, "no VLC in this test",
                     settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.open_recording(recording_id)
    return win
