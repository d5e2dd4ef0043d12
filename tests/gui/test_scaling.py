"""The parent's scale on the shared review's closing page (big buttons, keys too, skippable)
and the practitioner's Scaling dialog (Case menu): both save real ratings, undoably."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui.review_setup import Prepared, open_window, prepared, settle, unreadable
from tests.gui.windows import show_main_window
from vigtool.gui.review_closing import ReviewClosing
from vigtool.gui.scaling_dialog import ScalingDialog
from vigtool.workspace import Workspace

__all__ = ["prepared"]  # the fixture, shared with the review tests

ARTIFACTS = Path(os.environ.get("VIGTOOL_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "artifacts"))
ENJOY = {"id": "enjoy-play", "name": "Enjoying play", "min": 1, "max": 5,
         "family_wording": "How much are you enjoying playing together?",
         "when": ["each-cycle"]}
ONLY_AT_THE_ENDS = {"id": "calm", "name": "Calm", "min": 0, "max": 4,
                    "family_wording": "How calm do you feel?", "when": ["start", "end"]}


def _values(ws: Workspace, case_id: int, measure: str = "helping-question"
            ) -> list[tuple[int, int, str]]:
    return [(r.cycle, r.value, r.rated_by) for r in ws.measures.ratings(case_id, measure)]


# -- the closing page ------------------------------------------------------------------------


def test_a_tap_on_the_closing_page_saves_the_parents_rating(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, _ = prepared
    closing = ReviewClosing(ws, case_id, 1)
    qtbot.addWidget(closing)
    closing.resize(1000, 700)
    closing.show()
    (scale,) = closing.scales
    assert scale.question.text() == "Thinking about your question, how confident do you feel now?"
    assert not scale.answer.isVisible()
    qtbot.mouseClick(scale.picker.buttons[7], Qt.MouseButton.LeftButton)
    assert _values(ws, case_id) == [(1, 7, "parent")]
    assert scale.answer.text() == "Your answer today: 7"  # said in words, not by colour alone
    assert ws.undo_name == "Add Rating"
    qtbot.mouseClick(scale.picker.buttons[8], Qt.MouseButton.LeftButton)
    assert _values(ws, case_id) == [(1, 8, "parent")]
    assert [b for b, button in scale.picker.buttons.items() if button.isChecked()] == [8]
    qtbot.mouseClick(scale.picker.buttons[8], Qt.MouseButton.LeftButton)  # a second tap
    assert _values(ws, case_id) == []
    assert scale.picker.value() is None
    assert not scale.answer.isVisible()
    ws.undo()
    closing.refresh()
    assert scale.picker.value() == 8
    qtbot.mouseClick(scale.clear, Qt.MouseButton.LeftButton)  # "Leave it blank"
    assert _values(ws, case_id) == []
    assert scale.picker.value() is None
    ws.undo()
    closing.refresh()
    assert scale.picker.value() == 8  # the page shows what the workspace holds


def test_the_scale_takes_its_keys_before_the_reviews_shortcuts(
    qtbot: QtBot, prepared: Prepared
) -> None:
    ws, case_id, _ = prepared
    window = open_window(qtbot, ws, case_id)
    try:
        window.show_closing()
        (scale,) = window.closing.scales
        picker = scale.picker
        picker.setFocus()
        qtbot.waitUntil(picker.hasFocus, timeout=3000)
        qtbot.keyClick(picker, Qt.Key.Key_1)
        qtbot.keyClick(picker, Qt.Key.Key_0)
        assert _values(ws, case_id) == [(1, 10, "parent")]  # "1" then "0" is 10
        qtbot.keyClick(picker, Qt.Key.Key_Left)  # a window shortcut (one frame back) elsewhere
        assert _values(ws, case_id) == [(1, 9, "parent")]
        qtbot.keyClick(picker, Qt.Key.Key_Home)
        assert _values(ws, case_id) == [(1, 0, "parent")]
        qtbot.keyClick(picker, Qt.Key.Key_End)  # "stop on the question" elsewhere
        assert _values(ws, case_id) == [(1, 10, "parent")]
        qtbot.keyClick(picker, Qt.Key.Key_Delete)
        assert _values(ws, case_id) == []
        window.closing.question.setFocus()
        qtbot.keyClick(window.closing.question, Qt.Key.Key_5)  # typing words is not rating
        assert _values(ws, case_id) == []
        assert window.pages.currentWidget() is window.closing
    finally:
        window.close()


def test_each_cycles_measures_are_asked_and_the_others_are_not(
    qtbot: QtBot, prepared: Prepared, tmp_path: Path
) -> None:
    ws, case_id, _ = prepared
    path = tmp_path / "measures.json"
    path.write_text(json.dumps({"measures": [ONLY_AT_THE_ENDS, ENJOY]}), encoding="utf-8")
    ws.measures.use_measures_file(path)
    closing = ReviewClosing(ws, case_id, 1)
    qtbot.addWidget(closing)
    closing.show()
    assert [s.measure.id for s in closing.scales] == ["helping-question", "enjoy-play"]
    enjoy = closing.scales[1]
    assert sorted(enjoy.picker.buttons) == [1, 2, 3, 4, 5]
    qtbot.mouseClick(enjoy.picker.buttons[4], Qt.MouseButton.LeftButton)
    assert _values(ws, case_id, "enjoy-play") == [(1, 4, "parent")]


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_the_closing_page_with_its_scale_reads_whole(
    qtbot: QtBot, prepared: Prepared, size: tuple[int, int]
) -> None:
    ws, case_id, _ = prepared
    ws.add_rating(case_id, cycle=1, value=6)
    window = open_window(qtbot, ws, case_id)
    try:
        window.showNormal()
        window.resize(*size)
        window.show_closing()
        settle(qtbot)
        assert unreadable(window) == []
        scale = window.closing.scales[0]
        assert scale.picker.buttons[6].height() >= 56  # a finger, not a mouse pointer
        assert scale.picker.buttons[6].width() >= 52
        ARTIFACTS.mkdir(exist_ok=True)
        assert window.grab().save(str(ARTIFACTS / f"review-scale-{size[0]}x{size[1]}.png"))
    finally:
        window.close()


# -- the practitioner's dialog ---------------------------------------------------------------


@pytest.fixture
def filmed(workspace: Workspace, small_video: VideoTruth) -> tuple[Workspace, int, int]:
    case = workspace.add_case("FAM-41", helping_question="How do I help him settle?")
    workspace.add_consent(case.id, kind="filming", given=True)
    recording = workspace.import_recording(case.id, path=small_video.path, cycle=1)
    return workspace, case.id, recording.id


def test_the_case_menu_opens_scaling_and_it_saves_each_point(
    qtbot: QtBot, tmp_path: Path, filmed: tuple[Workspace, int, int]
) -> None:
    ws, case_id, recording_id = filmed
    win = show_main_window(qtbot, tmp_path, ws, recording_id)
    try:
        case_menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "&Case")
        assert win.actions_by_id["case.scaling"] in case_menu.actions()
        win.actions_by_id["case.scaling"].trigger()
        dialog = win.findChild(ScalingDialog)
        assert dialog is not None
        assert dialog.isVisible()
        assert sorted(dialog.parent_boxes) == [0, 1]  # the first meeting, then cycle 1
        assert not dialog.chart.isVisible()
        dialog.parent_boxes[0].setValue(3)
        dialog.parent_boxes[1].setValue(6)
        dialog.own_boxes[1].setValue(5)
        assert _values(ws, case_id) == [(0, 3, "parent"), (1, 6, "parent"),
                                        (1, 5, "practitioner")]
        assert dialog.chart.isVisible()
        assert dialog.notes[0].isEnabled()
        assert not dialog.notes[1].text()
        dialog.notes[0].setText("worried about evenings")
        dialog.notes[0].editingFinished.emit()
        assert ws.measures.rating_at(case_id, 0).note == "worried about evenings"
        dialog.own_boxes[1].setValue(dialog.own_boxes[1].minimum())  # "–": taken back
        assert _values(ws, case_id) == [(0, 3, "parent"), (1, 6, "parent")]
        assert dialog.own_boxes[1].text() == "–"
        ws.undo()
        assert _values(ws, case_id)[-1] == (1, 5, "practitioner")
        dialog.reject()
    finally:
        win.close()


def test_the_dialog_takes_a_service_measures_file_or_says_why_not(
    qtbot: QtBot, tmp_path: Path, filmed: tuple[Workspace, int, int]
) -> None:
    ws, case_id, _ = filmed
    dialog = ScalingDialog(ws, case_id)
    qtbot.addWidget(dialog)
    dialog.show()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"measures": [{**ENJOY, "max": 50}]}), encoding="utf-8")
    dialog.use_measures_file(str(bad))
    assert dialog.problem.isVisible()
    assert "1 to 50 is 50 points; a scale has at most 11" in dialog.problem.text()
    assert "\n" not in dialog.problem.text()
    assert dialog.measure_box.count() == 1
    assert not dialog.measure_box.isEnabled()
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"measures": [ONLY_AT_THE_ENDS, ENJOY]}), encoding="utf-8")
    dialog.use_measures_file(str(good))
    assert not dialog.problem.isVisible()
    assert dialog.measure_box.count() == 3
    assert dialog.measure.id == "calm"
    assert sorted(dialog.parent_boxes) == [0, 1]  # asked at the start and at the end (cycle 1)
    dialog.parent_boxes[1].setValue(4)
    assert _values(ws, case_id, "calm") == [(1, 4, "parent")]
    ARTIFACTS.mkdir(exist_ok=True)
    dialog.resize(760, 640)
    settle(qtbot)
    assert dialog.grab().save(str(ARTIFACTS / "scaling-dialog.png"))
