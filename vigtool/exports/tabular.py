"""CSV (one row per moment, or one per rating) and JSON (the whole snapshot) exports.

Both are the practitioner's own exports: they include the private note.
The CSV is for spreadsheets: UTF-8 with a byte-order mark so Excel reads
accents and non-Latin scripts correctly, CRLF rows (RFC 4180, the csv
module's "excel" dialect), and every text cell (codes and labels too: a
shared ELAN file can bring any code id) that starts with ``= + - @``, a tab,
a carriage return or a line feed (or a full-width ``＝ ＋ － ＠``) prefixed
with an apostrophe so a spreadsheet shows it as text instead of running it
as a formula (OWASP's advice on CSV injection). Numbers stay numbers. The JSON is checked
against ``schemas/session-export.schema.json`` before anything is written.

Every writer writes through ``atomic_output``: a failure or a cancel leaves
no file (and an existing file untouched). No Qt here; any thread.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any, Final

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from vigtool.domain.clock import exact_timecode
from vigtool.errors import VigtoolError
from vigtool.exports.session import (
    MomentInfo,
    SessionExport,
    export_target,
    write_export_bytes,
)
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.resources import schema_file

SESSION_SCHEMA_NAME = "session-export.schema.json"

CSV_COLUMNS: Final = (
    "case",
    "cycle",
    "recording",
    "recording_id",
    "moment_id",
    "start_frame",
    "end_frame",
    "frames",
    "start_ms",
    "end_ms",
    "duration_ms",
    "start_time",
    "end_time",
    "codes",
    "code_labels",
    "title",
    "note",
    "strengths",
    "prompt",
    "selected_for_review",
    "review_order",
)
RATINGS_COLUMNS: Final = (
    "case",
    "cycle",
    "measure",
    "measure_name",
    "value",
    "scale_min",
    "scale_max",
    "rated_by",
    "rated_at",
    "note",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
Cell = str | int | None


def write_csv(
    session: SessionExport,
    out: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Path:
    """One row per moment, ordered by cycle, recording and start; returns ``out``.

    Codes are ``;``-separated ids with their labels in the same order in
    ``code_labels``; ``end_frame`` is inclusive and ``end_ms`` exclusive.
    """
    recordings = {r.id: r for r in session.recordings}
    total = len(session.moments)
    with export_target(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, dialect="excel")
        writer.writerow(CSV_COLUMNS)
        for done, moment in enumerate(session.moments, start=1):
            cancel.raise_if_cancelled()
            recording = recordings[moment.recording_id]
            row = _csv_row(session.case.code, recording.cycle, recording.original_name, moment)
            writer.writerow([_cell(value) for value in row])
            progress(done, total)
    return out


def write_ratings_csv(
    session: SessionExport,
    out: Path,
    *,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Path:
    """Scaling as a spreadsheet: one row per rating, by measure, then cycle (0 is the
    first meeting), the parent's before the practitioner's; returns ``out``.

    Each row names the measure's range, so a reader never has to guess whether 7
    was out of 10. Made from ``session`` as the audience may see it (for the
    family: the parent's own ratings, without notes)."""
    measures = {m.id: m for m in session.measures}
    with export_target(out) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, dialect="excel")
        writer.writerow(RATINGS_COLUMNS)
        for r in session.ratings:
            cancel.raise_if_cancelled()
            measure = measures.get(r.measure)
            row: list[Cell] = [
                session.case.code, r.cycle, r.measure,
                measure.name if measure else r.measure,
                r.value, measure.min if measure else None, measure.max if measure else None,
                r.rated_by, r.rated_at, r.note]
            writer.writerow([_cell(value) for value in row])
    return out


def session_json(session: SessionExport) -> str:
    """The snapshot as JSON text, checked against the schema first."""
    data = session.to_dict()
    validate_session_data(data)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_json(
    session: SessionExport,
    out: Path,
    *,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Path:
    """The whole snapshot as UTF-8 JSON (no byte-order mark); returns ``out``."""
    text = session_json(session)
    cancel.raise_if_cancelled()
    return write_export_bytes(out, text.encode("utf-8"))


def validate_session_data(data: Any) -> None:
    """Raise VigtoolError (one line naming the JSON path) unless ``data`` matches the schema."""
    error = best_match(_session_validator().iter_errors(data))
    if error is None:
        return
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    message = " ".join(str(error.message).splitlines())
    if len(message) > 200:
        message = message[:199] + "…"
    raise VigtoolError(f"the session export is not valid at {where.lstrip('.') or 'the top'}: "
                       f"{message}")


@cache
def _session_validator() -> Any:
    schema = json.loads(schema_file(SESSION_SCHEMA_NAME).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _csv_row(case_code: str, cycle: int, recording_name: str, m: MomentInfo) -> list[Cell]:
    """The row's values: numbers as ints, text as str (made safe by ``_cell``)."""
    return [
        case_code,
        cycle,
        recording_name,
        m.recording_id,
        m.id,
        m.start_frame,
        m.end_frame,
        m.frame_count,
        m.start_ms,
        m.end_ms,
        m.duration_ms,
        None if m.start_ms is None else exact_timecode(m.start_ms),
        None if m.end_ms is None else exact_timecode(m.end_ms),
        ";".join(m.code_ids),
        "; ".join(code.label for code in m.codes),
        m.title,
        m.note,
        m.strengths,
        m.prompt,
        "yes" if m.selected_for_review else "no",
        m.review_order,
    ]


def _cell(value: Cell) -> str:
    """One cell as written: a number as it is, text made safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return safe_text(value)


def safe_text(value: str) -> str:
    """Text for a CSV cell that a spreadsheet shows and never runs (see the module docstring)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
