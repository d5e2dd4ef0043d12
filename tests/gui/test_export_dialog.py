"""The export dialog builds the right request; exports run in the background and cancel cleanly."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from vigtool.demo import DEMO_CASE, build_demo
from vigtool.exports.request import run_export
from vigtool.gui.export_dialog import CHOICES, ExportDialog
from vigtool.gui.workers import Job
from vigtool.workspace import Workspace


def test_choices_become_requests(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportDialog(tmp_path / "out", "FAM 01", 2)
    qtbot.addWidget(dialog)
    labels = [label for _, _, label, _ in CHOICES]
    dialog.what.setCurrentIndex(labels.index("Clips chosen for the review (MP4 with sound)"))
    dialog.captions.setCurrentIndex(2)
    dialog.pad.setValue(500)
    clips = dialog.request(case_id=7)
    assert (clips.kind, clips.cycle, clips.out, clips.captions, clips.pad_ms) == (
        "clips", 2, tmp_path / "out", "burn", 500)
    dialog.what.setCurrentIndex(labels.index("Practitioner's record (PDF)"))
    dialog.scope.setCurrentIndex(1)
    record = dialog.request(case_id=7)
    assert (record.kind, record.audience, record.cycle) == ("summary", "practitioner", None)
    assert record.out == tmp_path / "out" / "FAM_01-record.pdf"
    assert not dialog.captions.isEnabled()


def test_a_cancelled_export_leaves_nothing_behind(qtbot: QtBot, tmp_path: Path) -> None:
    build_demo(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.case_by_code(DEMO_CASE)
        dialog = ExportDialog(tmp_path / "clips", DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        dialog.what.setCurrentIndex(0)
        dialog.captions.setCurrentIndex(2)  # burned-in words: every frame is re-encoded
        request = dialog.request(case.id)
        job = Job(lambda progress, cancel: run_export(ws, request, progress=progress,
                                                      cancel=cancel))
        job.progressed.connect(lambda done, total: job.cancel())
        with qtbot.waitSignal(job.cancelled, timeout=60_000):
            job.start()
        qtbot.waitSignal(job.finished, timeout=10_000)
        job.wait()
    folder = tmp_path / "clips"
    left = [p.name for p in folder.iterdir()] if folder.exists() else []
    assert left == []
