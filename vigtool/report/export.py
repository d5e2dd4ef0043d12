"""Write a session summary to a file: HTML, PDF or Word (.docx), by the file's extension.

The family's version is checked for deficit words and jargon before anything
is written (``FamilyWordingError`` names each word and where it came from).
The file appears only once complete, private to the user (atomic_output),
and ``run_export`` writes the audit log line. No Qt here: a PDF is drawn by
the ``PdfWriter`` the caller passes in (the app and the command line pass
``vigtool.gui.pdf.html_to_pdf``); a Word document is written by python-docx
(``docx_writer``) from the same data and words as the PDF.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from vigtool.codebook import Codebook
from vigtool.domain.records import Case
from vigtool.errors import VigtoolError
from vigtool.privacy.files import atomic_output, file_errors
from vigtool.report.i18n import translations
from vigtool.report.language import require_family_wording
from vigtool.report.summary import Audience, SummaryData, build_summary, render_html
from vigtool.workspace import View

FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}


class PdfWriter(Protocol):
    """Writes ``html`` to ``out`` as a paged PDF, atomically (``vigtool.gui.pdf.html_to_pdf``)."""

    def __call__(self, html: str, out: Path, *, footer: str, title: str) -> int: ...


_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def export_summary(
    ws: View,
    case_code_or_id: str | int,
    cycle: int | None,
    out: Path,
    *,
    audience: Audience = "family",
    codebook: Codebook,
    language: str | None = None,
    pdf_writer: PdfWriter | None = None,
) -> Path:
    """Write one cycle's summary (the latest when ``cycle`` is None) to ``out``; return ``out``.

    A case is found by its code (str) or id (int). Raises VigtoolError for an
    unknown extension, case or cycle (or a PDF without ``pdf_writer``),
    FamilyWordingError when the family's version needs rewording; in every
    case nothing is written.
    """
    out = Path(out).expanduser()
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise VigtoolError(f"{out.name}: a summary is saved as .html, .pdf or .docx")
    if kind == "pdf" and pdf_writer is None:
        raise VigtoolError(f"{out.name}: a PDF summary needs the app's PDF writer; save as .html")
    case = _find_case(ws, case_code_or_id)
    data = build_summary(ws, case.id, cycle, audience=audience, codebook=codebook)
    page = render_html(data, for_print=kind != "html", language=language)
    if data.family:
        require_family_wording(data, page)
    write_page(page, out, kind, language=language, pdf_writer=pdf_writer,
               docx=lambda tmp: _summary_docx(data, tmp, page, language))
    return out


def _summary_docx(data: SummaryData, tmp: Path, page: str, language: str | None) -> None:
    from vigtool.report.docx_writer import write_summary_docx  # python-docx: 0.1 s to load

    write_summary_docx(data, tmp, page=page, language=language)


def write_page(
    page: str,
    out: Path,
    kind: str,
    *,
    language: str | None,
    pdf_writer: PdfWriter | None,
    docx: Callable[[Path], None],
) -> None:
    """Write a rendered report page as ``kind`` ("pdf", "docx" or "html"), atomically.

    The PDF gets the page's own title and a translated "Page n of m" footer;
    ``docx`` writes the Word file into the temporary path it is given.
    """
    if kind == "pdf" and pdf_writer is not None:
        _ = translations(language).gettext
        title = _TITLE.search(page)
        pdf_writer(
            page,
            out,
            footer=_("Page %(page)d of %(pages)d"),
            title=html.unescape(title.group(1).strip()) if title else "",
        )
        return
    with file_errors(out), atomic_output(out) as tmp:
        if kind == "docx":
            docx(tmp)
        else:
            tmp.write_text(page, encoding="utf-8")


def _find_case(ws: View, case_code_or_id: str | int) -> Case:
    if isinstance(case_code_or_id, int):
        return ws.caseload.case(case_code_or_id)
    return ws.caseload.case_by_code(case_code_or_id)

