"""The workspace browser: what an empty workspace says, cases without a film, case details."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QMenu
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser import NO_FILM_YET, WorkspaceBrowser
from vigtool.gui.case_dialog import CaseDialog
from vigtool.gui.main_window import MainWindow
from vigtool.workspace import Workspace


@pytest.fixture
def browser(qtbot: QtBot, workspace: Workspace) -> WorkspaceBrowser:
    view = WorkspaceBrowser(WorkspaceBridge(workspace))
    qtbot.addWidget(view)
    view.resize(260, 600)
    view.show()
    return view


def _words(browser: WorkspaceBrowser) -> str:
    return " ".join(label.text() for label in browser.empty_state.findChildren(QLabel))


def _case_dialog(browser: WorkspaceBrowser) -> CaseDialog:
    dialog = browser.findChild(CaseDialog)
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def _labels(browser: WorkspaceBrowser) -> list[str]:
    items = []
    for i in range(browser.tree.topLevelItemCount()):
        case = browser.tree.topLevelItem(i)
        assert case is not None
        items.append(case.text(0))
        items += [f"  {case.child(j).text(0)}" for j in range(case.childCount())]
    return items


def test_an_empty_workspace_says_what_to_do_first(qtbot: QtBot, browser: WorkspaceBrowser
                                                  ) -> None:
    assert browser.empty_state.isVisible()
    assert not browser.tree.isVisible()
    words = _words(browser)
    assert "Start with a case" in words
    assert "Then import the film" in words
    assert "never the family's real name" in words
    assert browser.start_case_button.text() == "New Case..."
    assert browser.start_import_button.text() == "Import Video..."
    with qtbot.waitSignal(browser.importRequested) as asked:
        qtbot.mouseClick(browser.start_import_button, Qt.MouseButton.LeftButton)
    assert asked.args == [None]  # the import dialog asks which case


def test_the_first_case_replaces_the_welcome_with_the_list(
    qtbot: QtBot, browser: WorkspaceBrowser, workspace: Workspace
) -> None:
    qtbot.mouseClick(browser.start_case_button, Qt.MouseButton.LeftButton)
    dialog = _case_dialog(browser)
    qtbot.keyClicks(dialog.code, "FAM-11")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    (case,) = workspace.caseload.cases()
    assert not browser.empty_state.isVisible()
    assert browser.tree.isVisible()
    assert browser.button_row.isVisible()
    assert _labels(browser) == ["FAM-11", f"  {NO_FILM_YET}"]
    current = browser.tree.currentItem()
    assert current is not None
    assert current.text(0) == "FAM-11"
    no_film = current.child(0)
    with qtbot.waitSignal(browser.importRequested) as asked:
        browser.tree.itemClicked.emit(no_film, 0)
    assert asked.args == [case.id]  # straight into this case


def test_a_case_with_a_film_lists_it_by_cycle(browser: WorkspaceBrowser, workspace: Workspace,
                                              small_video: VideoTruth) -> None:
    case = workspace.caseload.add_case("FAM-12")
    workspace.add_consent(case.id, kind="filming", given=True)
    workspace.import_recording(case.id, path=small_video.path, cycle=2)
    browser.refresh()
    assert _labels(browser)[:2] == ["FAM-12", "  Cycle 2"]
    assert NO_FILM_YET not in " ".join(_labels(browser))


def test_double_click_opens_the_case_details(qtbot: QtBot, browser: WorkspaceBrowser,
                                             workspace: Workspace) -> None:
    case = workspace.caseload.add_case("FAM-13", "Feeding", child_name="Zoë", pronoun="she")
    workspace.add_consent(case.id, kind="filming", given=True)
    item = browser.tree.topLevelItem(0)
    assert item is not None
    browser.tree.itemDoubleClicked.emit(item, 0)
    dialog = _case_dialog(browser)
    assert dialog.child_name.text() == "Zoë"
    dialog.question.setPlainText("I'd like feeding to feel calmer.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert workspace.caseload.case(case.id).helping_question == "I'd like feeding to feel calmer."
    assert "feeding to feel calmer" in (browser.tree.topLevelItem(0) or item).toolTip(0)


def test_the_case_menu_offers_details_and_import(browser: WorkspaceBrowser,
                                                 workspace: Workspace) -> None:
    workspace.caseload.add_case("FAM-14")
    menu = QMenu()
    browser.fill_menu(menu, browser.tree.topLevelItem(0))
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Case Details...", "Import Video into This Case...", "New Case..."]
    empty = QMenu()
    browser.fill_menu(empty, None)
    assert [a.text() for a in empty.actions()] == ["New Case...", "Import Video..."]


def test_the_picture_area_says_the_next_step(qtbot: QtBot, tmp_path: Path,
                                             small_video: VideoTruth) -> None:
    ws = Workspace.open(tmp_path / "ws")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), None, "no VLC in this test",
                     settings)
    qtbot.addWidget(win)
    win.show()
    assert "Start with a case" in win.surface.message
    assert win.browser.empty_state.isVisible()
    win.actions_by_id["app.new_case"].trigger()
    dialog = win.findChild(CaseDialog)
    assert dialog is not None
    qtbot.keyClicks(dialog.code, "FAM-15")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert win.surface.message.startswith("Now import the film")
    win.close()
    ws.close()
