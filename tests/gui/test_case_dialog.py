"""New Case, Case Details, the import dialog and New Workspace, in a real workspace (offscreen)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import av
import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.domain.consent import SCOPES
from vigtool.domain.records import Case
from vigtool.gui.case_dialog import CaseDialog, open_case_dialog
from vigtool.gui.consent_dialog import ConsentDialog
from vigtool.gui.import_dialog import ImportDialog, filmed_date, suggested_cycle
from vigtool.gui.main_window import MainWindow
from vigtool.gui.new_workspace import FolderState, folder_state
from vigtool.workspace import DB_NAME, Workspace

QUESTION = "I'd like to understand why he cries when I put him down."


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _fill(qtbot: QtBot, dialog: CaseDialog, code: str, question: str = "", child: str = "",
          pronoun: str = "") -> None:
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, code)
    dialog.question.clear()
    qtbot.keyClicks(dialog.question, question)
    dialog.child_name.clear()
    qtbot.keyClicks(dialog.child_name, child)
    dialog.pronoun.setCurrentIndex(dialog.pronoun.findData(pronoun))


def _dialog(host: QWidget) -> CaseDialog:
    dialog = host.findChild(CaseDialog)
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def test_new_case_makes_a_real_case(qtbot: QtBot, host: QWidget, workspace: Workspace) -> None:
    made: list[Case] = []
    open_case_dialog(host, workspace, then=made.append)
    dialog = _dialog(host)
    assert dialog.windowTitle() == "New Case"
    assert not dialog.save_button.isEnabled()  # a case needs its code first
    words = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "(a pseudonym)" in words
    assert "never their real name" in words
    assert "Never in file names" in words  # the child's name and pronoun
    _fill(qtbot, dialog, "FAM-07", QUESTION, "Mia", "she")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (case,) = workspace.caseload.cases()
    assert (case.code, case.helping_question, case.child_name, case.pronoun) == (
        "FAM-07", QUESTION, "Mia", "she")
    assert made == [case]
    assert not dialog.isVisible()
    assert workspace.undo_name == "Add Case"


def test_a_refused_code_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot, host: QWidget, workspace: Workspace
) -> None:
    workspace.caseload.add_case("FAM-01")
    open_case_dialog(host, workspace)
    dialog = _dialog(host)
    _fill(qtbot, dialog, "FAM-01", QUESTION)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)  # Return is Add Case
    assert dialog.isVisible()
    assert "already a case with the code 'FAM-01'" in dialog.problem.text()
    assert dialog.question.toPlainText() == QUESTION
    _fill(qtbot, dialog, "Mia-house", QUESTION, "Mia")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "without the child's name" in dialog.problem.text()
    assert [c.code for c in workspace.caseload.cases()] == ["FAM-01"]
    _fill(qtbot, dialog, "FAM-02", QUESTION, "Mia")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [c.code for c in workspace.caseload.cases()] == ["FAM-01", "FAM-02"]


def test_case_details_are_edited_and_undone(qtbot: QtBot, host: QWidget,
                                             workspace: Workspace) -> None:
    case = workspace.caseload.add_case("FAM-03", "Bath time", child_name="Sam", pronoun="he")
    workspace.add_consent(case.id, kind="filming", given=True)
    open_case_dialog(host, workspace, case.id)
    dialog = _dialog(host)
    assert dialog.windowTitle() == "Case Details: FAM-03"
    assert dialog.save_button.text() == "Save"
    assert (dialog.code.text(), dialog.question.toPlainText(), dialog.child_name.text(),
            dialog.pronoun.currentData()) == ("FAM-03", "Bath time", "Sam", "he")
    _fill(qtbot, dialog, "FAM-03", QUESTION, "Sam", "they")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    edited = workspace.caseload.case(case.id)
    assert (edited.helping_question, edited.pronoun) == (QUESTION, "they")
    workspace.undo()
    assert workspace.caseload.case(case.id) == case


def test_new_case_records_the_consent_ticked(qtbot: QtBot, host: QWidget,
                                             workspace: Workspace) -> None:
    open_case_dialog(host, workspace)
    dialog = _dialog(host)
    assert list(dialog.consent_ticks) == list(SCOPES)
    assert dialog.retention_own is None  # the service default until the case is filmed
    _fill(qtbot, dialog, "FAM-08")
    dialog.consent_ticks["filming"].setChecked(True)
    dialog.consent_ticks["shared-review"].setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (case,) = workspace.caseload.cases()
    state = workspace.privacy.consent_state(case.id)
    assert [k for k, s in state.items() if s.granted] == ["filming", "shared-review"]
    assert state["supervision"].status == "not asked"
    assert case.retention_until is None  # the service default


def test_case_details_set_the_retention_date_or_the_default(
    qtbot: QtBot, host: QWidget, workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.caseload.add_case("FAM-09")
    workspace.add_consent(case.id, kind="filming", given=True)
    workspace.import_recording(case.id, path=small_video.path, filmed_on="2026-10-01")
    open_case_dialog(host, workspace, case.id)
    dialog = _dialog(host)
    assert dialog.retention_default.isChecked()
    assert "2 months after the last filming" in dialog.retention_default.text()
    assert "1 Dec 2026" in dialog.retention_hint.text()
    assert dialog.consent_summary.text().startswith("Given: filming.")
    qtbot.mouseClick(dialog.consent_button, Qt.MouseButton.LeftButton)
    consent = dialog.findChild(ConsentDialog)
    assert consent is not None
    assert consent.isVisible()
    consent.record("keep-clips", given=True)
    consent.reject()
    assert "keep clips" in dialog.consent_summary.text()
    dialog.retention_own.setChecked(True)
    dialog.retention_date.setDate(QDate(2027, 3, 31))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert workspace.caseload.case(case.id).retention_until == "2027-03-31"
    assert workspace.privacy.retention(case.id).explicit

    again = open_case_dialog(host, workspace, case.id)
    assert again.retention_own.isChecked()
    assert again.retention_date.date() == QDate(2027, 3, 31)
    again.retention_default.setChecked(True)
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert workspace.caseload.case(case.id).retention_until is None
    assert workspace.privacy.retention(case.id).until == "2026-12-01"


def test_import_dialog_starts_a_case_when_there_is_none(
    qtbot: QtBot, host: QWidget, workspace: Workspace, small_video: VideoTruth
) -> None:
    dialog = ImportDialog(small_video.path, workspace, host)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.import_button.isEnabled()
    assert "New Case" in dialog.case_hint.text()
    assert dialog.choice() is None
    qtbot.mouseClick(dialog.new_case_button, Qt.MouseButton.LeftButton)
    case_dialog = dialog.findChild(CaseDialog)
    assert case_dialog is not None
    _fill(qtbot, case_dialog, "FAM-09", QUESTION, "Ali", "he")
    qtbot.mouseClick(case_dialog.save_button, Qt.MouseButton.LeftButton)
    (case,) = workspace.caseload.cases()
    assert dialog.case.currentText() == "FAM-09"
    assert dialog.import_button.isEnabled()
    assert QUESTION in dialog.case_hint.text()
    assert dialog.cycle_hint.text() == "A new cycle."
    dialog.filmed_on.setDate(QDate(2026, 3, 14))
    choice = dialog.choice()
    assert choice is not None
    assert (choice.case_id, choice.cycle, choice.filmed_on) == (case.id, 1, "2026-03-14")


def test_the_filming_date_comes_from_the_camera_or_the_file(
    tmp_path: Path, small_video: VideoTruth
) -> None:
    stamped = _with_creation_time(small_video.path, tmp_path / "stamped.mp4",
                                  "2025-03-14T10:20:30.000000Z")
    day, where = filmed_date(stamped)
    assert day is not None
    assert day.isoformat() == "2025-03-14"
    assert "camera" in where
    plain = tmp_path / "plain.mp4"
    plain.write_bytes(small_video.path.read_bytes())
    when = datetime(2026, 2, 1, 12, 0).timestamp()
    os.utime(plain, (when, when))
    day, where = filmed_date(plain)
    assert day is not None
    assert day.isoformat() == "2026-02-01"
    assert "check" in where


def test_the_cycle_moves_on_once_the_review_has_begun(
    qtbot: QtBot, host: QWidget, workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.caseload.add_case("FAM-04")
    workspace.add_consent(case.id, kind="filming", given=True)
    assert suggested_cycle(workspace, case.id) == 1
    workspace.import_recording(case.id, path=small_video.path, cycle=1)
    assert suggested_cycle(workspace, case.id) == 1  # a second film of the same visit
    dialog = ImportDialog(small_video.path, workspace, host, case.id)
    qtbot.addWidget(dialog)
    assert dialog.cycle_hint.text() == "Cycle 1 already has 1 film: this one joins it."
    workspace.review.add_reflection(case.id, cycle=1, text="He looks at me a lot.")
    assert suggested_cycle(workspace, case.id) == 2


def test_import_from_the_window_keeps_the_case_cycle_and_date(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> None:
    ws = Workspace.open(tmp_path / "ws")
    other = ws.caseload.add_case("FAM-05")
    ws.add_consent(other.id, kind="filming", given=True)
    case = ws.caseload.add_case("FAM-06")
    ws.add_consent(case.id, kind="filming", given=True)
    win = _window(qtbot, tmp_path, ws)
    stamped = _with_creation_time(small_video.path, tmp_path / "visit.mp4",
                                  "2026-11-02T09:00:00.000000Z")
    win.import_video(stamped, case_id=case.id)
    dialog = win.findChild(ImportDialog)
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.case_id() == case.id  # chosen from the browser: that case
    assert dialog.filmed_on.date() == QDate(2026, 11, 2)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.recording_id is not None, timeout=20_000)
    (rec,) = ws.library.recordings()
    assert (rec.case_id, rec.cycle, rec.filmed_on) == (case.id, 1, "2026-11-02")
    assert ws.library.recordings(other.id) == []
    win.close()
    ws.close()


def test_folders_for_a_new_workspace(tmp_path: Path) -> None:
    assert folder_state(tmp_path / "new") is FolderState.NEW
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".DS_Store").write_bytes(b"")
    assert folder_state(empty) is FolderState.EMPTY
    used = tmp_path / "used"
    used.mkdir()
    (used / "taxes.xlsx").write_bytes(b"")
    assert folder_state(used) is FolderState.IN_USE
    Workspace.open(tmp_path / "ws").close()
    assert (tmp_path / "ws" / DB_NAME).exists()
    assert folder_state(tmp_path / "ws") is FolderState.WORKSPACE


def test_new_workspace_switches_to_the_chosen_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace.open(tmp_path / "ws")
    win = _window(qtbot, tmp_path, ws)
    chosen = tmp_path / "families-2027"
    chosen.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *args, **kwargs: str(chosen)))
    win.actions_by_id["app.new_workspace"].trigger()
    assert win.switch_to == chosen
    assert not win.isVisible()  # run_gui then shows the new workspace, opened already
    assert win.next_workspace is not None
    assert win.next_workspace.root == chosen
    win.next_workspace.close()
    ws.close()


def _window(qtbot: QtBot, tmp_path: Path, ws: Workspace) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), None, "no VLC in this test",
                     settings)
    qtbot.addWidget(win)
    win.show()
    return win


def _with_creation_time(source: Path, out: Path, stamp: str) -> Path:
    """``source`` remuxed with the date a camera writes into the file."""
    with av.open(str(source)) as inp, av.open(str(out), "w") as dst:
        dst.metadata["creation_time"] = stamp
        streams = {s.index: dst.add_stream_from_template(s) for s in inp.streams
                   if s.type in ("video", "audio")}
        for packet in inp.demux():
            if packet.dts is None or packet.stream.index not in streams:
                continue
            packet.stream = streams[packet.stream.index]
            dst.mux(packet)
    return out
