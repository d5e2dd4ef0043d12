"""Write the ending to a file: HTML, PDF or Word (.docx), by the file's extension.

As ``report.export`` does for a session summary: the family's version is checked
for deficit words and jargon before anything is written, the file appears only
once complete and private to the user (atomic_output), and a PDF is drawn by the
``PdfWriter`` the caller passes in (the app and the command line pass
``vigtool.gui.pdf.html_to_pdf``). ``run_export`` writes the audit log lines. No Qt.
"""

from __future__ import annotations

from pathlib import Path

from vigtool.codebook import Codebook
from vigtool.errors import VigtoolError
from vigtool.report.ending import (
    EndingData,
    build_ending,
    ending_wording_issues,
    render_ending_html,
)
from vigtool.report.export import FORMATS, PdfWriter, write_page
from vigtool.report.language import FamilyWordingError
from vigtool.report.summary import Audience
from vigtool.workspace import View


def export_ending(
    ws: View,
    case_id: int,
    out: Path,
    *,
    audience: Audience = "family",
    codebook: Codebook,
    language: str | None = None,
    pdf_writer: PdfWriter | None = None,
) -> Path:
    """Write the ending of a case to ``out`` (.html, .pdf or .docx, by its extension).

    Raises VigtoolError for an unknown extension (or a PDF without ``pdf_writer``),
    InvalidEdit when nothing is chosen for the family, FamilyWordingError when the
    family's version needs rewording; in every case nothing is written."""
    out = Path(out).expanduser()
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise VigtoolError(f"{out.name}: the ending is saved as .html, .pdf or .docx")
    if kind == "pdf" and pdf_writer is None:
        raise VigtoolError(f"{out.name}: a PDF needs the app's PDF writer; save as .html")
    data = build_ending(ws, case_id, audience=audience, codebook=codebook)
    page = render_ending_html(data, for_print=kind != "html", language=language)
    if data.family:
        issues = ending_wording_issues(data, page)
        if issues:
            raise FamilyWordingError(
                "the family's ending was not made: " + "; ".join(str(i) for i in issues)
                + " (please reword it in strengths language; the parent's own words are "
                "kept as they said them)")
    write_page(page, out, kind, language=language, pdf_writer=pdf_writer,
               docx=lambda tmp: _ending_docx(data, tmp, page, language))
    return out


def _ending_docx(data: EndingData, tmp: Path, page: str, language: str | None) -> None:
    from vigtool.report.ending_docx import write_ending_docx  # python-docx: 0.1 s to load

    write_ending_docx(data, tmp, page=page, language=language)
