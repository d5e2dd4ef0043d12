"""The export dialog builds the right request; exports run in the background, write real
files, and a cancel leaves nothing behind."""

from __future__ import annotations

import csv
from pathlib import Path

import av
import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from vigtool.demo import DEMO_CASE, build_demo
from vigtool.exports.naming import clip_name, safe_code
from vigtool.exports.request import ExportRequest, run_export
from vigtool.gui.export_dialog import AUDIENCE_LABELS, CHOICES, SESSION_LABEL, ExportDialog
from vigtool.gui.pdf import html_to_pdf
from vigtool.gui.workers import Job
from vigtool.media.cut import padded_span
from vigtool.privacy.files import TEMP_PREFIX
from vigtool.workspace import Workspace

CLIPS = "Clips chosen for the review (MP4 with sound)"
SUMMARY_PDF = "Session summary, or the practitioner's record (PDF)"
SPREADSHEET = "Moments as a spreadsheet (CSV)"
FAMILY = "For the family"
RECORD = "Practitioner's record (every moment, private notes)"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace (a real recording, three moments chosen for review), made once."""
    root = tmp_path_factory.mktemp("demo") / "ws"
    build_demo(root)
    return root


def _choose(dialog: ExportDialog, make: str, *, words: str | None = None,
            all_cycles: bool = False, audience: str = FAMILY) -> None:
    """Pick items by the words a practitioner reads, as they would."""
    dialog.what.setCurrentIndex(dialog.what.findText(make))
    assert dialog.what.currentText() == make
    dialog.audience.setCurrentIndex(dialog.audience.findText(audience))
    assert dialog.audience.currentText() == audience
    if words is not None:
        dialog.captions.setCurrentIndex(dialog.captions.findText(words))
        assert dialog.captions.currentText() == words
    scope = "All cycles" if all_cycles else "Cycle"
    dialog.scope.setCurrentIndex(dialog.scope.findText(scope, Qt.MatchFlag.MatchStartsWith))


def _run(qtbot: QtBot, ws: Workspace, request: ExportRequest) -> list[Path]:
    """Run the export as the app does (a background Job) and wait until it has finished."""
    job = Job(lambda progress, cancel: run_export(ws, request, pdf_writer=html_to_pdf,
                                                  progress=progress, cancel=cancel))
    outcome: list[object] = []
    job.succeeded.connect(outcome.append)
    job.failed.connect(lambda message: outcome.append(f"the export failed: {message}"))
    with qtbot.waitSignal(job.finished, timeout=120_000):
        job.start()
    (paths,) = outcome
    assert isinstance(paths, list), paths
    return paths


def test_choices_become_requests(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(tmp_path / "out", "FAM 01", 2)
    qtbot.addWidget(dialog)
    assert [dialog.what.itemText(i) for i in range(dialog.what.count())] == [
        c.label for c in CHOICES]
    _choose(dialog, CLIPS, words="Words written into the picture")
    dialog.pad.setValue(0.5)
    clips = dialog.request(case_id=7)
    assert (clips.kind, clips.case_id, clips.cycle, clips.out, clips.captions, clips.pad_ms) == (
        "clips", 7, 2, tmp_path / "out", "burn", 500)
    assert dialog.captions.isEnabled()
    _choose(dialog, CLIPS, words="Words as subtitles")
    assert dialog.request(case_id=7).captions == "soft"

    _choose(dialog, SUMMARY_PDF, all_cycles=True, audience=RECORD)
    record = dialog.request(case_id=7)
    assert (record.kind, record.audience, record.cycle) == ("summary", "practitioner", None)
    assert record.out == tmp_path / "out" / f"{safe_code('FAM 01')}-record.pdf"
    assert not dialog.captions.isEnabled()
    assert dialog.where.text() == f"The record is saved as {record.out}"

    _choose(dialog, "Session summary (web page)")
    family = dialog.request(case_id=7)
    assert (family.kind, family.audience, family.out) == (
        "summary", "family", tmp_path / "out" / f"{safe_code('FAM 01')}-c2-summary.html")
    _choose(dialog, "One highlight film of the chosen clips")
    assert dialog.titles.isEnabled()
    dialog.titles.setChecked(False)
    reel = dialog.request(case_id=7)
    assert (reel.kind, reel.out, reel.title_cards) == (
        "reel", tmp_path / "out" / f"{safe_code('FAM 01')}-c2-highlights.mp4", False)


def test_the_chosen_clips_are_written_padded_with_their_words(
    qtbot: QtBot, demo: Path, tmp_path: Path
) -> None:
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        chosen = ws.annotations.review_moments(case.id, 1)
        dialog = ExportDialog(tmp_path / "clips", DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        _choose(dialog, CLIPS, words="Words as subtitles")
        dialog.pad.setValue(0.5)
        paths = _run(qtbot, ws, dialog.request(case.id))
        spans = [padded_span(ws.library.frame_index(m.recording_id), m.start_frame, m.end_frame,
                             500, 500) for m in chosen]
        assert ws.privacy.audit_log(case.id)[-1].action == "export"
    names = [clip_name(DEMO_CASE, 1, n) for n in range(1, len(chosen) + 1)]
    assert [p.name for p in paths] == names
    assert sorted(p.name for p in (tmp_path / "clips").iterdir()) == names
    for path, (first, last), moment in zip(paths, spans, chosen, strict=True):
        with av.open(str(path)) as clip:
            kinds = sorted(s.type for s in clip.streams)
            frames = sum(1 for _ in clip.decode(video=0))
        assert kinds == ["audio", "subtitle", "video"], path.name
        assert frames == last - first + 1 > moment.frame_count, path.name


def _rows(path: Path) -> list[tuple[str, int, int, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [(r["title"], int(r["start_frame"]), int(r["end_frame"]),
                 r["selected_for_review"]) for r in csv.DictReader(f)]


def test_the_spreadsheet_has_one_row_per_moment_the_audience_may_see(
    qtbot: QtBot, demo: Path, tmp_path: Path
) -> None:
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        (recording,) = ws.recordings(case.id)
        moments = ws.moments(recording.id)
        dialog = ExportDialog(tmp_path, DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        _choose(dialog, SPREADSHEET, audience=RECORD)
        record = _run(qtbot, ws, dialog.request(case.id))
        _choose(dialog, SPREADSHEET)
        family = _run(qtbot, ws, dialog.request(case.id))
    assert record == [tmp_path / "DEMO-01-c1-moments-practitioner.csv"]
    assert family == [tmp_path / "DEMO-01-c1-moments.csv"]
    assert sorted(tmp_path.iterdir()) == sorted([*family, *record])
    every = [(m.title, m.start_frame, m.end_frame, "yes" if m.selected_for_review else "no")
             for m in moments]
    assert _rows(record[0]) == every
    assert _rows(family[0]) == [row for row in every if row[3] == "yes"]
    assert len(_rows(family[0])) < len(every)


def test_a_cancelled_export_leaves_nothing_behind(
    qtbot: QtBot, demo: Path, tmp_path: Path
) -> None:
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        exports_before = len(ws.privacy.audit_log(case.id))
        dialog = ExportDialog(tmp_path / "clips", DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        # Burned-in words: every frame is re-encoded, so the first clip is still being cut.
        _choose(dialog, CLIPS, words="Words written into the picture")
        request = dialog.request(case.id)
        job = Job(lambda progress, cancel: run_export(ws, request, progress=progress,
                                                      cancel=cancel))
        progressed: list[int] = []

        def cancel_halfway_through_the_first_clip(done: int, total: int) -> None:
            progressed.append(done)
            if done >= total // 6:  # three clips: half of the first one is written
                job.cancel()

        job.progressed.connect(cancel_halfway_through_the_first_clip)
        with qtbot.assertNotEmitted(job.succeeded), \
                qtbot.waitSignals([job.cancelled, job.finished], timeout=30_000):
            job.start()
        log = ws.privacy.audit_log(case.id)[exports_before:]
        assert [e.action for e in log] == ["export-started", "export-cancelled"]
    assert progressed, "the export never started, so the cancel proved nothing"
    folder = tmp_path / "clips"
    left = [p.name for p in folder.iterdir()] if folder.exists() else []
    assert left == []


def test_who_the_export_is_for_is_chosen_in_plain_words(qtbot: QtBot, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    family_folder = workspace / "exports" / f"{safe_code('FAM 01')}-c2"
    dialog = ExportDialog(family_folder, "FAM 01", 2, workspace=workspace,
                          settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    assert [dialog.audience.itemText(i) for i in range(dialog.audience.count())] == [
        FAMILY, RECORD, "Peer group (intervision)", "Training and teaching"]
    assert AUDIENCE_LABELS["family"] == dialog.audience.currentText() == FAMILY
    assert "no private notes" in dialog.holds.text()
    assert "consent to shared review" in dialog.holds.text()
    assert dialog.what.currentText() == SESSION_LABEL

    _choose(dialog, CLIPS, audience="Peer group (intervision)")
    assert "consent to intervision" in dialog.holds.text()
    peer = dialog.request(case_id=7)
    assert (peer.audience, peer.everything) == ("intervision", False)
    # The folder follows the audience: a peer group's files never go into the family's folder.
    assert peer.out == family_folder.with_name(f"{safe_code('FAM 01')}-c2-intervision")
    assert not dialog.every.isEnabled()

    _choose(dialog, CLIPS, audience=RECORD)
    assert "every moment" in dialog.holds.text()
    assert dialog.every.isEnabled()
    dialog.every.setChecked(True)
    record = dialog.request(case_id=7)
    assert (record.audience, record.everything) == ("practitioner", True)
    assert record.out.name == f"{safe_code('FAM 01')}-c2-practitioner"
    _choose(dialog, "Stills of the chosen clips, with their words", audience=RECORD)
    assert not dialog.every.isEnabled()
    assert not dialog.request(case_id=7).everything

    dialog.folder.setText(str(tmp_path / "usb-stick"))  # a folder of one's own stays put
    _choose(dialog, CLIPS)
    assert dialog.request(case_id=7).out == tmp_path / "usb-stick"


# --- everything for this session, asking before replacing, remembering ----------------------

SESSION = "Everything for this session (clips, highlight film, stills, summary)"


def test_everything_for_this_session_is_one_request_for_this_cycle(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = ExportDialog(tmp_path / "out", "FAM 01", 2)
    qtbot.addWidget(dialog)
    assert dialog.what.itemText(0) == SESSION  # the first thing offered
    _choose(dialog, SESSION, words="Words as subtitles", all_cycles=True)
    dialog.pad.setValue(1.5)
    dialog.fade.setValue(0.3)
    assert dialog.pad.suffix() == " s"
    assert not dialog.scope.isEnabled()  # a session is one cycle
    assert dialog.titles.isEnabled()
    assert dialog.captions.isEnabled()
    folder = tmp_path / "out" / f"{safe_code('FAM 01')}-c2"
    assert dialog.where.text() == f"Everything goes into {folder}"
    request = dialog.request(case_id=7)
    assert (request.kind, request.cycle, request.out, request.captions, request.pad_ms,
            request.fade_ms) == ("session", 2, tmp_path / "out", "soft", 1500, 300)


def test_the_dialog_asks_before_replacing_and_says_how_many(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / clip_name("FAM 01", 2, n)).write_bytes(b"earlier clip")
    (folder / clip_name("FAM 01", 1, 1)).write_bytes(b"another cycle: not replaced")
    dialog = ExportDialog(folder, "FAM 01", 2)
    qtbot.addWidget(dialog)
    dialog.show()
    _choose(dialog, CLIPS)
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    box = dialog.replace_box
    assert box is not None
    assert box.isVisible()
    assert "3 files" in box.text()
    assert clip_name("FAM 01", 2, 1) in box.informativeText()
    keep = next(b for b in box.buttons() if b.text() == "Keep them")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.result() != ExportDialog.DialogCode.Accepted

    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    box = dialog.replace_box
    assert box is not None
    replace = next(b for b in box.buttons() if b.text() == "Replace 3")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(replace, Qt.MouseButton.LeftButton)
    assert dialog.result() == ExportDialog.DialogCode.Accepted


def test_nothing_to_replace_exports_without_asking(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(tmp_path / "new", "FAM 01", 2)
    qtbot.addWidget(dialog)
    dialog.show()
    _choose(dialog, SESSION)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    assert dialog.replace_box is None


def test_the_dialog_remembers_its_last_choices_for_each_workspace(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first, other = tmp_path / "ws-a", tmp_path / "ws-b"

    def dialog_for(workspace: Path) -> ExportDialog:
        dialog = ExportDialog(workspace / "exports" / "FAM_01-c2", "FAM 01", 2,
                              settings=settings)
        qtbot.addWidget(dialog)
        return dialog

    dialog = dialog_for(first)
    _choose(dialog, "Stills of the chosen clips, with their words", words="Words as subtitles",
            audience="Training and teaching")
    dialog.pad.setValue(1.5)
    dialog.titles.setChecked(False)
    dialog.folder.setText(str(tmp_path / "usb-stick"))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.accept()
    settings.sync()

    again = dialog_for(first)
    assert again.what.currentText() == "Stills of the chosen clips, with their words"
    assert again.audience.currentText() == "Training and teaching"
    assert again.captions.currentText() == "Words as subtitles"
    assert again.pad.value() == 1.5
    assert not again.titles.isChecked()
    assert again.folder.text() == str(tmp_path / "usb-stick")
    fresh = dialog_for(other)
    assert fresh.what.currentText() == SESSION
    assert fresh.audience.currentText() == FAMILY
    assert fresh.pad.value() == 0.0
    assert fresh.titles.isChecked()
    assert fresh.folder.text() == str(other / "exports" / "FAM_01-c2")


def test_everything_for_the_session_lands_in_one_folder(
    qtbot: QtBot, demo: Path, tmp_path: Path
) -> None:
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        chosen = ws.annotations.review_moments(case.id, 1)
        dialog = ExportDialog(tmp_path, DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        _choose(dialog, SESSION)
        paths = _run(qtbot, ws, dialog.request(case.id))
        assert "everything for the session" in ws.privacy.audit_log(case.id)[-1].detail
    folder = tmp_path / "DEMO-01-c1"
    names = [clip_name(DEMO_CASE, 1, n) for n in (1, 2, 3)] + [
        "DEMO-01-c1-highlights.mp4",
        "DEMO-01-c1-still01.png", "DEMO-01-c1-still02.png", "DEMO-01-c1-still03.png",
        "DEMO-01-c1-summary.pdf"]  # the family's: no practitioner's record
    assert [p.name for p in paths] == sorted(names)
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)  # nothing else left
    with av.open(str(folder / "DEMO-01-c1-highlights.mp4")) as reel:
        frames = sum(1 for _ in reel.decode(video=0))
    assert frames > sum(m.frame_count for m in chosen)  # the moments and their title cards
    assert (folder / "DEMO-01-c1-summary.pdf").read_bytes().startswith(b"%PDF")


def test_the_practitioners_session_holds_the_record_in_its_own_folder(
    qtbot: QtBot, demo: Path, tmp_path: Path
) -> None:
    family = tmp_path / "DEMO-01-c1"
    family.mkdir()
    (family / "DEMO-01-c1-summary.pdf").write_bytes(b"the family's, kept")
    killed = tmp_path / "DEMO-01-c1-practitioner" / f"{TEMP_PREFIX}killed-export"
    killed.mkdir(parents=True)  # what an export killed mid-way left: nobody holds it
    (killed / "DEMO-01-c1-clip01-practitioner.mp4").write_bytes(b"half a clip")
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        dialog = ExportDialog(family, DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        _choose(dialog, SESSION, audience=RECORD)
        paths = _run(qtbot, ws, dialog.request(case.id))
        assert "everything for the session for the practitioner's record" in (
            ws.privacy.audit_log(case.id)[-1].detail)
    folder = tmp_path / "DEMO-01-c1-practitioner"  # beside the family's folder, not in it
    assert [p.name for p in paths] == sorted(
        [clip_name(DEMO_CASE, 1, n, "practitioner") for n in (1, 2, 3)]
        + [f"DEMO-01-c1-still0{n}-practitioner.png" for n in (1, 2, 3)]
        + ["DEMO-01-c1-highlights-practitioner.mp4", "DEMO-01-c1-record.pdf"])
    assert {p.parent for p in paths} == {folder}
    assert sorted(folder.iterdir()) == paths  # the killed export's work folder is gone
    assert [p.name for p in family.iterdir()] == ["DEMO-01-c1-summary.pdf"]
    assert (folder / "DEMO-01-c1-record.pdf").read_bytes().startswith(b"%PDF")


def test_a_cancelled_session_export_keeps_what_was_there(
    qtbot: QtBot, demo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "DEMO-01-c1"
    folder.mkdir()
    earlier = {clip_name(DEMO_CASE, 1, n): f"earlier clip {n}".encode() for n in (1, 2, 3, 4)}
    for name, data in earlier.items():
        (folder / name).write_bytes(data)
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        dialog = ExportDialog(tmp_path, DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        _choose(dialog, SESSION)
        request = dialog.request(case.id)
        job = Job(lambda progress, cancel: run_export(ws, request, pdf_writer=html_to_pdf,
                                                      progress=progress, cancel=cancel))
        seen: list[int] = []

        def cancel_while_making_the_reel(done: int, total: int) -> None:
            seen.append(done)
            if done >= 600:  # the clips are cut and the reel is being joined
                job.cancel()

        job.progressed.connect(cancel_while_making_the_reel)
        with qtbot.assertNotEmitted(job.succeeded), \
                qtbot.waitSignals([job.cancelled, job.finished], timeout=60_000):
            job.start()
    assert seen
    assert max(seen) >= 600
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == earlier
