"""The session summary as an A4 PDF, made by Qt's own PDF writer (no browser, no network)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.summary_case import (
    CODEBOOK,
    HELPING_QUESTION,
    PARENT_QUOTE,
    PRACTITIONER_NOTE,
    SummaryCase,
    copy_case,
    summary_case,
)
from vigtool import Workspace
from vigtool.gui.pdf import html_to_pdf
from vigtool.report.export import export_summary

__all__ = ["summary_case"]  # the fixture, imported for pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("VIGTOOL_ARTIFACTS", ROOT / "artifacts"))
NAMES = "Zoë Łukasz Ñandú 王小明 محمد"
BODY_BOTTOM = 0.93  # the page above the footer line ("Page 1 of 2")


def _export(case: SummaryCase, out: Path, audience: str = "family") -> Path:
    with Workspace.open(case.root) as ws:
        return export_summary(ws, "DEMO-01", None, out, audience=audience,  # type: ignore[arg-type]
                              codebook=CODEBOOK, pdf_writer=html_to_pdf)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _pdftotext(pdf: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         check=True, text=True)
    return unicodedata.normalize("NFKC", out.stdout)


def _font_covers(language: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", f":lang={language}", "family"], capture_output=True,
                           text=True, check=False)
    return bool(found.stdout.strip())


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_family_pdf_has_pages_pictures_and_page_numbers(summary_case: SummaryCase,
                                                       tmp_path: Path) -> None:
    pdf = _export(summary_case, tmp_path / "summary.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf.stat().st_mode & 0o777 == 0o600
    pages = _pages(data)
    assert pages == 2  # three moments with their words, the look back and next time
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 3  # the stills, and no chart
    assert b"/MediaBox [0 0 595" in data  # A4: 595 x 842 pt
    text = _pdftotext(pdf)
    if text is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    flat = _flat(text)
    assert f"Page 1 of {pages}" in flat
    assert f"Page {pages} of {pages}" in flat
    assert HELPING_QUESTION.replace("'", "’") in flat.replace("'", "’")
    assert PARENT_QUOTE.replace("'", "’") in flat.replace("'", "’")
    assert "What to look for next time" in flat
    assert "Looking back over our sessions" in flat
    assert "I never noticed how much he talks to me." in flat
    assert PRACTITIONER_NOTE[:20] not in flat
    for score in ("back-and-forth", "moments we found", "8 turns", "Session 3 "):
        assert score not in flat


def test_family_pdf_pages_are_full_but_the_last(summary_case: SummaryCase,
                                                tmp_path: Path) -> None:
    """A moment moved whole to the next page leaves at most a third of a page behind."""
    pdf = _export(summary_case, tmp_path / "summary.pdf")
    fills = _page_fills(pdf, tmp_path)
    assert len(fills) == 2
    assert all(fill > 0.75 for fill in fills[:-1]), fills


def test_family_pdf_with_many_stills_and_no_pictures(summary_case: SummaryCase,
                                                     tmp_path: Path) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        first = ws.annotations.moment(case.chosen_moment_ids[0])
        for n, frame in enumerate(range(first.start_frame + 10, first.end_frame, 40)):
            ws.add_still(first.recording_id, frame=frame, caption=f"Still {n + 1}: you smile.")
    pdf = _export(case, tmp_path / "stills.pdf")
    assert len(re.findall(rb"/Subtype\s*/Image", pdf.read_bytes())) >= 6
    fills = _page_fills(pdf, tmp_path)
    assert len(fills) <= 3
    assert all(fill > 0.6 for fill in fills[:-1]), fills
    with Workspace.open(case.root) as ws:
        ws.library.media_path(ws.recordings(case.case_id)[-1]).unlink()
    bare = _export(case, tmp_path / "bare.pdf")
    assert len(re.findall(rb"/Subtype\s*/Image", bare.read_bytes())) == 0
    fills = _page_fills(bare, tmp_path)
    assert len(fills) <= 2
    assert all(fill > 0.6 for fill in fills[:-1]), fills


def test_practitioner_pdf_keeps_the_charts(summary_case: SummaryCase, tmp_path: Path) -> None:
    pdf = _export(summary_case, tmp_path / "record.pdf", "practitioner")
    data = pdf.read_bytes()
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 5  # three stills, two charts
    text = _pdftotext(pdf)
    if text is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    assert "Tagged moments per principle, by cycle" in _flat(text)
    assert "Serve-and-return chains and response times, by cycle" in _flat(text)


def _page_fills(pdf: Path, folder: Path) -> list[float]:
    """How far down each page the ink reaches, above the footer (0 = blank, 1 = full)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (poppler-utils)")
    for old in folder.glob("fill-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-gray", str(pdf), str(folder / "fill")],
                   check=True)
    fills = []
    for page in sorted(folder.glob("fill-*.png")):
        grey = cv2.imread(str(page), cv2.IMREAD_GRAYSCALE)
        body = grey[: int(grey.shape[0] * BODY_BOTTOM)]
        inked = np.flatnonzero((body < 235).any(axis=1))
        fills.append(float(inked[-1]) / body.shape[0] if inked.size else 0.0)
    return fills


def test_practitioner_pdf_adds_the_notes(summary_case: SummaryCase, tmp_path: Path) -> None:
    pdf = _export(summary_case, tmp_path / "record.pdf", "practitioner")
    assert _pages(pdf.read_bytes()) >= 1
    text = _pdftotext(pdf)
    if text is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    assert "we missed the first babble" in _flat(text)
    assert "Receiving initiatives" in _flat(text)


def test_pages_are_saved_as_pictures(summary_case: SummaryCase, tmp_path: Path) -> None:
    """artifacts/summary-family-page-N.png: look at them. They should feel like a letter
    to keep; artifacts/summary-practitioner-page1.png is the record's first page."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (poppler-utils)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("summary-family-page-*.png"):
        old.unlink()
    family = _export(summary_case, tmp_path / "family.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(family),
                    str(ARTIFACTS / "summary-family-page")], check=True)
    record = _export(summary_case, tmp_path / "record.pdf", "practitioner")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(record), str(ARTIFACTS / "summary-practitioner-page1")], check=True)
    pngs = sorted(ARTIFACTS.glob("summary-family-page-*.png"))
    assert len(pngs) == _pages(family.read_bytes())
    for png in [*pngs, ARTIFACTS / "summary-practitioner-page1.png"]:
        assert png.read_bytes().startswith(b"\x89PNG")
        assert png.stat().st_size > 10_000  # a page with pictures or words on it, not blank


def test_accented_and_other_scripts_print(summary_case: SummaryCase, tmp_path: Path) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        ws.update_moment(case.chosen_moment_ids[0], title=NAMES)
    pdf = _export(case, tmp_path / "names.pdf")
    text = _pdftotext(pdf)
    if text is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    for name in ("Zoë", "Łukasz", "Ñandú"):
        assert name in text
    if _font_covers("zh"):
        assert "王小明" in text
    if _font_covers("ar"):
        # pdftotext may give Arabic in visual (left-to-right) order
        assert "محمد" in text or "محمد"[::-1] in text


def test_pdf_without_a_running_qt_application(tmp_path: Path) -> None:
    """The command line has no QApplication: html_to_pdf makes its own, headless."""
    out = tmp_path / "plain.pdf"
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from vigtool.gui.pdf import html_to_pdf\n"
        "pages = html_to_pdf('<h1>Zoë</h1>' + '<p>Hello</p>' * 200, Path(sys.argv[1]))\n"
        "print(json.dumps(pages))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                            "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True, timeout=120)
    pages = json.loads(done.stdout)
    assert pages >= 2
    assert _pages(out.read_bytes()) == pages
    assert list(tmp_path.iterdir()) == [out]  # written atomically: no temp file left
