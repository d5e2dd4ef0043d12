"""Preparing a review from the keyboard in the real main window (offscreen, silent
player): the moment's still (S, Shift+S) and keyboard trim (Shift+I, Shift+O),
each checked in the workspace, on the timeline, and through undo and redo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui.windows import show_main_window
from vigtool.gui.main_window import MainWindow
from vigtool.gui.menus import MENUS
from vigtool.gui.timeline_geometry import UNTAGGED_KEY, layout_lanes
from vigtool.workspace import Workspace

NO = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> Iterator[tuple[MainWindow, Workspace, int]]:
    ws = Workspace.open(tmp_path / "ws")
    case = ws.add_case("FAM-01")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=small_video.path)
    win = show_main_window(qtbot, tmp_path, ws, rec.id)
    yield win, ws, rec.id
    win.close()
    ws.close()


def _press(qtbot: QtBot, win: MainWindow, key: Qt.Key, times: int = 1,
           modifier: Qt.KeyboardModifier = NO) -> None:
    for _ in range(times):
        qtbot.keyClick(win, key, modifier)


def _said(win: MainWindow) -> str:
    return win.statusBar().currentMessage()


def test_s_keeps_the_frame_under_the_playhead_as_the_still_and_shift_s_removes_it(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    moment = ws.add_moment(rec_id, start_frame=10, end_frame=40, title="She reaches")
    _press(qtbot, win, Qt.Key.Key_Tab)  # selects it, playhead on its first frame
    _press(qtbot, win, Qt.Key.Key_Right, 5)
    _press(qtbot, win, Qt.Key.Key_S)
    assert [s.frame for s in ws.annotations.stills_in(moment)] == [15]
    assert win.timeline.shown_stills() == (15,)
    assert "Still kept: frame 15" in _said(win)
    assert win.actions_by_id["edit.undo"].text() == "Undo Set Still"

    _press(qtbot, win, Qt.Key.Key_Right, 10)
    _press(qtbot, win, Qt.Key.Key_S)  # a moment has one still: it moves
    assert [s.frame for s in ws.annotations.stills_in(moment)] == [25]
    _press(qtbot, win, Qt.Key.Key_Z, modifier=CTRL)
    assert [s.frame for s in ws.annotations.stills_in(moment)] == [15]
    assert win.timeline.shown_stills() == (15,)
    _press(qtbot, win, Qt.Key.Key_Z, modifier=CTRL | SHIFT)
    assert win.timeline.shown_stills() == (25,)

    _press(qtbot, win, Qt.Key.Key_S, modifier=SHIFT)
    assert ws.annotations.stills_in(moment) == []
    assert win.timeline.shown_stills() == ()
    assert "removed" in _said(win)
    _press(qtbot, win, Qt.Key.Key_Z, modifier=CTRL)
    assert win.timeline.shown_stills() == (25,)


def test_a_still_needs_a_selected_moment_and_the_playhead_inside_it(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    moment = ws.add_moment(rec_id, start_frame=10, end_frame=40)
    _press(qtbot, win, Qt.Key.Key_S)
    assert "Select a moment" in _said(win)
    _press(qtbot, win, Qt.Key.Key_Tab)
    _press(qtbot, win, Qt.Key.Key_End)
    _press(qtbot, win, Qt.Key.Key_S)
    assert "outside the selected moment (frames 10-40)" in _said(win)
    _press(qtbot, win, Qt.Key.Key_S, modifier=SHIFT)
    assert "has no still" in _said(win)
    assert ws.annotations.stills_in(moment) == []
    assert ws.undo_name == "Add Moment"


def test_shift_i_and_shift_o_trim_the_selected_moment_to_the_playhead(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    moment = ws.add_moment(rec_id, start_frame=10, end_frame=40)
    _press(qtbot, win, Qt.Key.Key_Tab)
    _press(qtbot, win, Qt.Key.Key_Right, 5)
    _press(qtbot, win, Qt.Key.Key_I, modifier=SHIFT)
    trimmed = ws.annotations.moment(moment.id)
    assert (trimmed.start_frame, trimmed.end_frame) == (15, 40)
    assert win.actions_by_id["edit.undo"].text() == "Undo Trim Moment"
    assert win.timeline.shown_moments()[0].start_frame == 15

    _press(qtbot, win, Qt.Key.Key_Right, 10)
    _press(qtbot, win, Qt.Key.Key_O, modifier=SHIFT)  # stops just before the playhead, like O
    trimmed = ws.annotations.moment(moment.id)
    assert (trimmed.start_frame, trimmed.end_frame) == (15, 24)
    assert "frames 15-24 (10 frames)" in _said(win)
    assert win.tagger.mark_in is None  # Shift+I is not I: no pending mark

    _press(qtbot, win, Qt.Key.Key_Home)
    _press(qtbot, win, Qt.Key.Key_O, modifier=SHIFT)
    assert "would end before it starts" in _said(win)
    _press(qtbot, win, Qt.Key.Key_End)
    _press(qtbot, win, Qt.Key.Key_I, modifier=SHIFT)
    assert "would start after it ends" in _said(win)
    assert ws.annotations.moment(moment.id) == trimmed

    _press(qtbot, win, Qt.Key.Key_Z, 2, modifier=CTRL)  # each trim was one step
    restored = ws.annotations.moment(moment.id)
    assert (restored.start_frame, restored.end_frame) == (10, 40)


def test_trimming_needs_a_selected_moment(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    moment = ws.add_moment(rec_id, start_frame=10, end_frame=40)
    _press(qtbot, win, Qt.Key.Key_Right, 30)
    _press(qtbot, win, Qt.Key.Key_I, modifier=SHIFT)
    assert "Select a moment" in _said(win)
    assert ws.annotations.moment(moment.id) == moment


def test_the_new_commands_are_in_the_tag_menu_with_their_keys(
    window: tuple[MainWindow, Workspace, int]
) -> None:
    win, _, _ = window
    for action_id, key in (("tag.still", "S"), ("tag.remove_still", "Shift+S"),
                           ("tag.trim_start", "Shift+I"), ("tag.trim_end", "Shift+O")):
        assert action_id in MENUS["Tag"]
        assert win.actions_by_id[action_id].shortcut().toString() == key
    assert win.actions_by_id["tag.still"].text() == "Keep This Frame as the Still"


def test_dragging_an_edge_shows_the_frame_it_trims_to(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    moment = ws.add_moment(rec_id, start_frame=20, end_frame=40)
    timeline = win.timeline
    timeline.zoom_to_frames(1 / 8)
    win.player.seek(30)  # following brings the moment into view
    lanes = layout_lanes(timeline.height(), [(g.id, g.label) for g in win.codebook.groups],
                         empty={g.id for g in win.codebook.groups})
    lane = next(lane for lane in lanes if lane.key == UNTAGGED_KEY)
    y = lane.top + lane.height // 2
    edge = round(timeline.frame_x(41))  # where frame 40 ends
    step = timeline.frame_x(42) - timeline.frame_x(41)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(edge - 1, y))
    qtbot.mouseMove(timeline, QPoint(edge - 1 + round(4 * step), y))
    assert win.player.frame == 44  # the picture is the moment's new last frame
    qtbot.mouseMove(timeline, QPoint(edge - 1 - round(6 * step), y))
    assert win.player.frame == 34
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton,
                       pos=QPoint(edge - 1 - round(6 * step), y))
    assert ws.annotations.moment(moment.id).end_frame == 34
    assert win.player.frame == 34
