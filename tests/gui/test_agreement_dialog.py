"""Compare Coders: two coders' moments on one film, the figures of a hand-worked example
with their sentences, per code, the disagreements, and going to one from the list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QListWidgetItem
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from tests.gui import supervision_setup
from tests.gui.supervision_setup import (
    ME,
    SIZES,
    SUPERVISOR,
    demo_with_supervision,
    shoot,
)
from tests.gui.windows import show_main_window
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.domain.records import NewMoment
from vigtool.gui.agreement_dialog import AgreementDialog
from vigtool.gui.main_window import MainWindow
from vigtool.workspace import Workspace

light_theme = supervision_setup.light_theme  # the fixture, shared with the other supervision tests

BOOK = builtin_codebook(DEFAULT_CODEBOOK_ID)


@pytest.fixture
def two_coders(tmp_path: Path, small_video: VideoTruth) -> Iterator[tuple[Workspace, int]]:
    """At 30 fps (half a second = 15 frames): the practitioner tagged A (frames 0-9, Being
    attentive) and B (30-39, Guiding); the supervisor tagged A' (1-10, Being attentive),
    which matches A, and C (50-55, Guiding), 20 frames after B: too far to match."""
    ws = Workspace.open(tmp_path / "ws")
    ws.supervision.set_my_name(ME)
    case = ws.add_case("FAM-31")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=small_video.path)
    ws.add_moment(rec.id, start_frame=0, end_frame=9, codes=["being-attentive"])
    ws.add_moment(rec.id, start_frame=30, end_frame=39, codes=["guiding"])
    ws.annotations.add_annotations(rec.id, moments=[
        NewMoment(1, 10, ("being-attentive",), coder=SUPERVISOR, locked=True),
        NewMoment(50, 55, ("guiding",), coder=SUPERVISOR, locked=True)])
    yield ws, rec.id
    ws.close()


def _value(dialog: AgreementDialog, part: str, key: str) -> str:
    label = dialog.figures.findChild(QLabel, f"value-{part}-{key}")
    assert label is not None
    return label.text()


def _sentence(dialog: AgreementDialog, part: str, key: str) -> str:
    label = dialog.figures.findChild(QLabel, f"sentence-{part}-{key}")
    assert label is not None
    assert label.isVisibleTo(dialog)
    return label.text()


def _dialog(qtbot: QtBot, ws: Workspace, recording_id: int) -> AgreementDialog:
    dialog = AgreementDialog(ws, recording_id, BOOK)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 680)
    dialog.show()
    return dialog


def test_the_coders_are_those_whose_moments_are_on_the_film(
    qtbot: QtBot, two_coders: tuple[Workspace, int]
) -> None:
    dialog = _dialog(qtbot, *two_coders)
    names = [dialog.first.itemText(i) for i in range(dialog.first.count())]
    assert names == [f"{ME} (you)", SUPERVISOR]
    assert (dialog.first.currentText(), dialog.second.currentText()) == (f"{ME} (you)",
                                                                           SUPERVISOR)
    assert dialog.tolerance.value() == 500


def test_the_figures_are_the_hand_worked_ones_each_with_its_sentence(
    qtbot: QtBot, two_coders: tuple[Workspace, int]
) -> None:
    dialog = _dialog(qtbot, *two_coders)
    assert dialog.counts.text() == f"{ME} (you): 2 moments · {SUPERVISOR}: 2 moments · matched: 1"
    # 1 of 2 matched each way; the one pair agrees on its code but both coders used one code
    # only among the pairs, so kappa cannot be worked out (shown "–", and the sentence says why)
    assert [_value(dialog, "event", k) for k in ("precision", "recall", "f1", "kappa")] == [
        "0.50", "0.50", "0.50", "–"]
    assert dialog.agreement is not None
    for part, figures in (("event", dialog.agreement.event.named()),
                          ("time", dialog.agreement.time.named())):
        for key, figure in figures:
            assert _sentence(dialog, part, key) == figure.explanation
    assert "cannot be worked out" in _sentence(dialog, "event", "kappa")
    scopes = [dialog.scopes.item(i).text().split("\n")[0] for i in range(dialog.scopes.count())]
    assert scopes == ["Overall", "Being attentive", "Guiding"]
    dialog.scopes.setCurrentRow(1)  # Being attentive: its one pair matched
    assert [_value(dialog, "event", k) for k in ("precision", "recall", "f1")] == [
        "1.00", "1.00", "1.00"]
    dialog.scopes.setCurrentRow(2)  # Guiding: B and C never match
    assert [_value(dialog, "event", k) for k in ("precision", "recall", "f1")] == [
        "0.00", "0.00", "0.00"]


def test_the_tolerance_changes_what_matches(
    qtbot: QtBot, two_coders: tuple[Workspace, int]
) -> None:
    dialog = _dialog(qtbot, *two_coders)
    dialog.tolerance.setValue(0)  # A and A' are a frame apart: no longer the same moment
    assert _value(dialog, "event", "precision") == "0.00"
    assert dialog.disagreements.count() == 4
    dialog.tolerance.setValue(700)  # 20 frames at 30 fps is 667 ms: B and C match now
    assert _value(dialog, "event", "precision") == "1.00"
    assert dialog.disagreements.count() == 0 or "None" in dialog.disagreements.item(0).text()


def _items(dialog: AgreementDialog) -> list[QListWidgetItem]:
    return [dialog.disagreements.item(i) for i in range(dialog.disagreements.count())]


def test_each_disagreement_says_who_had_what_and_goes_to_its_frame(
    qtbot: QtBot, tmp_path: Path, two_coders: tuple[Workspace, int]
) -> None:
    ws, recording_id = two_coders
    win = show_main_window(qtbot, tmp_path, ws, recording_id)
    try:
        dialog = win.open_compare()
        assert isinstance(dialog, AgreementDialog)
        texts = [item.text() for item in _items(dialog)]
        assert texts == [
            f"0:01.00–0:01.33 (frame 30)\n{ME} (you): Guiding\n{SUPERVISOR}: (nothing there)",
            f"0:01.67–0:01.87 (frame 50)\n{ME} (you): (nothing there)\n{SUPERVISOR}: Guiding"]
        dialog.disagreements.itemActivated.emit(_items(dialog)[1])
        assert win.player.frame == 50
        dialog.disagreements.itemClicked.emit(_items(dialog)[0])
        assert win.player.frame == 30
        dialog.close()
    finally:
        win.close()


def test_one_coder_only_says_what_comparing_needs(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case("FAM-32")
        ws.add_consent(case.id, kind="filming", given=True)
        rec = ws.import_recording(case.id, path=small_video.path)
        ws.add_moment(rec.id, start_frame=0, end_frame=9)
        dialog = _dialog(qtbot, ws, rec.id)
        assert "Only one coder has tagged this film" in dialog.counts.text()
        assert dialog.scopes.count() == 0
        assert dialog.disagreements.count() == 0
        dialog.close()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.usefixtures("light_theme")
def test_screenshot_of_the_agreement_view(
    qtbot: QtBot, tmp_path: Path, size: tuple[int, int]
) -> None:
    demo_with_supervision(tmp_path / "demo")
    ws = Workspace.open(tmp_path / "demo")
    film = ws.library.recordings()[0]
    win: MainWindow = show_main_window(qtbot, tmp_path, ws, film.id)
    try:
        dialog = win.open_compare()
        assert isinstance(dialog, AgreementDialog)
        dialog.resize(min(1100, size[0] - 60), min(680, size[1] - 60))
        assert dialog.agreement is not None
        assert dialog.agreement.event.matched == 3
        shoot(qtbot, win, "agreement-view", size, dialog)
        dialog.close()
    finally:
        win.close()
        ws.close()
