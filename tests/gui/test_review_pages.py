"""Every page of the shared review reads whole at 1280x720 and 1920x1080, and is saved as a
screenshot (artifacts/review-<page>-<size>.png) for a person to look at.

Uses the demo family (a parent and baby, a ball): each clip paused on its question, the
gallery, the closing page, presenter mode, and an empty review.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from tests.gui.review_setup import at_size, settle, unreadable
from vigtool.demo import DEMO_CASE, build_demo
from vigtool.gui.review_gallery import has_thumbnail
from vigtool.gui.review_window import ReviewWindow
from vigtool.workspace import Workspace

ARTIFACTS = Path(os.environ.get("VIGTOOL_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "artifacts"))
SIZES = ((1280, 720), (1920, 1080))
LONG_QUESTION = ("When he babbled and you answered him, what did he do next, and how did you "
                 "know he wanted to keep the conversation going?")
CAPTIONS = ("You looked at each other, and he smiled back at you.",
            "He showed you the ball, and you saw it too.",
            "Taking turns, like a little conversation.")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo family, with a still and a caption on each clip and a longer question."""
    root = tmp_path_factory.mktemp("review-pages") / "demo"
    build_demo(root)
    with Workspace.open(root) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        moments = ws.annotations.review_moments(case.id, 1)
        for moment, caption in zip(moments, CAPTIONS, strict=False):
            middle = (moment.start_frame + moment.end_frame) // 2
            still = ws.annotations.set_still(moment.id, middle)
            ws.annotations.update_still(still.id, caption=caption)
        ws.update_moment(moments[1].id, prompt=LONG_QUESTION)
        ws.add_reflection(case.id, cycle=1, moment_id=moments[0].id,
                          text="He was really listening to me, and he waited for me to answer")
        ws.add_goal(case.id, cycle=1, text="Wait for his reply, and answer his sounds")
        ws.add_case("EMPTY-01", helping_question="How can we enjoy bath time together?")
    return root


@pytest.fixture
def demo_ws(demo: Path) -> Iterator[Workspace]:
    ws = Workspace.open(demo)
    yield ws
    ws.close()


def _shoot(qtbot: QtBot, window: ReviewWindow, page: str, size: tuple[int, int],
           ready: Callable[[], bool] = lambda: True) -> None:
    qtbot.waitUntil(ready, timeout=8000)
    settle(qtbot)
    assert unreadable(window) == [], f"on the {page} page at {size}"
    ARTIFACTS.mkdir(exist_ok=True)
    name = ARTIFACTS / f"review-{page}-{size[0]}x{size[1]}.png"
    assert window.grab().save(str(name))


def _picture_shown(window: ReviewWindow) -> bool:
    return window.stage.surface.has_image()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_reads_whole_and_is_saved(
    qtbot: QtBot, demo_ws: Workspace, size: tuple[int, int]
) -> None:
    case = demo_ws.caseload.case_by_code(DEMO_CASE)
    window = ReviewWindow(demo_ws, case.id, 1, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    at_size(qtbot, window, *size)
    for number in range(1, len(window.plan) + 1):
        window.go(number - 1)
        window.stop_on_question()
        item = window.plan[number - 1]
        _shoot(qtbot, window, f"clip{number}", size,
               lambda i=item: window.player.frame == i.pause_frame and _picture_shown(window))
        band = window.stage.question_band
        surface = window.stage.surface
        picture = surface.picture_rect().translated(surface.mapTo(window, surface.rect().topLeft()))
        words = QRect(band.mapTo(window, band.rect().topLeft()), band.size())
        assert words.top() > picture.bottom(), "the question overlaps the picture"
    window.show_gallery()
    strip = window.gallery.strip
    _shoot(qtbot, window, "gallery", size,
           lambda: all(has_thumbnail(strip.item(row)) for row in range(strip.count())))
    window.show_closing()
    _shoot(qtbot, window, "closing", size)
    window.go(0)
    window.stop_on_question()
    window.set_presenter(True)
    _shoot(qtbot, window, "presenter", size, lambda: _picture_shown(window))
    window.close()

    empty = ReviewWindow(demo_ws, demo_ws.caseload.case_by_code("EMPTY-01").id, 1, None)
    qtbot.addWidget(empty)
    empty.show()
    qtbot.waitExposed(empty)
    at_size(qtbot, empty, *size)
    _shoot(qtbot, empty, "empty", size)
    empty.close()
