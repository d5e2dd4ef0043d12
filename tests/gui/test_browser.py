"""The workspace browser: what an empty workspace says, cases without a film, case details,
and each case's consent and retention at a glance."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMenu
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser import CONSENT_ROLE, NO_FILM_YET, RETENTION_ROLE, WorkspaceBrowser
from vigtool.gui.case_dialog import CaseDialog
from vigtool.gui.case_marks import ConsentChipsIcon
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
        "Case Details...", "Consent...", "Import Video into This Case...",
        "Delete Raw Film...", "New Case..."]
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


def _case(browser: WorkspaceBrowser):  # type: ignore[no-untyped-def]
    item = browser.tree.topLevelItem(0)
    assert item is not None
    return item


def test_each_case_shows_its_consent_and_retention_at_a_glance(
    browser: WorkspaceBrowser, workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.caseload.add_case("FAM-16")
    assert _case(browser).data(0, CONSENT_ROLE) == ("not asked",) * 6
    workspace.add_consent(case.id, kind="filming", given=True, recorded_by="J. Okafor")
    workspace.add_consent(case.id, kind="training", given=False)
    workspace.add_consent(case.id, kind="shared-review", given=True)
    workspace.withdraw_consent(case.id, kind="shared-review")
    item = _case(browser)  # the list followed each change by itself
    assert item.data(0, CONSENT_ROLE) == (
        "given", "withdrawn", "not asked", "not asked", "not given", "not asked")
    tip = item.toolTip(0)
    assert "Filming: given on" in tip
    assert "(recorded by J. Okafor)" in tip
    assert "Shared review: withdrawn on" in tip
    assert "Training: not given" in tip
    assert "Supervision: not asked yet" in tip
    spoken = str(item.data(0, Qt.ItemDataRole.AccessibleTextRole))
    assert "given: filming" in spoken
    assert "withdrawn: shared review" in spoken
    assert item.data(0, RETENTION_ROLE) is None  # nothing filmed: no date yet

    workspace.import_recording(case.id, path=small_video.path,
                               filmed_on=date.today().isoformat())
    assert _case(browser).data(0, RETENTION_ROLE) is None  # two months away
    soon = (date.today() + timedelta(days=5)).isoformat()
    workspace.privacy.set_retention_until(case.id, soon)
    assert _case(browser).data(0, RETENTION_ROLE) == "soon"
    workspace.privacy.set_retention_until(case.id, "2020-01-01")
    item = _case(browser)
    assert item.data(0, RETENTION_ROLE) == "due"
    assert "was due to be deleted on 2020-01-01" in item.toolTip(0)
    assert "Raw film: the raw film was due" in str(
        item.data(0, Qt.ItemDataRole.AccessibleTextRole))


def _colours(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> dict[str, int]:
    image = icon.pixmap(QSize(72, 40), mode).toImage()
    seen: dict[str, int] = {}
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() == 255:
                seen[colour.name()] = seen.get(colour.name(), 0) + 1
    return seen


def test_the_chips_differ_by_shape_and_follow_the_palette(qapp: QApplication) -> None:
    text = qapp.palette().color(qapp.palette().ColorRole.Text).name()
    given = _colours(QIcon(ConsentChipsIcon(["given"] * 6)))
    asked = _colours(QIcon(ConsentChipsIcon(["not asked"] * 6)))
    crossed = _colours(QIcon(ConsentChipsIcon(["withdrawn"] * 6)))
    assert max(given, key=given.__getitem__) == text  # filled in the text colour
    inked = [sum(n for c, n in seen.items() if c == text) for seen in (given, asked, crossed)]
    assert inked[0] > inked[2] > inked[1] > 0  # filled > ring and stroke > dashed ring
    selected = _colours(QIcon(ConsentChipsIcon(["given"] * 6)), QIcon.Mode.Selected)
    on_highlight = qapp.palette().color(qapp.palette().ColorRole.HighlightedText).name()
    assert on_highlight in selected or QColor(on_highlight) == QColor(text)
