"""The export dialog's "Replay each clip" choice: read in plain words, it becomes the
request's replay, only where clips are made, and is remembered for the workspace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from vigtool.gui.export_dialog import ExportDialog

CLIPS = "Clips chosen for the review (MP4 with sound)"
REEL = "One highlight film of the chosen clips"
SESSION = "Everything for this session (clips, highlight film, stills, summary)"


def _dialog(qtbot: QtBot, tmp_path: Path, settings: QSettings | None = None) -> ExportDialog:
    dialog = ExportDialog(tmp_path / "ws" / "exports" / "FAM_01-c2", "FAM 01", 2,
                          settings=settings or QSettings(str(tmp_path / "s.ini"),
                                                         QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    return dialog


def _pick(dialog: ExportDialog, make: str, replay: str | None = None) -> None:
    dialog.what.setCurrentIndex(dialog.what.findText(make))
    assert dialog.what.currentText() == make
    if replay is not None:
        dialog.replay.setCurrentIndex(dialog.replay.findText(replay))
        assert dialog.replay.currentText() == replay


def test_each_replay_choice_becomes_the_requests_replay(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path)
    _pick(dialog, CLIPS)
    assert dialog.replay.currentText() == "No replay"
    assert (dialog.request(7).replay, dialog.request(7).replay_sound) == ("none", "silent")
    for words, wanted in (
        ("Again at half speed, silent", ("slow", "silent")),
        ("Again at half speed, with its sound", ("slow", "pitch-kept")),
        ("Hold its still for 3 seconds", ("freeze", "silent")),
    ):
        _pick(dialog, CLIPS, words)
        request = dialog.request(7)
        assert (request.replay, request.replay_sound, request.freeze_ms) == (*wanted, 3000)
        assert request.cut_options().replay == wanted[0]
    _pick(dialog, SESSION)
    assert dialog.replay.isEnabled()
    assert dialog.request(7).replay == "freeze"
    _pick(dialog, REEL)  # the highlight film shows each moment once
    assert not dialog.replay.isEnabled()
    assert (dialog.request(7).replay, dialog.request(7).replay_sound) == ("none", "silent")


def test_the_replay_choice_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = _dialog(qtbot, tmp_path, settings)
    _pick(dialog, CLIPS, "Again at half speed, with its sound")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.accept()
    settings.sync()
    again = _dialog(qtbot, tmp_path, settings)
    assert again.replay.currentText() == "Again at half speed, with its sound"
