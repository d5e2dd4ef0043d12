"""The ending as an A4 PDF (Qt's PDF writer), and "The ending" in the app's export dialog."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.core.test_ending import CYCLE_WORDS, ending_case
from tests.summary_case import HELPING_QUESTION, PRACTITIONER_NOTE, SummaryCase
from vigtool import Workspace
from vigtool.demo import DEMO_CASE, build_demo
from vigtool.exports.request import run_export
from vigtool.gui.export_dialog import CHOICES, ENDING_PDF, ExportDialog
from vigtool.gui.pdf import html_to_pdf
from vigtool.gui.workers import Job
from vigtool.report.ending_export import export_ending
from vigtool.report.summary import Audience

__all__ = ["ending_case"]  # the fixture, imported for pytest

TRAINING = "Training and teaching"
RECORD = "Practitioner's record (every moment, private notes)"


def _pdf(case: SummaryCase, out: Path, audience: Audience = "family") -> bytes:
    from tests.summary_case import CODEBOOK

    with Workspace.open(case.root, read_only=True) as ws:
        export_ending(ws, case.case_id, out, audience=audience, codebook=CODEBOOK,
                      pdf_writer=html_to_pdf)
    return out.read_bytes()


def _text(pdf: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                         text=True).stdout
    return " ".join(unicodedata.normalize("NFKC", out).split())


def test_the_familys_ending_is_a_pdf_with_a_still_from_each_cycle(
    ending_case: SummaryCase, tmp_path: Path
) -> None:
    out = tmp_path / "ending.pdf"
    data = _pdf(ending_case, out)
    assert data.startswith(b"%PDF-")
    assert out.stat().st_mode & 0o777 == 0o600
    assert b"/MediaBox [0 0 595" in data  # A4
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    assert 2 <= pages <= 4
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 4  # three stills, the scale
    text = _text(out)
    if text is None:
        return
    assert "Celebrating you and Sam" in text
    assert HELPING_QUESTION in text
    at = [text.find(w) for w in CYCLE_WORDS]
    assert -1 not in at
    assert at == sorted(at)
    assert "Keep waiting for his reply. Reached on 3 March 2026" in text
    assert f"Page {pages} of {pages}" in text
    assert PRACTITIONER_NOTE not in text


def test_the_record_pdf_holds_the_notes(ending_case: SummaryCase, tmp_path: Path) -> None:
    out = tmp_path / "record.pdf"
    _pdf(ending_case, out, "practitioner")
    text = _text(out)
    if text is not None:
        assert PRACTITIONER_NOTE in text
        assert "Ending record: case DEMO-01, every cycle" in text


def test_the_export_dialog_makes_the_ending_of_every_cycle(qtbot: QtBot, tmp_path: Path
                                                           ) -> None:
    labels = [c.label for c in CHOICES]
    assert {"The ending: all cycles together (Word document)",
            "The ending: all cycles together (web page)"} <= set(labels)
    root = tmp_path / "ws"
    build_demo(root)
    with Workspace.open(root) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        dialog = ExportDialog(tmp_path / "out", DEMO_CASE, 1)
        qtbot.addWidget(dialog)
        dialog.audience.setCurrentIndex(dialog.audience.findText(TRAINING))
        dialog.what.setCurrentIndex(dialog.what.findText(ENDING_PDF))
        assert dialog.scope.currentData() is None
        assert not dialog.scope.isEnabled()
        assert dialog.chosen_audience == "family"  # the ending is theirs, or the record
        request = dialog.request(case.id)
        assert (request.kind, request.cycle, request.audience) == ("ending", None, "family")
        assert request.out == tmp_path / "out" / "DEMO-01-ending.pdf"
        assert dialog.where.text() == f"The ending is saved as {request.out}"
        assert dialog.holds.text().startswith("Holds every cycle together for the family")
        dialog.audience.setCurrentIndex(dialog.audience.findText(RECORD))
        assert dialog.request(case.id).out.name == "DEMO-01-ending-practitioner.pdf"
        dialog.audience.setCurrentIndex(dialog.audience.findText("For the family"))
        job = Job(lambda progress, cancel: run_export(ws, request, pdf_writer=html_to_pdf,
                                                      progress=progress, cancel=cancel))
        outcome: list[object] = []
        job.succeeded.connect(outcome.append)
        job.failed.connect(outcome.append)
        with qtbot.waitSignal(job.finished, timeout=120_000):
            job.start()
        assert outcome == [[request.out]]
        assert request.out.read_bytes().startswith(b"%PDF-")
        dialog.what.setCurrentIndex(dialog.what.findText(
            "Clips chosen for the review (MP4 with sound)"))
        assert dialog.scope.currentData() == 1
        assert dialog.scope.isEnabled()
