"""Supervision packages from the app: made through the dialog with a passphrase typed twice,
opened in the supervisor's own workspace, commented on, and the comments sent back land on
the trainee's film at the same frames. A wrong passphrase or missing consent: one line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from sample_clips.kinds import VideoTruth
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.gui.consent_dialog import ConsentDialog
from vigtool.gui.main_window import MainWindow
from vigtool.gui.package_dialogs import CASE_KIND, PackageDialog
from vigtool.gui.passphrase_dialog import NEVER_STORED, PassphraseDialog
from vigtool.workspace import Workspace

PASSPHRASE = "green kite over the hill"
TRAINEE, SUPERVISOR = "Jo Patel", "Dr Sam Rivera"


def _window(qtbot: QtBot, folder: Path, ws: Workspace) -> MainWindow:
    folder.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ws, builtin_codebook(DEFAULT_CODEBOOK_ID), None, "no VLC here", settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _trainee(root: Path, video: VideoTruth, *, supervision: bool = True) -> tuple[Workspace, int]:
    ws = Workspace.open(root)
    ws.supervision.set_my_name(TRAINEE)
    case = ws.add_case("FAM-61", helping_question="How can I help him settle?")
    ws.add_consent(case.id, kind="filming", given=True)
    if supervision:
        ws.add_consent(case.id, kind="supervision", given=True)
    rec = ws.import_recording(case.id, path=video.path)
    ws.add_moment(rec.id, start_frame=10, end_frame=29, codes=["being-attentive"],
                  title="A look", selected_for_review=True, review_order=1)
    return ws, rec.id


def _type_passphrase(qtbot: QtBot, fields: list[QLineEdit], text: str) -> None:
    for field in fields:
        field.clear()
        qtbot.keyClicks(field, text)


def _make(qtbot: QtBot, win: MainWindow, dialog: PackageDialog, out: Path) -> None:
    dialog.out.setText(str(out))
    _type_passphrase(qtbot, [dialog.passphrase.first, dialog.passphrase.second], PASSPHRASE)
    assert dialog.make_button.isEnabled(), dialog.consent_text.text()
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win._jobs, timeout=60_000)
    assert out.exists(), win.statusBar().currentMessage()


def _open(qtbot: QtBot, win: MainWindow, path: Path, passphrase: str, box: str) -> QMessageBox:
    dialog = win.open_package(path)
    assert isinstance(dialog, PassphraseDialog)
    assert dialog.fields.first.echoMode() == QLineEdit.EchoMode.Password
    _type_passphrase(qtbot, [dialog.fields.first], passphrase)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, box) is not None and not win._jobs,
                    timeout=60_000)
    found = win.findChild(QMessageBox, box)
    assert found is not None
    return found


def test_a_package_goes_to_the_supervisor_and_the_comments_come_back_at_the_same_frame(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> None:
    trainee, film = _trainee(tmp_path / "trainee", small_video)
    supervisor = Workspace.open(tmp_path / "supervisor")
    supervisor.supervision.set_my_name(SUPERVISOR)
    out = tmp_path / "stick"
    out.mkdir()
    win = _window(qtbot, tmp_path / "t", trainee)
    sup = _window(qtbot, tmp_path / "s", supervisor)
    try:
        win.open_recording(film)
        dialog = win.make_package()
        assert isinstance(dialog, PackageDialog)
        assert dialog.kind == CASE_KIND
        suggested = Path(dialog.out.text()).name
        assert suggested == f"supervision-{date.today().isoformat()}.vigpack"  # no case code
        assert (dialog.case.currentText(), dialog.cycle.currentText()) == ("FAM-61", "Cycle 1")
        _make(qtbot, win, dialog, out / suggested)

        opened = _open(qtbot, sup, out / suggested, PASSPHRASE, "packageOpened")
        assert f"{TRAINEE}'s supervision package" in opened.informativeText()
        opened.close()
        (case,) = supervisor.caseload.cases()
        assert case.supervisee == TRAINEE
        (clip,) = supervisor.library.recordings(case.id)
        assert sup.recording_id == clip.id  # it opens at its first clip
        assert clip.offset_frame == 10
        assert [m.locked for m in supervisor.annotations.moments(clip.id)] == [True]
        assert sup.timeline._lane is not None
        assert sup.timeline.comments.shown

        sup._seek_paused(5)
        sup.tagger.select(None)
        sup.actions_by_id["supervision.comment"].trigger()  # Shift+C (keys: the lane's tests)
        qtbot.keyClicks(sup.comments_panel.compose, "She looks back at you here")
        qtbot.keyClick(sup.comments_panel.compose, Qt.Key.Key_Return)
        back = sup.send_comments()
        assert isinstance(back, PackageDialog)
        assert back.case_id() == case.id
        assert Path(back.out.text()).name.startswith("supervision-comments-")
        _make(qtbot, sup, back, out / "back.vigpack")

        came = _open(qtbot, win, out / "back.vigpack", PASSPHRASE, "packageOpened")
        came.close()
        comments = trainee.supervision.comments(film)
        assert [(c.start_frame, c.end_frame, c.author, c.text) for c in comments] == [
            (15, 15, SUPERVISOR, "She looks back at you here")]  # clip frame 5 + offset 10
        assert [m.comment_id for m in win.timeline.comments.marks] == [comments[0].id]
    finally:
        win.close()
        sup.close()
        supervisor.close()
        trainee.close()


def test_a_wrong_passphrase_is_one_line_and_nothing_comes_in(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> None:
    trainee, _film = _trainee(tmp_path / "trainee", small_video)
    other = Workspace.open(tmp_path / "other")
    win = _window(qtbot, tmp_path / "t", trainee)
    look = _window(qtbot, tmp_path / "o", other)
    try:
        dialog = win.make_package()
        assert isinstance(dialog, PackageDialog)
        _make(qtbot, win, dialog, tmp_path / "p.vigpack")
        problem = _open(qtbot, look, tmp_path / "p.vigpack", "not the passphrase", "packageProblem")
        assert problem.text() == ("This package could not be opened: the passphrase is wrong "
                                  "or the file has been changed; nothing was imported")
        assert "Try Again..." in [b.text() for b in problem.buttons()]
        problem.close()
        assert other.caseload.cases() == []
    finally:
        win.close()
        look.close()
        other.close()
        trainee.close()


def test_the_passphrase_is_asked_twice_unseen_and_never_stored(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> None:
    trainee, _ = _trainee(tmp_path / "trainee", small_video)
    try:
        case = trainee.caseload.cases()[0]
        dialog = PackageDialog(trainee, CASE_KIND, case.id, None)
        qtbot.addWidget(dialog)
        dialog.show()
        fields = dialog.passphrase
        assert fields.first.echoMode() == fields.second.echoMode() == QLineEdit.EchoMode.Password
        assert fields.stored.text() == NEVER_STORED
        assert fields.stored.isVisible()
        _type_passphrase(qtbot, [fields.first, fields.second], "too short")
        assert not dialog.make_button.isEnabled()
        assert fields.problem.text() == "At least 10 characters (9 so far)."
        _type_passphrase(qtbot, [fields.first], PASSPHRASE)
        assert not dialog.make_button.isEnabled()  # the second one differs
        assert fields.problem.text().startswith("Type the same passphrase again")
        _type_passphrase(qtbot, [fields.second], PASSPHRASE)
        assert dialog.make_button.isEnabled()
        assert PASSPHRASE not in Path(dialog.out.text()).read_text() \
            if Path(dialog.out.text()).exists() else True
    finally:
        trainee.close()
    settings = (tmp_path / "trainee" / "workspace.db").read_bytes()
    assert PASSPHRASE.encode() not in settings


def test_without_consent_to_supervision_there_is_no_package_and_a_way_to_record_it(
    qtbot: QtBot, tmp_path: Path, small_video: VideoTruth
) -> None:
    trainee, film = _trainee(tmp_path / "trainee", small_video, supervision=False)
    win = _window(qtbot, tmp_path / "t", trainee)
    try:
        win.open_recording(film)
        refusal = win.make_package()
        assert isinstance(refusal, QMessageBox)
        assert refusal.objectName() == "supervisionConsentMissing"
        assert refusal.informativeText().startswith("Cannot make a supervision package: for "
                                                    "case FAM-61, no consent to showing clips")
        consent = next(b for b in refusal.buttons() if b.text() == "Consent...")
        consent.click()
        qtbot.waitUntil(lambda: win.findChild(ConsentDialog) is not None, timeout=3000)
        win.findChild(ConsentDialog).reject()
        case = trainee.caseload.cases()[0]
        dialog = PackageDialog(trainee, CASE_KIND, case.id, None)  # the dialog says it too
        qtbot.addWidget(dialog)
        dialog.show()
        _type_passphrase(qtbot, [dialog.passphrase.first, dialog.passphrase.second], PASSPHRASE)
        assert not dialog.make_button.isEnabled()
        assert dialog.consent.isVisible()
        assert dialog.consent_button.isVisible()
        assert "supervision" in dialog.consent_text.text()
        trainee.add_consent(case.id, kind="supervision", given=True)
        dialog._update()
        assert dialog.make_button.isEnabled()
        assert not dialog.consent.isVisible()
        assert list(tmp_path.glob("**/*.vigpack")) == []
    finally:
        win.close()
        trainee.close()


@pytest.mark.parametrize("kind", ["case", "comments"])
def test_each_kind_lists_only_its_cases(qtbot: QtBot, workspace: Workspace, kind: str) -> None:
    workspace.caseload.add_case("OWN-01")
    workspace.supervision.add_supervisee_case("FAM-71", "", supervisee=TRAINEE)
    dialog = PackageDialog(workspace, kind, None, None)
    qtbot.addWidget(dialog)
    listed = [dialog.case.itemText(i) for i in range(dialog.case.count())]
    assert listed == (["OWN-01"] if kind == "case" else [f"FAM-71 (from {TRAINEE})"])
