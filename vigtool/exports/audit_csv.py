"""The audit log as CSV, for a service's information-governance records.

One row per line of the log: when (UTC), what, which case (by code), and the
detail. Same spreadsheet rules as the moments CSV (UTF-8 with BOM, CRLF,
every text cell neutralised against formulas), written atomically.
"""

from __future__ import annotations

import csv
from pathlib import Path

from vigtool.exports.tabular import safe_text
from vigtool.privacy.files import atomic_output
from vigtool.workspace import View

AUDIT_COLUMNS = ("id", "at_utc", "action", "case", "detail")


def write_audit_csv(view: View, out: Path, case_id: int | None = None) -> Path:
    """Write the audit log (of one case, or all) to ``out``; returns ``out``."""
    codes = {c.id: c.code for c in view.caseload.cases()}
    entries = view.privacy.audit_log(case_id)
    with atomic_output(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, dialect="excel")
        writer.writerow(AUDIT_COLUMNS)
        for e in entries:
            code = codes.get(e.case_id, "") if e.case_id is not None else ""
            writer.writerow([e.id, e.at, safe_text(e.action), safe_text(code),
                             safe_text(e.detail)])
    return out
