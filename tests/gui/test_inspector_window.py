"""The inspector inside the real main window: the window's one-key shortcuts never
reach into its fields, and it fits a 1280x720 laptop (offscreen, silent player)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui.windows import show_main_window
from vigtool.gui.main_window import MainWindow
from vigtool.workspace import Workspace


@dataclass
class Window:
    win: MainWindow
    ws: Workspace
    moment_id: int


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, small_video: VideoTruth) -> Iterator[Window]:
    ws = Workspace.open(tmp_path / "ws")
    case = ws.add_case("FAM-01")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=small_video.path)
    moment = ws.add_moment(rec.id, start_frame=10, end_frame=40, title="Shared smile",
                           strengths="You waited, and she smiled back.")
    ws.add_moment(rec.id, start_frame=45, end_frame=55, title="Peekaboo")
    ws.annotations.choose_for_review(moment.id, True)
    win = show_main_window(qtbot, tmp_path, ws, rec.id)
    win.tagger.select(moment.id)
    yield Window(win, ws, moment.id)
    win.close()
    ws.close()


def _focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def _type_into_focus(qtbot: QtBot, text: str) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClicks(focused, text)


def test_return_in_the_question_and_order_boxes_never_touches_the_title(
    qtbot: QtBot, window: Window
) -> None:
    inspector, ws = window.win.inspector, window.ws
    line = inspector.prompt_box.lineEdit()
    assert line is not None
    _focus(qtbot, line)
    line.selectAll()
    qtbot.keyClicks(line, "What did she do next?")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert ws.annotations.moment(window.moment_id).prompt == "What did she do next?"
    assert not inspector.title_edit.hasFocus()
    _type_into_focus(qtbot, "Z")  # the next key lands where the practitioner is

    _focus(qtbot, inspector.review.order)
    qtbot.keyClick(inspector.review.order, Qt.Key.Key_Return)
    assert not inspector.title_edit.hasFocus()
    _type_into_focus(qtbot, "Z")

    inspector.commit_pending()
    assert ws.annotations.moment(window.moment_id).title == "Shared smile"
    assert window.win.tagger.selected == window.moment_id


def test_return_in_the_words_confirms_them_without_leaving(
    qtbot: QtBot, window: Window
) -> None:
    words = window.win.inspector.strengths_edit
    _focus(qtbot, words)
    words.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(words, " Lovely.")
    qtbot.keyClick(words, Qt.Key.Key_Return)
    assert window.ws.annotations.moment(window.moment_id).strengths == (
        "You waited, and she smiled back. Lovely.")
    assert words.hasFocus()
    assert "\n" not in words.toPlainText()


def test_tab_in_the_title_moves_to_the_next_field_not_the_next_moment(
    qtbot: QtBot, window: Window
) -> None:
    win = window.win
    qtbot.keyClick(win, Qt.Key.Key_Return)  # describe the selected moment
    assert win.inspector.title_edit.hasFocus()
    qtbot.keyClick(win.inspector.title_edit, Qt.Key.Key_Tab)
    assert win.tagger.selected == window.moment_id
    focused = QApplication.focusWidget()
    assert focused is not None
    assert win.inspector.isAncestorOf(focused)
    assert focused is not win.inspector.title_edit


def test_esc_in_the_title_cancels_the_edit_and_gives_the_keys_back(
    qtbot: QtBot, window: Window
) -> None:
    win = window.win
    qtbot.keyClick(win, Qt.Key.Key_Return)
    qtbot.keyClicks(win.inspector.title_edit, "Oops")
    qtbot.keyClick(win.inspector.title_edit, Qt.Key.Key_Escape)
    assert win.inspector.title_edit.text() == "Shared smile"
    assert window.ws.annotations.moment(window.moment_id).title == "Shared smile"
    assert not win.inspector.title_edit.hasFocus()
    frame = win.player.frame
    qtbot.keyClick(win, Qt.Key.Key_Right)  # the keys drive the player again
    assert win.player.frame == frame + 1


def test_the_inspector_fits_a_1280x720_laptop_without_scrolling(
    qtbot: QtBot, window: Window
) -> None:
    win = window.win
    assert win.main.sizes()[1] <= 0.3 * sum(win.main.sizes())  # the picture gets the height
    win.showNormal()
    win.resize(1280, 690)  # a maximised window under a title bar
    win.main.setSizes([10_000, 720 // 4])  # the timeline's share on a 720-pixel screen
    qtbot.waitUntil(lambda: win.height() == 690)
    qtbot.wait(50)
    inspector = win.inspector
    viewport = inspector.scroll_area.viewport()
    assert inspector.scroll_area.verticalScrollBar().value() == 0
    shown = viewport.rect()
    for widget in (inspector.title_edit, inspector.codes, inspector.strengths_edit,
                   inspector.prompt_box, inspector.review.check, inspector.review.order):
        where = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        assert shown.contains(where), f"{widget.accessibleName() or widget} is cut off"
    assert inspector.scroll_area.horizontalScrollBar().maximum() == 0
    bar = inspector.scroll_area.verticalScrollBar().sizeHint().width()
    assert inspector.content.minimumSizeHint().width() + bar <= inspector.minimumWidth()
