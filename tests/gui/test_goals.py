"""Case > Goals...: tick the goals the family reached; each tick is saved and undoable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui.windows import show_main_window
from vigtool.gui.goals_dialog import GoalsDialog
from vigtool.workspace import Workspace

GOALS = ("Wait for his reply.", "Notice when he looks up at you.")


@pytest.fixture
def with_goals(workspace: Workspace, small_video: VideoTruth) -> tuple[Workspace, int, int]:
    case = workspace.add_case("FAM-42", helping_question="How do I keep him talking?")
    workspace.add_consent(case.id, kind="filming", given=True)
    recording = workspace.import_recording(case.id, path=small_video.path, cycle=1)
    workspace.add_goal(case.id, cycle=1, text=GOALS[0])
    workspace.add_goal(case.id, cycle=2, text=GOALS[1])
    return workspace, case.id, recording.id


def _reached(ws: Workspace, case_id: int) -> list[str | None]:
    return [g.reached_on for g in ws.review.goals(case_id)]


def test_the_case_menu_ticks_a_goal_reached_and_undo_unticks_it(
    qtbot: QtBot, tmp_path: Path, with_goals: tuple[Workspace, int, int]
) -> None:
    ws, case_id, recording_id = with_goals
    win = show_main_window(qtbot, tmp_path, ws, recording_id)
    try:
        case_menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "&Case")
        assert win.actions_by_id["case.goals"] in case_menu.actions()
        win.actions_by_id["case.goals"].trigger()
        dialog = win.findChild(GoalsDialog)
        assert dialog is not None
        assert dialog.isVisible()
        first, second = (g.id for g in ws.review.goals(case_id))
        tick = dialog.ticks[first]
        assert not tick.isChecked()
        assert not dialog.days[first].isVisible()  # a day only once reached
        qtbot.mouseClick(tick, Qt.MouseButton.LeftButton)
        today = date.today().isoformat()
        assert _reached(ws, case_id) == [today, None]  # saved at once, today by default
        assert ws.undo_name == "Goal Reached"
        assert dialog.days[first].isVisible()
        dialog.days[first].setDate(QDate(2026, 3, 3))  # the day they reached it
        assert _reached(ws, case_id) == ["2026-03-03", None]
        ws.undo()  # as the main window's Edit > Undo does: the dialog follows
        assert _reached(ws, case_id) == [today, None]
        assert dialog.days[first].date() == QDate.fromString(today, Qt.DateFormat.ISODate)
        ws.undo()
        assert _reached(ws, case_id) == [None, None]
        assert not dialog.ticks[first].isChecked()
        assert not dialog.days[first].isVisible()
        qtbot.mouseClick(dialog.ticks[second], Qt.MouseButton.LeftButton)
        assert _reached(ws, case_id) == [None, today]
        dialog.activateWindow()
        qtbot.waitActive(dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: _reached(ws, case_id) == [None, None])
        assert not dialog.ticks[second].isChecked()
        ws.add_goal(case_id, cycle=2, text="Sing to him at bath time.")  # written elsewhere
        assert len(dialog.ticks) == 3
        dialog.close()
    finally:
        win.close()


def test_ctrl_z_in_the_dialog_takes_back_only_a_tick(
    qtbot: QtBot, with_goals: tuple[Workspace, int, int]
) -> None:
    ws, case_id, _ = with_goals
    dialog = GoalsDialog(ws, case_id)  # no bridge: it shows its own undo at once
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    ws.review.update_goal(ws.review.goals(case_id)[0].id, text="Wait a little longer.")
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert ws.undo_name == "Edit Goal"  # not this dialog's edit: left alone
    first = ws.review.goals(case_id)[0].id
    dialog.ticks[first].setChecked(True)
    assert _reached(ws, case_id)[0] == date.today().isoformat()
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _reached(ws, case_id) == [None, None])
    assert not dialog.ticks[first].isChecked()


def test_no_goals_yet_says_where_they_are_written(qtbot: QtBot, workspace: Workspace) -> None:
    case = workspace.add_case("FAM-43", "")
    dialog = GoalsDialog(workspace, case.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.empty.isVisible()
    assert "closing page" in dialog.empty.text()
    assert dialog.ticks == {}
