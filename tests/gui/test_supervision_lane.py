"""The Supervision lane in the real main window: comments as pins and bars with their reply
counts, a click opens the thread and moves the playhead, Comment (Shift+C) starts one where
the practitioner is, and a supervisor's moments are hatched and read-only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from sample_clips.kinds import H264_BFRAMES, make_video
from tests.gui import supervision_setup
from tests.gui.images import qimage_to_rgb
from tests.gui.supervision_setup import (
    SIZES,
    SUPERVISOR,
    Supervised,
    demo_with_supervision,
    shoot,
)
from tests.gui.windows import show_main_window
from vigtool.demo import DEMO_CASE
from vigtool.gui.main_window import MainWindow
from vigtool.gui.timeline_geometry import LaneKind
from vigtool.workspace import Workspace

supervised = supervision_setup.supervised  # the fixture, shared with the other supervision tests
light_theme = supervision_setup.light_theme  # the fixture, shared with the other supervision tests


@pytest.fixture
def win(qtbot: QtBot, tmp_path: Path, supervised: Supervised) -> Iterator[MainWindow]:
    window = show_main_window(qtbot, tmp_path, supervised.ws, supervised.recording_id)
    yield window
    window.close()


def _lane_point(win: MainWindow, frame: int) -> QPoint:
    lane = win.timeline._lane(LaneKind.SUPERVISION)
    assert lane is not None
    x = (win.timeline.frame_x(frame) + win.timeline.frame_x(frame + 1)) / 2
    return QPoint(round(x), lane.top + lane.height // 2)


def test_the_lane_shows_each_comment_with_its_replies(win: MainWindow,
                                                      supervised: Supervised) -> None:
    marks = {m.comment_id: m for m in win.timeline.comments.marks}
    assert set(marks) == {supervised.pin, supervised.span}  # replies are not marks
    assert (marks[supervised.pin].pin, marks[supervised.pin].replies) == (True, 2)
    assert (marks[supervised.span].pin, marks[supervised.span].replies) == (False, 0)
    assert win.right_tabs.tabText(win.right_tabs.indexOf(win.comments_panel)) == "Comments (2)"
    tip = win.timeline.comments.tooltip(win.timeline._vp,
                                        win.timeline._lane(LaneKind.SUPERVISION),
                                        _lane_point(win, 12).x() - 120)
    assert SUPERVISOR in tip
    assert "frame 12" in tip
    assert "2 replies" in tip


def test_clicking_a_comment_opens_its_thread_and_moves_the_playhead(
    qtbot: QtBot, win: MainWindow, supervised: Supervised
) -> None:
    qtbot.mouseClick(win.timeline, Qt.MouseButton.LeftButton, pos=_lane_point(win, 35))
    assert win.right_tabs.currentWidget() is win.comments_panel
    assert win.comments_panel.thread_id == supervised.span
    assert win.player.frame == 30  # the span's first frame
    assert win.timeline.comments.selected == supervised.span
    qtbot.mouseClick(win.timeline, Qt.MouseButton.LeftButton, pos=_lane_point(win, 12))
    assert win.comments_panel.thread_id == supervised.pin
    assert [c.comment.text for c in win.comments_panel.cards] == [
        "She looks back here.", "I saw it too.", "Pause on it."]
    assert win.player.frame == 12


def test_choosing_a_comment_in_the_panel_moves_the_playhead(
    qtbot: QtBot, win: MainWindow, supervised: Supervised
) -> None:
    panel = win.comments_panel
    item = next(panel.list.item(i) for i in range(panel.list.count())
                if "A long chain" in panel.list.item(i).text())
    panel.list.itemClicked.emit(item)
    assert win.player.frame == 30
    assert win.timeline.comments.selected == supervised.span


def test_no_comments_no_lane_until_one_is_added(
    qtbot: QtBot, tmp_path: Path, workspace: Workspace, small_video
) -> None:
    case = workspace.add_case("FAM-22")
    workspace.add_consent(case.id, kind="filming", given=True)
    rec = workspace.import_recording(case.id, path=small_video.path)
    window = show_main_window(qtbot, tmp_path, workspace, rec.id)
    try:
        assert window.timeline._lane(LaneKind.SUPERVISION) is None
        workspace.supervision.add_comment(rec.id, start_frame=5, text="Here")
        assert window.timeline._lane(LaneKind.SUPERVISION) is not None
        workspace.undo()
        assert window.timeline._lane(LaneKind.SUPERVISION) is None
    finally:
        window.close()


def _comment_keys(qtbot: QtBot, win: MainWindow, text: str) -> None:
    qtbot.keyClick(win, Qt.Key.Key_C, Qt.KeyboardModifier.ShiftModifier)
    box = win.comments_panel.compose
    assert box.hasFocus()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_shift_c_comments_on_the_frame_under_the_playhead(
    qtbot: QtBot, win: MainWindow, supervised: Supervised
) -> None:
    win.tagger.select(None)
    win._seek_paused(50)
    win.setFocus()
    _comment_keys(qtbot, win, "Wait here")
    made = [c for c in supervised.ws.supervision.comments(supervised.recording_id)
            if c.text == "Wait here"]
    assert [(c.start_frame, c.end_frame, c.parent_id) for c in made] == [(50, 50, None)]
    assert win.comments_panel.thread_id == made[0].id
    assert supervised.ws.undo_name == "Add Comment"


def test_shift_c_comments_on_the_selected_moment_or_from_the_in_mark(
    qtbot: QtBot, win: MainWindow, supervised: Supervised
) -> None:
    win.tagger.select(supervised.own_moment)
    win.setFocus()
    _comment_keys(qtbot, win, "On the moment")
    win.tagger.select(None)
    win._seek_paused(20)
    win.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_I)
    win._seek_paused(28)
    _comment_keys(qtbot, win, "From the mark")
    spans = {c.text: (c.start_frame, c.end_frame)
             for c in supervised.ws.supervision.comments(supervised.recording_id)}
    assert spans["On the moment"] == (10, 25)
    assert spans["From the mark"] == (20, 27)  # O's rule: up to the frame before the playhead


def test_a_supervisors_moment_is_read_only_here(
    qtbot: QtBot, win: MainWindow, supervised: Supervised
) -> None:
    win.tagger.select(supervised.locked_moment)
    off = ("tag.trim_start", "tag.trim_end", "tag.still", "tag.review", "moment.delete",
           "code.being-attentive")
    assert [a for a in off if win.actions_by_id[a].isEnabled()] == []
    assert win.inspector.lock_note.isVisibleTo(win.inspector)
    assert SUPERVISOR in win.inspector.lock_note.text()
    assert win.inspector.title_edit.isReadOnly()
    assert not win.inspector.codes.isEnabled()
    qtbot.keyClick(win, Qt.Key.Key_Delete)  # nothing happens to it
    assert supervised.ws.annotations.moment(supervised.locked_moment).title == "Theirs"
    win.tagger.select(supervised.own_moment)
    assert all(win.actions_by_id[a].isEnabled() for a in off)
    assert not win.inspector.lock_note.isVisibleTo(win.inspector)
    assert not win.inspector.title_edit.isReadOnly()


def test_a_supervisors_moment_cannot_be_dragged_and_says_who_coded_it(
    qtbot: QtBot, win: MainWindow, supervised: Supervised
) -> None:
    timeline = win.timeline
    lane = next(lane for lane in timeline._lanes if lane.key == "guidance")
    edge = QPoint(round(timeline.frame_x(46)) - 1, lane.top + lane.height // 2)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=edge)
    assert timeline._drag is None
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=edge)
    assert win.tagger.selected == supervised.locked_moment
    middle = QPoint(round(timeline.frame_x(38)), edge.y())
    assert f"Coded by {SUPERVISOR}" in timeline._tooltip(middle)


def test_a_supervisors_moment_is_drawn_hatched(
    qtbot: QtBot, win: MainWindow, supervised: Supervised
) -> None:
    timeline = win.timeline
    lane = next(lane for lane in timeline._lanes if lane.key == "guidance")
    x0, x1 = round(timeline.frame_x(31)), round(timeline.frame_x(45))

    def block() -> np.ndarray:
        image = qimage_to_rgb(timeline.grab().toImage())
        return image[lane.top + 8:lane.bottom - 8, x0:x1].astype(int)

    win.tagger.select(None)
    hatched = block()
    moments = supervised.ws.annotations.moments(supervised.recording_id)
    timeline.set_moments([replace(m, locked=False) for m in moments])
    plain = block()
    assert np.abs(hatched - plain).max() > 40  # the hatch's dark lines
    timeline.set_moments(moments)
    assert np.array_equal(block(), hatched)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.usefixtures("light_theme")
def test_screenshot_of_the_lane_with_a_thread_open(
    qtbot: QtBot, tmp_path: Path, size: tuple[int, int]
) -> None:
    review = make_video(tmp_path / "review", H264_BFRAMES, frames=300)
    demo_with_supervision(tmp_path / "demo", review.path)
    ws = Workspace.open(tmp_path / "demo")
    film = next(r for r in ws.library.recordings() if r.kind == "family")
    window = show_main_window(qtbot, tmp_path, ws, film.id)
    try:
        first = ws.supervision.threads(film.id)[0][0]
        window.show_comment(first.id)
        path = shoot(qtbot, window, "supervision-lane", size)
        assert path.stat().st_size > 10_000
        assert window.comments_panel.cards[0].isVisible()
        assert ws.caseload.case_by_code(DEMO_CASE).id == film.case_id
    finally:
        window.close()
        ws.close()
