"""The self-assessment page of a cycle: the codebook's principles to tick as used well or
to develop, a few words each, saved as one undo step, for the case and cycle chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui import supervision_setup
from tests.gui.supervision_setup import (
    SIZES,
    demo_with_supervision,
    shoot,
)
from tests.gui.windows import show_main_window
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.gui.self_assessment_dialog import SelfAssessmentDialog
from vigtool.workspace import Workspace

light_theme = supervision_setup.light_theme  # the fixture, shared with the other supervision tests

BOOK = builtin_codebook(DEFAULT_CODEBOOK_ID)


@pytest.fixture
def two_cycles(workspace: Workspace, small_video: VideoTruth) -> int:
    case = workspace.add_case("FAM-41")
    workspace.add_consent(case.id, kind="filming", given=True)
    workspace.import_recording(case.id, path=small_video.path, cycle=2)
    return case.id


def test_every_principle_can_be_ticked_in_both_lists(
    qtbot: QtBot, workspace: Workspace, two_cycles: int
) -> None:
    dialog = SelfAssessmentDialog(workspace, two_cycles, 2, BOOK)
    qtbot.addWidget(dialog)
    labels = [c.label for c in BOOK.codes]
    for part in (dialog.used_well, dialog.to_develop):
        assert [box.text() for box in part.boxes.values()] == labels
        assert not any(box.isChecked() for box in part.boxes.values())
    assert dialog.chosen_cycle() == 2
    assert dialog.when.text() == "Not written yet"


def test_save_keeps_it_as_one_undo_step_and_it_opens_again_as_saved(
    qtbot: QtBot, workspace: Workspace, two_cycles: int
) -> None:
    dialog = SelfAssessmentDialog(workspace, two_cycles, 2, BOOK)
    qtbot.addWidget(dialog)
    dialog.used_well.boxes["being-attentive"].setChecked(True)
    dialog.used_well.boxes["guiding"].setChecked(True)
    qtbot.keyClicks(dialog.used_well.note, "I waited for her words")
    dialog.to_develop.boxes["deepening-discussion"].setChecked(True)
    qtbot.keyClicks(dialog.to_develop.note, "One open question")
    dialog.save_button.click()
    saved = workspace.supervision.self_assessment(two_cycles, 2)
    assert saved is not None
    assert (saved.used_well, saved.used_well_note) == (("being-attentive", "guiding"),
                                                       "I waited for her words")
    assert (saved.to_develop, saved.to_develop_note) == (("deepening-discussion",),
                                                         "One open question")
    assert workspace.undo_name == "Self-Assessment"
    again = SelfAssessmentDialog(workspace, two_cycles, 2, BOOK)
    qtbot.addWidget(again)
    assert again.used_well.chosen() == ["being-attentive", "guiding"]
    assert again.to_develop.note.toPlainText() == "One open question"
    assert again.when.text().startswith("Last saved")
    workspace.undo()
    assert workspace.supervision.self_assessment(two_cycles, 2) is None


def test_each_cycle_has_its_own_page(
    qtbot: QtBot, workspace: Workspace, two_cycles: int
) -> None:
    workspace.supervision.set_self_assessment(two_cycles, 2, used_well=["guiding"])
    dialog = SelfAssessmentDialog(workspace, two_cycles, 1, BOOK)
    qtbot.addWidget(dialog)
    assert [dialog.cycle.itemText(i) for i in range(dialog.cycle.count())] == [
        "Cycle 1", "Cycle 2"]
    assert dialog.used_well.chosen() == []
    dialog.cycle.setCurrentIndex(1)
    assert dialog.used_well.chosen() == ["guiding"]


def test_the_case_menu_opens_it_for_the_cycle_selected_in_the_list(
    qtbot: QtBot, tmp_path: Path, workspace: Workspace, two_cycles: int
) -> None:
    recording = workspace.library.recordings(two_cycles)[0]
    win = show_main_window(qtbot, tmp_path, workspace, recording.id)
    try:
        assert "case.self_assessment" in list(win.actions_by_id)
        case_menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "&Case")
        assert win.actions_by_id["case.self_assessment"] in case_menu.actions()
        cycle_item = win.browser.tree.topLevelItem(0).child(0)
        win.browser.tree.setCurrentItem(cycle_item)
        assert win.browser.selected_cycle() == 2
        win.actions_by_id["case.self_assessment"].trigger()
        dialog = win.findChild(SelfAssessmentDialog)
        assert dialog is not None
        assert dialog.isVisible()
        assert (dialog.case_id, dialog.chosen_cycle()) == (two_cycles, 2)
        dialog.reject()
    finally:
        win.close()


@pytest.mark.usefixtures("light_theme")
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshot_of_the_self_assessment_page(
    qtbot: QtBot, tmp_path: Path, size: tuple[int, int]
) -> None:
    demo_with_supervision(tmp_path / "demo")
    with Workspace.open(tmp_path / "demo") as ws:
        film = ws.library.recordings()[0]
        win = show_main_window(qtbot, tmp_path, ws, film.id)
        try:
            win.browser.tree.setCurrentItem(win.browser.tree.topLevelItem(0))
            win.open_self_assessment()
            dialog = win.findChild(SelfAssessmentDialog)
            assert dialog is not None
            assert dialog.used_well.chosen() == ["being-attentive", "receiving-initiatives"]
            shoot(qtbot, win, "self-assessment", size, dialog)
            dialog.reject()
        finally:
            win.close()
