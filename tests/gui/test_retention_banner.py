"""Retention in the app: the start-up warning lists the cases that are due, opens their
purge, follows the workspace; the service's default period is set in the app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.gui.purge_dialog import PurgeDialog
from vigtool.gui.retention_banner import RetentionPeriodDialog
from vigtool.workspace import Workspace

from .windows import show_main_window


@pytest.fixture
def two_cases(tmp_path: Path, small_video: VideoTruth) -> Iterator[tuple[Workspace, int, int]]:
    """FAM-51 filmed today (due in two months) and FAM-52, whose date is long past."""
    ws = Workspace.open(tmp_path / "ws")
    ids = []
    for code in ("FAM-51", "FAM-52"):
        case = ws.add_case(code)
        ws.add_consent(case.id, kind="filming", given=True)
        ids.append(case.id)
    rec = ws.import_recording(ids[0], path=small_video.path, filmed_on=date.today().isoformat())
    copy = tmp_path / "second.mp4"
    copy.write_bytes(small_video.path.read_bytes() + b"\0")
    ws.import_recording(ids[1], path=copy, filmed_on=date.today().isoformat())
    ws.privacy.set_retention_until(ids[1], "2020-01-01")
    yield ws, rec.id, ids[1]
    ws.close()


def _texts(banner) -> str:  # type: ignore[no-untyped-def]
    return " ".join(label.text() for label in banner.findChildren(QLabel))


def test_start_up_warns_of_a_due_case_and_opens_its_purge(
    qtbot: QtBot, tmp_path: Path, two_cases: tuple[Workspace, int, int]
) -> None:
    ws, rec_id, due = two_cases
    win = show_main_window(qtbot, tmp_path, ws, rec_id)
    banner = win.retention_banner
    assert banner.isVisible()
    assert [code for code, _ in banner.due] == ["FAM-52"]
    words = _texts(banner)
    assert "The raw film of 1 case is due to be deleted (1 past the date)" in words
    assert "FAM-52: the raw film was due to be deleted on 2020-01-01" in words
    assert "FAM-51" not in words
    button = banner.findChild(QPushButton, f"retentionPurge-{due}")
    assert button is not None
    assert button.text() == "Delete Raw Film..."
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = win.findChild(PurgeDialog)
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.case_id == due
    dialog.reject()

    ws.privacy.set_retention_until(due, None)  # back to the default: two months away
    assert banner.due == []
    assert not banner.isVisible()
    ws.privacy.set_retention_until(due, "2020-01-01")
    assert banner.isVisible()
    qtbot.mouseClick(banner.hide_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    ws.privacy.set_retention_until(due, "2020-01-02")
    assert not banner.isVisible()  # hidden until the next start
    win.close()


def test_nothing_due_shows_no_banner(qtbot: QtBot, tmp_path: Path,
                                     two_cases: tuple[Workspace, int, int]) -> None:
    ws, rec_id, due = two_cases
    ws.privacy.set_retention_until(due, None)
    win = show_main_window(qtbot, tmp_path, ws, rec_id)
    assert not win.retention_banner.isVisible()
    win.close()


def test_the_default_period_is_set_in_the_app_and_kept_in_the_workspace(
    qtbot: QtBot, tmp_path: Path, two_cases: tuple[Workspace, int, int]
) -> None:
    ws, rec_id, due = two_cases
    ws.privacy.set_retention_until(due, None)
    win = show_main_window(qtbot, tmp_path, ws, rec_id)
    assert not win.retention_banner.isVisible()
    win.actions_by_id["app.retention"].trigger()
    dialog = win.findChild(RetentionPeriodDialog)
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.months.value() == 2
    dialog.months.setValue(1)
    dialog.accept()
    assert ws.privacy.retention_months == 1
    reopened = Workspace.open(tmp_path / "ws", read_only=True)  # what the CLI would read
    assert reopened.privacy.retention_months == 1
    reopened.close()
    assert "1 month(s)" in win.statusBar().currentMessage()
    win.close()
