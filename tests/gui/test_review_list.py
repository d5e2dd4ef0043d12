"""The Review list: the chosen clips of a case's cycle, across its recordings, in review
order; dragged into order one undo step at a time; opening and previewing a clip.

Real workspace, real footage (two recordings in one cycle), real widgets offscreen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QDropEvent, QPalette
from pytestqt.qtbot import QtBot

from sample_clips.kinds import H264_BFRAMES, VideoTruth, make_video
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.main_window import MainWindow
from vigtool.gui.review_list import ReviewList
from vigtool.gui.review_list_rows import PICTURE_HEIGHT
from vigtool.gui.still_pictures import StillPictures
from vigtool.workspace import Workspace


@pytest.fixture(scope="module")
def other_video(tmp_path_factory: pytest.TempPathFactory) -> VideoTruth:
    """A second film of the same cycle (different content, so it imports as its own)."""
    return make_video(tmp_path_factory.mktemp("second") / "second.mp4", H264_BFRAMES, frames=40)


@dataclass
class Cycle:
    ws: Workspace
    first: int  # recording ids
    second: int
    smile: int  # moment ids, chosen in this order: smile, peekaboo, ball
    peekaboo: int
    ball: int
    unchosen: int


def _cycle(ws: Workspace, video: VideoTruth, other: VideoTruth) -> Cycle:
    case = ws.add_case("FAM-01", child_name="Maya", pronoun="she")
    ws.add_consent(case.id, kind="filming", given=True)
    ws.add_consent(case.id, kind="shared-review", given=True)
    first = ws.import_recording(case.id, cycle=1, path=video.path)
    second = ws.import_recording(case.id, cycle=1, path=other.path)
    smile = ws.add_moment(first.id, start_frame=5, end_frame=20, title="Shared smile",
                          strengths="You waited, and she smiled back.",
                          prompt="What did she do when you waited?")
    peekaboo = ws.add_moment(second.id, start_frame=3, end_frame=30, title="Peekaboo",
                             strengths="You and Maya took turns.")
    ball = ws.add_moment(first.id, start_frame=30, end_frame=50, title="The ball")
    unchosen = ws.add_moment(first.id, start_frame=52, end_frame=58, title="Not shown")
    for moment in (smile, peekaboo, ball):
        ws.annotations.choose_for_review(moment.id, True)
    ws.annotations.set_still(smile.id, 12)
    return Cycle(ws, first.id, second.id, smile.id, peekaboo.id, ball.id, unchosen.id)


@pytest.fixture
def listed(qtbot: QtBot, workspace: Workspace, small_video: VideoTruth,
           other_video: VideoTruth) -> Iterator[tuple[Cycle, ReviewList]]:
    cycle = _cycle(workspace, small_video, other_video)
    bridge = WorkspaceBridge(workspace)
    pictures = StillPictures(workspace)
    panel = ReviewList(bridge, pictures)
    qtbot.addWidget(panel)
    panel.resize(300, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_recording(cycle.first)
    yield cycle, panel
    panel.close()
    pictures.close()
    bridge.detach()


def _titles(panel: ReviewList) -> list[str]:
    return [f"{row.place}. {row.title}" for row in panel.rows]


def _drop(panel: ReviewList, source: int, before_row: int) -> None:
    """Drop row ``source`` at the top edge of row ``before_row``, as a drag would."""
    lst = panel.list
    lst.setCurrentRow(source)
    mime = lst.model().mimeData([lst.model().index(source, 0)])
    point = QPointF(QPoint(20, lst.visualRect(lst.model().index(before_row, 0)).top() + 3))
    event = QDropEvent(point, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    lst.dropEvent(event)


def test_it_lists_the_chosen_clips_of_the_cycle_across_recordings_in_order(
    listed: tuple[Cycle, ReviewList],
) -> None:
    cycle, panel = listed
    assert _titles(panel) == ["1. Shared smile", "2. Peekaboo", "3. The ball"]
    smile, peekaboo, ball = panel.rows
    assert (smile.recording_id, peekaboo.recording_id) == (cycle.first, cycle.second)
    assert smile.words == "You waited, and she smiled back."
    assert smile.question == "What did she do when you waited?"
    assert ball.question == "What do you notice here?"  # the review's own default
    assert (smile.pause_frame, smile.has_still) == (12, True)
    assert (ball.pause_frame, ball.has_still) == (50, False)
    assert "pauses on its last frame" in ball.pause
    assert "FAM-01 · cycle 1: 3 clips" in panel.heading.text()


def test_each_clip_shows_the_picture_it_pauses_on(
    qtbot: QtBot, listed: tuple[Cycle, ReviewList],
) -> None:
    _, panel = listed
    pictures = panel._pictures
    assert pictures is not None
    qtbot.waitUntil(lambda: all(
        pictures.picture(row.recording_id, row.pause_frame, PICTURE_HEIGHT) is not None
        for row in panel.rows), timeout=10_000)
    qtbot.wait(50)
    shot = panel.list.viewport().grab().toImage()
    first = panel.list.visualRect(panel.list.model().index(0, 0))
    placeholder = panel.list.palette().color(QPalette.ColorRole.Mid)
    middle = QPoint(first.left() + 8 + 48, first.top() + 8 + 20 + 27)  # inside the picture
    assert QColor(shot.pixel(middle)).rgb() != placeholder.rgb()


def test_dragging_a_clip_moves_it_in_one_undo_step(
    listed: tuple[Cycle, ReviewList],
) -> None:
    cycle, panel = listed
    _drop(panel, source=2, before_row=0)
    assert _titles(panel) == ["1. The ball", "2. Shared smile", "3. Peekaboo"]
    assert {m.review_order for m in cycle.ws.annotations.review_moments(1, 1)} == {1, 2, 3}
    assert cycle.ws.undo_name == "Reorder Review"
    assert panel.rows[panel.list.currentRow()].moment_id == cycle.ball

    _drop(panel, source=0, before_row=2)  # just before the last: second to last
    assert _titles(panel) == ["1. Shared smile", "2. The ball", "3. Peekaboo"]
    cycle.ws.undo()
    cycle.ws.undo()
    assert _titles(panel) == ["1. Shared smile", "2. Peekaboo", "3. The ball"]
    cycle.ws.redo()
    assert _titles(panel) == ["1. The ball", "2. Shared smile", "3. Peekaboo"]


def test_alt_down_moves_the_selected_clip_one_place_later(
    qtbot: QtBot, listed: tuple[Cycle, ReviewList],
) -> None:
    _, panel = listed
    panel.list.setCurrentRow(0)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert _titles(panel) == ["1. Peekaboo", "2. Shared smile", "3. The ball"]
    assert not panel.down_button.isEnabled() or panel.list.currentRow() == 1
    qtbot.mouseClick(panel.up_button, Qt.MouseButton.LeftButton)
    assert _titles(panel) == ["1. Shared smile", "2. Peekaboo", "3. The ball"]


def test_edits_made_elsewhere_show_up_at_once(listed: tuple[Cycle, ReviewList]) -> None:
    cycle, panel = listed
    ws = cycle.ws
    ws.update_moment(cycle.ball, strengths="You named the ball for her.")
    assert panel.rows[2].words == "You named the ball for her."
    ws.annotations.choose_for_review(cycle.unchosen, True)
    assert _titles(panel)[-1] == "4. Not shown"
    ws.annotations.choose_for_review(cycle.smile, False)
    assert _titles(panel) == ["1. Peekaboo", "2. The ball", "3. Not shown"]
    ws.undo()
    ws.undo()
    assert _titles(panel) == ["1. Shared smile", "2. Peekaboo", "3. The ball"]
    (still,) = ws.annotations.stills_in(ws.annotations.moment(cycle.smile))
    ws.annotations.delete_still(still.id)
    assert (panel.rows[0].pause_frame, panel.rows[0].has_still) == (20, False)


def test_a_cycle_with_nothing_chosen_says_what_to_do(
    qtbot: QtBot, listed: tuple[Cycle, ReviewList],
) -> None:
    cycle, panel = listed
    for moment_id in (cycle.smile, cycle.peekaboo, cycle.ball):
        cycle.ws.annotations.choose_for_review(moment_id, False)
    assert panel.rows == []
    assert "press R" in panel.note.text()
    assert not panel.preview_button.isEnabled()


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, small_video: VideoTruth,
           other_video: VideoTruth) -> Iterator[tuple[MainWindow, Cycle]]:
    ws = Workspace.open(tmp_path / "ws")
    cycle = _cycle(ws, small_video, other_video)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), None, "no VLC in this test",
                     settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.open_recording(cycle.first)
    yield win, cycle
    win.close()
    ws.close()


def test_selecting_a_clip_opens_its_recording_and_selects_the_moment(
    qtbot: QtBot, window: tuple[MainWindow, Cycle],
) -> None:
    win, cycle = window
    win.side_tabs.setCurrentWidget(win.review_list)
    assert win.side_tabs.tabText(1) == "Review (3)"
    win.review_list.list.setCurrentRow(1)  # Peekaboo, in the second recording
    assert win.recording_id == cycle.second
    assert win.tagger.selected == cycle.peekaboo
    assert win.inspector.moment_id == cycle.peekaboo
    assert win.player.frame == 3

    win.tagger.select(None)
    win.open_recording(cycle.first)
    win.tagger.select(cycle.ball)  # selected on the timeline: the list follows
    assert win.review_list.list.currentRow() == 2
    assert win.recording_id == cycle.first


def test_preview_from_here_plays_the_review_from_that_clip(
    qtbot: QtBot, window: tuple[MainWindow, Cycle],
) -> None:
    from vigtool.gui.review_window import ReviewWindow

    win, cycle = window
    win.review_list.list.setCurrentRow(2)
    qtbot.mouseClick(win.review_list.preview_button, Qt.MouseButton.LeftButton)
    review = win._review
    assert isinstance(review, ReviewWindow)
    current = review.current
    assert current is not None
    assert current.moment.id == cycle.ball
    review.close()
