"""The export dialog offers the summary as a Word document, and the app writes a real one."""

from __future__ import annotations

from pathlib import Path

import docx
from pytestqt.qtbot import QtBot

from vigtool.demo import DEMO_CASE, build_demo
from vigtool.exports.request import run_export
from vigtool.gui.export_dialog import CHOICES, ExportDialog
from vigtool.gui.pdf import html_to_pdf
from vigtool.gui.workers import Job
from vigtool.workspace import Workspace

WORD = "Session summary, or the practitioner's record (Word document)"
PDF = "Session summary, or the practitioner's record (PDF)"
RECORD = "Practitioner's record (every moment, private notes)"


def test_the_record_is_made_as_a_word_document(qtbot: QtBot, tmp_path: Path) -> None:
    labels = [c.label for c in CHOICES]
    assert labels.index(WORD) == labels.index(PDF) + 1  # offered beside the PDF
    root = tmp_path / "ws"
    build_demo(root)
    with Workspace.open(root) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        dialog = ExportDialog(tmp_path / "out", DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        dialog.what.setCurrentIndex(dialog.what.findText(WORD))
        dialog.audience.setCurrentIndex(dialog.audience.findText(RECORD))
        request = dialog.request(case.id)
        assert (request.kind, request.audience) == ("summary", "practitioner")
        assert request.out == tmp_path / "out" / "DEMO-01-c1-record.docx"
        assert dialog.where.text() == f"The record is saved as {request.out}"
        job = Job(lambda progress, cancel: run_export(ws, request, pdf_writer=html_to_pdf,
                                                      progress=progress, cancel=cancel))
        outcome: list[object] = []
        job.succeeded.connect(outcome.append)
        job.failed.connect(outcome.append)
        with qtbot.waitSignal(job.finished, timeout=120_000):
            job.start()
        assert outcome == [[request.out]]
    document = docx.Document(str(request.out))
    assert document.paragraphs[1].text == "Session record: case DEMO-01, cycle 1"
    assert len(document.inline_shapes) == 5  # three stills and the two progress charts
