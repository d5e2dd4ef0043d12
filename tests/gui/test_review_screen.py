"""The shared review on the screen: full screen where the app is, presenter mode on one
screen, a practitioner's panel that keeps its width, and no second-screen trap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui import review_setup
from tests.gui.review_setup import (
    Prepared,
    at_size,
    open_window,
    settle,
    shown_frame,
    unreadable,
)
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.gui.main_window import MainWindow
from vigtool.gui.review_keys import help_lines
from vigtool.gui.review_notes import ONE_SCREEN_TIP
from vigtool.gui.review_window import ReviewWindow, notes_width
from vigtool.workspace import Workspace

prepared = review_setup.prepared  # the fixture, shared with the other review tests


def test_opens_full_screen_on_the_screen_it_is_given_and_esc_leaves_it(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, _ = prepared
    screen = QGuiApplication.screens()[-1]
    window = ReviewWindow(ws, case_id, 1, None, screen=screen)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.geometry() == screen.geometry(), timeout=3000)
    assert window.isFullScreen()
    assert window.screen() is screen
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=3000)
    assert screen.availableGeometry().contains(window.geometry())
    window.close()


@pytest.fixture
def main_window(qtbot: QtBot, tmp_path: Path,
                small_video: VideoTruth) -> Iterator[tuple[MainWindow, Workspace, list[int]]]:
    ws = Workspace.open(tmp_path / "ws")
    case = ws.add_case("FAM-01")
    ws.add_consent(case.id, kind="filming", given=True)
    ws.add_consent(case.id, kind="shared-review", given=True)
    rec = ws.import_recording(case.id, path=small_video.path)
    chosen = [ws.add_moment(rec.id, start_frame=s, end_frame=s + 4, title=f"Clip at {s}",
                            selected_for_review=True).id for s in (5, 20, 40)]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), None, "no VLC in this test",
                     settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.open_recording(rec.id)
    yield win, ws, chosen
    win.close()
    ws.close()


def test_f5_opens_the_review_full_screen_on_the_main_windows_screen_at_clip_1(
    qtbot: QtBot, main_window: tuple[MainWindow, Workspace, list[int]]
) -> None:
    win, _ws, chosen = main_window
    win.actions_by_id["app.review"].trigger()  # what F5 does
    review = win._review
    assert isinstance(review, ReviewWindow)
    qtbot.waitExposed(review)
    assert review.isFullScreen()
    assert review.screen() is win.screen()
    assert review.notes.moment_id == chosen[0]
    win.open_review(start_moment=chosen[2])  # from the review list: that clip, same window
    assert win._review is review
    assert review.notes.moment_id == chosen[2]
    review.close()
    qtbot.waitUntil(lambda: win._review is None, timeout=3000)
    win.open_review(chosen[1])
    assert isinstance(win._review, ReviewWindow)
    assert win._review.stage.title.text() == "Clip at 20"
    win._review.close()


def test_presenter_mode_hides_the_notes_and_brings_them_back(
    qtbot: QtBot, prepared: Prepared
) -> None:

    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    at_size(qtbot, window, 1280, 720)
    window.stop_on_question()
    settle(qtbot)
    play_height = window.stage.play_button.height()
    assert any("F6" in line and "notes" in line for line in help_lines())
    assert "F6" in window.notes.presenter_button.text() + window.notes.keys.text()
    window.notes.words.setFocus()  # the practitioner was typing: F6 still works
    qtbot.keyClick(window.notes.words, Qt.Key.Key_F6)
    settle(qtbot)
    assert window.presenter
    assert not window.notes.isVisible()
    assert window.stage.width() == window.width()  # the picture, question and controls only
    assert window.stage.question_band.isVisible()
    assert window.stage.question != ""
    assert window.stage.play_button.height() > play_height, "the controls are not larger"
    assert unreadable(window) == []
    qtbot.keyClick(window, Qt.Key.Key_Right)  # keys still work with the notes hidden
    assert window.player.frame == 13
    qtbot.keyClick(window, Qt.Key.Key_F6)
    settle(qtbot)
    assert not window.presenter
    assert window.notes.isVisible()
    assert window.notes.width() == notes_width(1280)
    window.close()


def test_the_panel_keeps_one_width_between_clips(qtbot: QtBot, prepared: Prepared) -> None:
    ws, case_id, chosen = prepared
    ws.update_moment(chosen[1], title="A much longer title for the second clip, that wraps "
                     "over more than one line in the practitioner's panel",
                     strengths="You waited while he looked at the ball, and then you named it "
                     "for him; he looked back at you and smiled. " * 2)
    window = open_window(qtbot, ws, case_id)
    at_size(qtbot, window, 1280, 720)
    widths = {window.notes.width()}
    for page in (lambda: window.go(1), window.show_gallery, window.show_closing,
                 lambda: window.go(0)):
        page()
        settle(qtbot)
        widths.add(window.notes.width())
    assert widths == {notes_width(1280)}
    window.close()


def test_second_screen_is_offered_only_when_there_is_one(qtbot: QtBot, prepared: Prepared) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    assert len(QGuiApplication.screens()) == 1  # the offscreen platform has one
    button = window.notes.screen_button
    assert not button.isEnabled()
    assert button.toolTip() == ONE_SCREEN_TIP
    button.click()  # a disabled button does nothing: the notes stay, nothing covers them
    assert window._stage_window is None
    assert window.notes.isVisible()
    window.set_second_screen(True)  # asked for anyway: nowhere to go, nothing changes
    assert window._stage_window is None
    window.close()


def test_a_paused_clip_shows_its_frame_in_full_screen(qtbot: QtBot, prepared: Prepared) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    assert window.isFullScreen()
    window.stop_on_question()
    qtbot.waitUntil(lambda: shown_frame(window.stage.surface) == 12, timeout=5000)
    window.close()


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768), (1440, 900), (1920, 1080)],
                         ids=["1280x720", "1366x768", "1440x900", "1920x1080"])
def test_the_controls_read_whole_at_every_laptop_and_monitor_size(
    qtbot: QtBot, prepared: Prepared, size: tuple[int, int]
) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    at_size(qtbot, window, *size)
    assert unreadable(window) == []
    for presenter in (True, False):
        window.set_presenter(presenter)
        settle(qtbot)
        assert unreadable(window) == [], f"presenter mode {presenter}"
    window.close()
