"""The shared-review film: imported as such, shown beside the cycle's family film in the
browser, each with its poster and what it is; a trainee's case says whose it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from sample_clips.kinds import H264_BFRAMES, MJPEG_AVI, VideoTruth, make_video
from tests.gui import supervision_setup
from tests.gui.supervision_setup import (
    SIZES,
    demo_with_supervision,
    shoot,
)
from tests.gui.windows import show_main_window
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.gui.browser import WorkspaceBrowser
from vigtool.gui.browser_pair import FilmPair
from vigtool.gui.import_dialog import ImportDialog
from vigtool.workspace import Workspace

light_theme = supervision_setup.light_theme  # the fixture, shared with the other supervision tests


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_import_dialog_files_a_shared_review_with_its_cycle(
    qtbot: QtBot, host: QWidget, workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.caseload.add_case("FAM-51")
    workspace.add_consent(case.id, kind="filming", given=True)
    workspace.import_recording(case.id, path=small_video.path, cycle=1)
    workspace.review.add_reflection(case.id, cycle=1, text="He waited for me.")
    dialog = ImportDialog(small_video.path, workspace, host, case.id)
    qtbot.addWidget(dialog)
    assert dialog.kind() == "family"
    assert dialog.cycle.value() == 2
    dialog.kinds["shared-review"].setChecked(True)
    assert dialog.cycle.value() == 1  # the review of the visit already filmed
    assert dialog.cycle_hint.text() == "The shared review of cycle 1: it shows beside the " \
                                       "family film."
    choice = dialog.choice()
    assert choice is not None
    assert (choice.kind, choice.cycle) == ("shared-review", 1)
    dialog.kinds["family"].setChecked(True)
    assert dialog.choice().kind == "family"  # type: ignore[union-attr]


def test_importing_from_the_window_keeps_the_kind(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> None:
    ws = Workspace.open(tmp_path / "ws")
    case = ws.caseload.add_case("FAM-52")
    ws.add_consent(case.id, kind="filming", given=True)
    family = ws.import_recording(case.id, path=small_video.path)
    win = show_main_window(qtbot, tmp_path, ws, family.id)
    try:
        review = make_video(tmp_path / "review", MJPEG_AVI, frames=30)
        win.import_video(review.path, case_id=case.id)
        dialog = win.findChild(ImportDialog)
        assert dialog is not None
        dialog.kinds["shared-review"].setChecked(True)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.recording_id != family.id, timeout=20_000)
        assert [(r.kind, r.cycle) for r in ws.library.recordings(case.id)] == [
            ("family", 1), ("shared-review", 1)]
        assert len(win.browser.pairs) == 1
    finally:
        win.close()
        ws.close()


def test_a_cycle_shows_its_family_film_and_shared_review_side_by_side(
    qtbot: QtBot, tmp_path: Path, workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.caseload.add_case("FAM-53")
    workspace.add_consent(case.id, kind="filming", given=True)
    family = workspace.import_recording(case.id, path=small_video.path)
    lone = make_video(tmp_path / "lone", MJPEG_AVI, frames=30)
    workspace.import_recording(case.id, path=lone.path, cycle=2)
    review = make_video(tmp_path / "review", H264_BFRAMES, frames=90)
    shared = workspace.import_recording(case.id, path=review.path, kind="shared-review")
    browser = WorkspaceBrowser(WorkspaceBridge(workspace))
    qtbot.addWidget(browser)
    browser.resize(260, 600)
    browser.show()
    (pair,) = browser.pairs
    assert isinstance(pair, FilmPair)
    cards = list(pair.cards.values())
    assert [card.recording_id for card in cards] == [family.id, shared.id]
    assert [card.text() for card in cards] == ["Family film\n0:02", "Shared review\n0:03"]
    left, right = (card.mapTo(browser, card.rect().topLeft()) for card in cards)
    assert left.y() == right.y()
    assert left.x() < right.x()
    assert not any(card.has_poster for card in cards)  # a grey place for it, until it comes
    cycle_two = browser.tree.topLevelItem(0).child(1)
    assert cycle_two.child(0).text(0).startswith("lone")  # no shared review: a plain row
    browser.set_thumbnail(shared.id, QImage(96, 54, QImage.Format.Format_RGB888))
    assert [card.has_poster for card in cards] == [False, True]
    opened: list[int] = []
    browser.recordingActivated.connect(opened.append)
    qtbot.mouseClick(cards[1], Qt.MouseButton.LeftButton)
    assert opened == [shared.id]
    menu = QMenu()
    browser.fill_menu(menu, None, shared.id)
    assert [a.text() for a in menu.actions()][:2] == ["Open", "Locate..."]
    row = browser.tree.topLevelItem(0).child(0).child(0)
    assert row.data(0, Qt.ItemDataRole.AccessibleTextRole) == \
        "Family film, 0:02; Shared review, 0:03"


def test_a_cycle_with_only_a_shared_review_says_the_family_film_is_missing(
    qtbot: QtBot, workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.caseload.add_case("FAM-54")
    workspace.add_consent(case.id, kind="filming", given=True)
    workspace.import_recording(case.id, path=small_video.path, kind="shared-review")
    browser = WorkspaceBrowser(WorkspaceBridge(workspace))
    qtbot.addWidget(browser)
    (pair,) = browser.pairs
    words = [label.text() for label in pair.findChildren(QLabel)]
    assert words == ["No family film"]


def test_a_trainees_case_says_whose_it_is(qtbot: QtBot, workspace: Workspace) -> None:
    workspace.supervision.add_supervisee_case("FAM-55", "How can I help him settle?",
                                              supervisee="Jo Patel")
    workspace.caseload.add_case("FAM-56")
    browser = WorkspaceBrowser(WorkspaceBridge(workspace))
    qtbot.addWidget(browser)
    labels = [browser.tree.topLevelItem(i).text(0) for i in range(2)]
    assert sorted(labels) == ["FAM-55\nfrom Jo Patel", "FAM-56"]
    trainee = next(browser.tree.topLevelItem(i) for i in range(2)
                   if "Jo Patel" in browser.tree.topLevelItem(i).text(0))
    assert "Opened from Jo Patel's supervision package" in trainee.toolTip(0)


@pytest.mark.usefixtures("light_theme")
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshot_of_a_cycle_side_by_side(
    qtbot: QtBot, tmp_path: Path, size: tuple[int, int]
) -> None:
    review = make_video(tmp_path / "review", H264_BFRAMES, frames=300)
    demo_with_supervision(tmp_path / "demo", review.path)
    with Workspace.open(tmp_path / "demo") as ws:
        family = next(r for r in ws.library.recordings() if r.kind == "family")
        win = show_main_window(qtbot, tmp_path, ws, family.id)
        try:
            qtbot.waitUntil(lambda: all(card.has_poster for pair in win.browser.pairs
                                        for card in pair.cards.values()), timeout=10_000)
            shoot(qtbot, win, "shared-review-side-by-side", size)
        finally:
            win.close()
