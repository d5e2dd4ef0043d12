"""Write a session summary to a file: HTML or PDF, by the file's extension.

The family's version is checked for deficit words and jargon before anything
is written (``FamilyWordingError`` names each word and where it came from).
The file appears only once complete, private to the user (atomic_output),
and the export is written to the workspace's audit log: a copy of a family's
data has left the workspace. No Qt at import: the PDF writer
(``vigtool.gui.pdf``) is imported only when a PDF is asked for.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from vigtool.codebook import Codebook
from vigtool.domain.records import Case
from vigtool.errors import VigtoolError
from vigtool.privacy.files import atomic_output
from vigtool.report.i18n import translations
from vigtool.report.language import require_family_wording
from vigtool.report.summary import Audience, build_summary, render_html
from vigtool.workspace import Workspace

FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def export_summary(
    ws: Workspace,
    case_code_or_id: str | int,
    cycle: int | None,
    out: Path,
    *,
    audience: Audience = "family",
    codebook: Codebook,
    language: str | None = None,
) -> Path:
    """Write one cycle's summary (the latest when ``cycle`` is None) to ``out``; return ``out``.

    A case is found by its code (str) or id (int). Raises VigtoolError for an
    unknown extension, case or cycle, FamilyWordingError when the family's
    version needs rewording; in every case nothing is written.
    """
    out = Path(out).expanduser()
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise VigtoolError(f"{out.name}: a summary is saved as .html or .pdf")
    case = _find_case(ws, case_code_or_id)
    data = build_summary(ws, case.id, cycle, audience=audience, codebook=codebook)
    page = render_html(data, for_print=kind == "pdf", language=language)
    if data.family:
        require_family_wording(data, page)
    if kind == "pdf":
        from vigtool.gui.pdf import html_to_pdf

        _ = translations(language).gettext
        title = _TITLE.search(page)
        html_to_pdf(
            page,
            out,
            footer=_("Page %(page)d of %(pages)d"),
            title=html.unescape(title.group(1).strip()) if title else "",
        )
    else:
        try:
            with atomic_output(out) as tmp:
                tmp.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise VigtoolError(f"could not write {out}: {exc.strerror or exc}") from exc
    ws.record_event(
        "export", case.id, f"session summary for the {audience}, cycle {data.cycle}, to {out}"
    )
    return out


def _find_case(ws: Workspace, case_code_or_id: str | int) -> Case:
    if isinstance(case_code_or_id, int):
        return ws.case(case_code_or_id)
    return ws.case_by_code(case_code_or_id)

