"""Consent in the app: the panel records and withdraws, the browser follows, importing
asks for consent to filming, and the shared review needs its own consent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser import CONSENT_ROLE, WorkspaceBrowser
from vigtool.gui.consent_dialog import (
    NOT_UNDOABLE,
    WITHDRAW_STOPS,
    ConsentDialog,
    open_consent_dialog,
)
from vigtool.gui.import_dialog import ImportDialog
from vigtool.gui.main_window import MainWindow
from vigtool.workspace import Workspace

from .windows import show_main_window


@pytest.fixture
def browser(qtbot: QtBot, workspace: Workspace) -> WorkspaceBrowser:
    view = WorkspaceBrowser(WorkspaceBridge(workspace))
    qtbot.addWidget(view)
    view.resize(300, 500)
    view.show()
    return view


def _box(parent: QWidget, name: str) -> QMessageBox:
    boxes = [b for b in parent.findChildren(QMessageBox, name) if b.isVisible()]
    assert len(boxes) == 1, f"expected one visible {name}"
    return boxes[0]


def _press(box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text() == text]
    button.click()


def _chips(browser: WorkspaceBrowser) -> tuple[str, ...]:
    item = browser.tree.topLevelItem(0)
    assert item is not None
    return tuple(item.data(0, CONSENT_ROLE))


def test_the_panel_records_and_withdraws_and_the_browser_follows(
    qtbot: QtBot, browser: WorkspaceBrowser, workspace: Workspace
) -> None:
    case = workspace.caseload.add_case("FAM-21")
    dialog = open_consent_dialog(browser, workspace, case.id)
    assert dialog.windowTitle() == "Consent: FAM-21"
    assert [c.status for c in dialog.chips.values()] == ["not asked"] * 6
    assert dialog.states["filming"].text() == "Not asked yet"
    assert not dialog.withdraw_buttons["filming"].isEnabled()
    assert dialog.findChild(type(dialog.states["filming"]), "consentNote").text() == NOT_UNDOABLE

    dialog.recorded_by.setText("J. Okafor")
    qtbot.mouseClick(dialog.give_buttons["filming"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.give_buttons["shared-review"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.refuse_buttons["training"], Qt.MouseButton.LeftButton)
    state = workspace.privacy.consent_state(case.id)
    assert state["filming"].granted
    assert state["filming"].recorded_by == "J. Okafor"
    assert state["training"].status == "not given"
    assert dialog.chips["filming"].status == "given"
    assert dialog.states["filming"].text().startswith("Given on ")
    assert dialog.states["filming"].text().endswith("(recorded by J. Okafor)")
    assert not dialog.give_buttons["filming"].isEnabled()  # already given
    assert dialog.history.rowCount() == 3
    assert dialog.history.item(0, 1).text() == "Training"  # newest first
    assert _chips(browser) == ("given", "given", "not asked", "not asked", "not given",
                               "not asked")

    qtbot.mouseClick(dialog.withdraw_buttons["shared-review"], Qt.MouseButton.LeftButton)
    box = _box(dialog, "withdrawQuestion")
    assert "watching the clips with the family in a shared review" in box.text()
    assert WITHDRAW_STOPS["shared-review"] in box.informativeText()
    assert "the shared review with the family, and exports for the family" in \
        box.informativeText()
    assert "cannot be undone" in box.informativeText()
    _press(box, "Cancel")
    assert workspace.privacy.has_consent(case.id, "shared-review")  # asked, not done

    qtbot.mouseClick(dialog.withdraw_buttons["shared-review"], Qt.MouseButton.LeftButton)
    _press(_box(dialog, "withdrawQuestion"), "Withdraw Consent")
    assert workspace.privacy.consent_state(case.id)["shared-review"].status == "withdrawn"
    assert dialog.chips["shared-review"].status == "withdrawn"
    assert not dialog.withdraw_buttons["shared-review"].isEnabled()
    assert dialog.history.item(1, 4).text() != ""  # the withdrawal date, on its record
    assert _chips(browser)[1] == "withdrawn"
    assert [e.action for e in workspace.privacy.audit_log(case.id)] == ["consent"] * 4
    dialog.reject()


def test_the_browser_menu_opens_the_consent(qtbot: QtBot, browser: WorkspaceBrowser,
                                            workspace: Workspace) -> None:
    workspace.caseload.add_case("FAM-22")
    from PySide6.QtWidgets import QMenu

    menu = QMenu()
    browser.fill_menu(menu, browser.tree.topLevelItem(0))
    (consent,) = [a for a in menu.actions() if a.text() == "Consent..."]
    consent.trigger()
    dialog = browser.window().findChild(ConsentDialog)
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.case_code == "FAM-22"
    dialog.reject()


@pytest.fixture
def unconsented(tmp_path: Path, small_video: VideoTruth) -> Iterator[tuple[Workspace, int, int]]:
    """A case FAM-23 with film already in (consent to filming, nothing else) and FAM-24
    with no consent at all; yields the workspace, FAM-23's recording and FAM-24's id."""
    ws = Workspace.open(tmp_path / "ws")
    filmed = ws.add_case("FAM-23")
    ws.add_consent(filmed.id, kind="filming", given=True)
    rec = ws.import_recording(filmed.id, path=small_video.path)
    ws.add_moment(rec.id, start_frame=5, end_frame=15, selected_for_review=True)
    bare = ws.add_case("FAM-24")
    yield ws, rec.id, bare.id
    ws.close()


def _import_into(qtbot: QtBot, win: MainWindow, video: Path, case_id: int) -> QMessageBox:
    win.import_video(video, case_id=case_id)
    dialog = next(d for d in win.findChildren(ImportDialog) if d.isVisible())
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    box = _box(win, "filmingConsentQuestion")
    assert box.text() == "Has the family agreed to be filmed?"
    assert "Record their consent to filming (today, by " in box.informativeText()
    assert "Case FAM-24 has no consent to filming" in box.informativeText()
    return box


def test_import_without_consent_asks_and_no_imports_nothing(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth,
    unconsented: tuple[Workspace, int, int],
) -> None:
    ws, rec_id, bare = unconsented
    win = show_main_window(qtbot, tmp_path, ws, rec_id)
    _press(_import_into(qtbot, win, small_video.path, bare), "Don't Import")
    assert ws.library.recordings(bare) == []
    assert ws.privacy.consents(bare) == []
    assert "Nothing was imported" in win.statusBar().currentMessage()
    assert win.recording_id == rec_id

    copy = tmp_path / "visit-2.mp4"  # other bytes, so not the film already imported
    copy.write_bytes(small_video.path.read_bytes() + b"\0")
    _press(_import_into(qtbot, win, copy, bare), "Record Consent and Import")
    assert ws.privacy.has_consent(bare, "filming")
    qtbot.waitUntil(lambda: win.recording_id != rec_id, timeout=20_000)
    (imported,) = ws.library.recordings(bare)
    assert win.recording_id == imported.id
    win.close()


def test_the_shared_review_needs_its_own_consent(
    qtbot: QtBot, tmp_path: Path, unconsented: tuple[Workspace, int, int]
) -> None:
    ws, rec_id, _bare = unconsented
    case_id = ws.library.recording(rec_id).case_id
    win = show_main_window(qtbot, tmp_path, ws, rec_id)
    win.actions_by_id["app.review"].trigger()  # F5
    box = _box(win, "reviewConsentMissing")
    assert "Cannot open the shared review: for case FAM-23, no consent to watching the clips" \
        in box.informativeText()
    assert win._review is None
    _press(box, "Consent...")
    consent = next(d for d in win.findChildren(ConsentDialog) if d.isVisible())
    consent.record("shared-review", given=True)
    consent.reject()
    assert ws.privacy.has_consent(case_id, "shared-review")
    win.actions_by_id["app.review"].trigger()
    assert win._review is not None  # now it opens
    win._review.close()
    win.close()
