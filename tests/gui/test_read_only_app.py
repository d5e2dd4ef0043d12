"""One writer per workspace, in the app: a busy workspace is offered read-only (or again,
or another), and a read-only window says so and changes nothing."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.errors import ReadOnlyWorkspace
from vigtool.gui import app as app_module
from vigtool.gui import file_commands
from vigtool.gui.workspace_opening import BusyChoice, busy_box, open_workspace
from vigtool.workspace import Workspace

from .windows import show_main_window


@pytest.fixture
def held(tmp_path: Path, small_video: VideoTruth) -> Iterator[tuple[Workspace, int]]:
    """A workspace with one film, held open for writing (by "another program")."""
    ws = Workspace.open(tmp_path / "ws")
    case = ws.add_case("FAM-61")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=small_video.path)
    ws.add_moment(rec.id, start_frame=3, end_frame=9, title="A look")
    yield ws, rec.id
    ws.close()


class Answers:
    """What the person answers each time the workspace is busy, and what they were told."""

    def __init__(self, *choices: BusyChoice) -> None:
        self.choices = list(choices)
        self.told: list[str] = []

    def __call__(self, parent: object, folder: Path, message: str) -> BusyChoice:
        self.told.append(message)
        return self.choices.pop(0)


def test_the_busy_question_offers_read_only_again_or_another(tmp_path: Path) -> None:
    box, choices = busy_box(None, tmp_path, "/x is already open in the vigtool app (...)")
    assert isinstance(box, QMessageBox)
    assert "open in another program" in box.text()
    assert "/x is already open in the vigtool app" in box.informativeText()
    assert sorted((b.text(), c.value) for b, c in choices.items()) == sorted([
        ("Open Read-Only", "read-only"), ("Try Again", "try again"),
        ("Choose Another Workspace...", "choose another"), ("Cancel", "cancel")])
    box.deleteLater()


def test_a_busy_workspace_opens_read_only_and_the_window_says_so(
    qtbot: QtBot, tmp_path: Path, held: tuple[Workspace, int]
) -> None:
    holder, rec_id = held
    answers = Answers(BusyChoice.READ_ONLY)
    ws = open_workspace(holder.root, ask=answers)
    assert ws is not None
    assert ws.read_only
    assert "is already open in" in answers.told[0]
    with pytest.raises(ReadOnlyWorkspace):
        ws.add_case("FAM-62")
    win = show_main_window(qtbot, tmp_path, ws, rec_id)
    assert win.windowTitle().endswith("(read-only)")
    assert win.statusBar().findChild(QLabel, "readOnlyNote") is not None
    for action_id in ("app.open_video", "app.new_case", "tag.in", "tag.quick", "tag.review",
                      "moment.delete", "app.export", "app.review", "case.purge"):
        assert not win.actions_by_id[action_id].isEnabled(), action_id
    assert win.actions_by_id["app.audit_log"].isEnabled()  # looking is fine
    assert win.actions_by_id["player.play"].isEnabled()
    assert not win.browser.new_case_button.isEnabled()
    assert not win.acceptDrops()
    assert [m.title for m in win.timeline.shown_moments()] == ["A look"]
    win.close()
    ws.close()


def test_try_again_and_choose_another(tmp_path: Path, held: tuple[Workspace, int]) -> None:
    holder, _ = held
    other = tmp_path / "other"

    def close_holder_then_retry(parent: object, folder: Path, message: str) -> BusyChoice:
        holder.close()  # the other program has closed it meanwhile
        return BusyChoice.TRY_AGAIN

    answers = Answers(BusyChoice.TRY_AGAIN, BusyChoice.CHOOSE_OTHER)
    ws = open_workspace(holder.root, ask=answers, choose=lambda parent: other)
    assert ws is not None
    assert not ws.read_only
    assert ws.root == other
    assert len(answers.told) == 2  # still busy on the first try
    ws.close()
    assert open_workspace(holder.root, ask=Answers(BusyChoice.CANCEL)) is None
    ws = open_workspace(holder.root, ask=close_holder_then_retry)
    assert ws is not None
    assert not ws.read_only
    ws.close()


def test_switching_to_a_busy_workspace_and_cancelling_keeps_the_window(
    qtbot: QtBot, tmp_path: Path, held: tuple[Workspace, int],
    monkeypatch: pytest.MonkeyPatch, small_video: VideoTruth,
) -> None:
    holder, _ = held
    mine = Workspace.open(tmp_path / "mine")
    case = mine.add_case("FAM-63")
    mine.add_consent(case.id, kind="filming", given=True)
    rec = mine.import_recording(case.id, path=small_video.path)
    win = show_main_window(qtbot, tmp_path, mine, rec.id)
    answers = Answers(BusyChoice.CANCEL)
    monkeypatch.setattr(file_commands, "open_workspace", partial(open_workspace, ask=answers))
    win._switch_workspace(str(holder.root))
    assert answers.told
    assert win.isVisible()
    assert win.switch_to is None
    win.close()
    mine.close()


def test_an_edit_refused_in_a_view_is_one_line_in_the_status_bar(
    qtbot: QtBot, tmp_path: Path, held: tuple[Workspace, int]
) -> None:
    holder, rec_id = held
    ws = Workspace.open(holder.root, read_only=True)
    win = show_main_window(qtbot, tmp_path, ws, rec_id)
    with app_module._errors_in_status_bar(lambda: win):
        try:
            ws.update_moment(ws.annotations.moments(rec_id)[0].id, title="B")
        except ReadOnlyWorkspace as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)  # what Qt does with a slot's
    assert win.statusBar().currentMessage().startswith(
        "Edit Moment: this workspace is open read-only")
    win.close()
    ws.close()
