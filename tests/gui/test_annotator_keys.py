"""Tagging from the keyboard in the real main window (offscreen, silent player).

The player here runs without VLC (the fallback path: exact frames from the
frame reader); the end-to-end test drives the same window with real VLC.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui.windows import show_main_window
from vigtool.gui.main_window import MainWindow
from vigtool.workspace import Workspace


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
           modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    for _ in range(times):
        qtbot.keyClick(win, key, modifier)


def test_i_ten_rights_o_and_1_tag_ten_frames_with_one_code(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    _press(qtbot, win, Qt.Key.Key_Right, 5)
    _press(qtbot, win, Qt.Key.Key_I)
    _press(qtbot, win, Qt.Key.Key_Right, 10)
    _press(qtbot, win, Qt.Key.Key_O)
    _press(qtbot, win, Qt.Key.Key_1)
    (moment,) = ws.moments(rec_id)
    assert (moment.start_frame, moment.end_frame) == (5, 14)
    assert moment.frame_count == 10
    assert moment.codes == ("being-attentive",)
    assert win.tagger.selected == moment.id

    _press(qtbot, win, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)  # the code
    _press(qtbot, win, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)  # the moment
    assert ws.moments(rec_id) == []
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    _press(qtbot, win, Qt.Key.Key_Z, modifier=redo)
    _press(qtbot, win, Qt.Key.Key_Z, modifier=redo)
    assert ws.moments(rec_id) == [moment]


def test_stepping_moves_the_playhead_by_exact_frames(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, _, _ = window
    _press(qtbot, win, Qt.Key.Key_Right, 3)
    _press(qtbot, win, Qt.Key.Key_Left)
    assert win.player.frame == 2
    _press(qtbot, win, Qt.Key.Key_End)
    assert win.player.frame == win.player.frame_count - 1
    _press(qtbot, win, Qt.Key.Key_Home)
    assert win.player.frame == 0
    _press(qtbot, win, Qt.Key.Key_Right, modifier=Qt.KeyboardModifier.ShiftModifier)
    assert win.player.frame == 30  # one second at 30 fps


def test_turn_keys_quick_tag_tab_and_delete(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    _press(qtbot, win, Qt.Key.Key_Right, 30)
    _press(qtbot, win, Qt.Key.Key_C)
    _press(qtbot, win, Qt.Key.Key_Right, 12)
    _press(qtbot, win, Qt.Key.Key_A)
    turns = ws.annotations.turns(rec_id)
    assert [(t.frame, t.actor.value, t.kind.value) for t in turns] == [
        (30, "child", "initiative"), (42, "adult", "response")]
    _press(qtbot, win, Qt.Key.Key_Q)
    (quick,) = ws.moments(rec_id)
    assert (quick.start_frame, quick.end_frame) == (0, 59)  # 2 s before, 3 s after, clamped
    _press(qtbot, win, Qt.Key.Key_Home)
    _press(qtbot, win, Qt.Key.Key_Tab)
    assert win.tagger.selected == quick.id
    _press(qtbot, win, Qt.Key.Key_R)
    assert ws.annotations.moment(quick.id).selected_for_review
    _press(qtbot, win, Qt.Key.Key_Delete)
    assert ws.moments(rec_id) == []


def test_the_picture_is_the_exact_frame_after_stepping(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    from sample_clips.pattern import read_frame_number
    from tests.gui.images import qimage_to_rgb

    win, _, _ = window

    def shown_frame() -> int | None:
        """The frame number read back from the picture as it is painted on screen."""
        if not win.surface.has_image():
            return None
        painted = qimage_to_rgb(win.surface.grab(win.surface.picture_rect()).toImage())
        try:
            return read_frame_number(painted)
        except ValueError:  # a picture without the pattern (not drawn yet)
            return None

    qtbot.waitUntil(lambda: shown_frame() == 0, timeout=5000)  # the opened film's first frame
    _press(qtbot, win, Qt.Key.Key_Right, 17)
    qtbot.waitUntil(lambda: shown_frame() == 17, timeout=5000)
    _press(qtbot, win, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: shown_frame() == 16, timeout=5000)
    assert win.player.frame == 16


def test_describe_a_moment_with_the_keyboard_alone(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    _press(qtbot, win, Qt.Key.Key_I)
    _press(qtbot, win, Qt.Key.Key_Right, 8)
    _press(qtbot, win, Qt.Key.Key_O)
    _press(qtbot, win, Qt.Key.Key_Return)
    assert win.inspector.title_edit.hasFocus()
    qtbot.keyClicks(win.inspector.title_edit, "She looks up at you")
    qtbot.keyClick(win.inspector.title_edit, Qt.Key.Key_Return)  # Return confirms it
    (moment,) = ws.moments(rec_id)
    assert moment.title == "She looks up at you"

    qtbot.keyClicks(win.inspector.title_edit, " and smiles")
    qtbot.keyClick(win.inspector.title_edit, Qt.Key.Key_Escape)  # Esc: never mind
    assert ws.annotations.moment(moment.id).title == "She looks up at you"
    assert not win.inspector.title_edit.hasFocus()
    _press(qtbot, win, Qt.Key.Key_Right)  # the keys drive the player again
    assert win.player.frame == 9


def test_timeline_follows_the_model_and_a_drag_is_one_undo_step(
    qtbot: QtBot, window: tuple[MainWindow, Workspace, int]
) -> None:
    win, ws, rec_id = window
    moment = ws.add_moment(rec_id, start_frame=20, end_frame=40, codes=["guiding"])
    assert win.timeline.shown_moments() == (moment,)
    win.timeline.momentEdited.emit(moment.id, 18, 44)  # what releasing a dragged edge sends
    moved = ws.annotations.moment(moment.id)
    assert (moved.start_frame, moved.end_frame) == (18, 44)
    assert win.timeline.shown_moments()[0].end_frame == 44
    assert win.actions_by_id["edit.undo"].text() == "Undo Move Moment"
    ws.undo()
    assert win.timeline.shown_moments()[0].end_frame == 40
    ws.delete_moment(moment.id)
    assert win.timeline.shown_moments() == ()


def test_the_first_window_fits_a_laptop_screen(
    window: tuple[MainWindow, Workspace, int]
) -> None:
    """With no remembered size, a screen smaller than the roomy default is used whole."""
    win, _, _ = window
    screen = win.screen().availableGeometry()
    assert screen.width() < 1500  # the offscreen screen is laptop-sized
    assert win.isMaximized()
    assert win.minimumSizeHint().width() <= 1280
    assert win.minimumSizeHint().height() <= 720
