"""What the shared review tests share: a prepared case, opening the window, reading it back."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from sample_clips.pattern import read_frame_number
from tests.gui.images import qimage_to_rgb
from vigtool.gui.review_window import ReviewWindow
from vigtool.gui.video_surface import VideoSurface
from vigtool.workspace import Workspace

Prepared = tuple[Workspace, int, list[int]]


@pytest.fixture
def prepared(tmp_path: Path, small_video: VideoTruth) -> Iterator[Prepared]:
    """Two chosen clips (frames 10-14 with a still at 12, then 30-35) and one not chosen."""
    ws = Workspace.open(tmp_path / "ws")
    case = ws.add_case("FAM-01", helping_question="How can I help him settle?")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=small_video.path)
    second = ws.add_moment(rec.id, start_frame=30, end_frame=35, title="Second",
                           selected_for_review=True, review_order=2, prompt="How did he respond?")
    ws.add_moment(rec.id, start_frame=0, end_frame=10, title="Not chosen")
    first = ws.add_moment(rec.id, start_frame=10, end_frame=14, title="First",
                          selected_for_review=True, review_order=1)
    ws.add_still(rec.id, frame=12, caption="A smile")
    yield ws, case.id, [first.id, second.id]
    ws.close()


def open_window(qtbot: QtBot, ws: Workspace, case_id: int, *,
                start_moment: int | None = None) -> ReviewWindow:
    """The review as F5 opens it: full screen (the offscreen screen's size)."""
    window = ReviewWindow(ws, case_id, 1, None, start_moment=start_moment)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)  # its keys work only then
    return window


def shown_picture(surface: VideoSurface) -> np.ndarray:
    """The picture as it is painted on screen, without the dark ground around it."""
    return qimage_to_rgb(surface.grab(surface.picture_rect()).toImage())


def shown_frame(surface: VideoSurface) -> int | None:
    if not surface.has_image():
        return None
    try:
        return read_frame_number(shown_picture(surface))
    except ValueError:
        return None


def band_over(picture: np.ndarray) -> bool:
    """A dark band (for words) over the bottom of the picture.

    The sample clips' bottom edge is mid-grey (72); under a band it is far darker.
    """
    bottom_left = picture[-4:, : max(4, picture.shape[1] // 20)]
    return float(bottom_left.mean()) < 48


def at_size(qtbot: QtBot, window: QWidget, width: int, height: int) -> None:
    """Out of full screen, at a laptop's or a monitor's size (the offscreen screen is small)."""
    window.showNormal()
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().toTuple() == (width, height), timeout=3000)
    settle(qtbot)


def settle(qtbot: QtBot) -> None:
    """Let layouts and style changes finish."""
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def wrapped_height(label: QLabel) -> int:
    """How tall the label's words are, wrapped at its width, in its letters (as QLabel lays
    them out: a text document without margins)."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setPlainText(label.text())
    document.setTextWidth(label.contentsRect().width())
    return math.ceil(document.size().height())


def unreadable(window: QWidget) -> list[str]:
    """Every visible control or words that are cut off, squeezed or outside the window."""
    problems = []
    inside = QRect(0, 0, window.width(), window.height())
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() == 0:
            continue
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, QPushButton | QLabel) and widget.text():
            name = f"{name} {widget.text()!r}"
        where = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        if not inside.contains(where):
            problems.append(f"{name} at {where.getRect()} is outside the window {inside.size()}")
            continue
        if isinstance(widget, QPushButton):
            hint = widget.sizeHint()
            if widget.width() < hint.width() or widget.height() < hint.height():
                problems.append(f"{name} is {widget.size().toTuple()}, needs {hint.toTuple()}")
        elif isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                needed = wrapped_height(widget)
                if widget.contentsRect().height() < needed:
                    problems.append(f"{name} is {widget.contentsRect().height()} high, "
                                    f"needs {needed}")
            elif widget.width() < widget.sizeHint().width():
                problems.append(f"{name} is {widget.width()} wide, needs "
                                f"{widget.sizeHint().width()}")
    return problems
