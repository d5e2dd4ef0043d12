"""Write the ending to a file: HTML, PDF or Word (.docx), by the file's extension.

As ``report.export`` does for a session summary: the family's version is checked
for deficit words and jargon before anything is written, the file appears only
once complete and private to the user (atomic_output), and a PDF is drawn by the
``PdfWriter`` the caller passes in (the app and the command line pass
``vigtool.gui.pdf.html_to_pdf``). ``run_export`` writes the audit log lines. No Qt.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from vigtool.codebook import Codebook
from vigtool.errors import VigtoolError
from vigtool.privacy.files import atomic_output, file_errors
from vigtool.report import i18n
from vigtool.report.ending import build_ending, ending_wording_issues, render_ending_html
from vigtool.report.export import FORMATS, PdfWriter
from vigtool.report.language import FamilyWordingError
from vigtool.report.summary import Audience
from vigtool.workspace import View

_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


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
    if pdf_writer is not None and kind == "pdf":
        title = _TITLE.search(page)
        _ = i18n.translations(language).gettext
        pdf_writer(page, out, footer=_("Page %(page)d of %(pages)d"),
                   title=html.unescape(title.group(1).strip()) if title else "")
    elif kind == "docx":
        from vigtool.report.ending_docx import write_ending_docx  # python-docx: 0.1 s to load

        with file_errors(out), atomic_output(out) as tmp:
            write_ending_docx(data, tmp, page=page, language=language)
    else:
        with file_errors(out), atomic_output(out) as tmp:
            tmp.write_text(page, encoding="utf-8")
    return out
