"""Scaling in what leaves the workspace: the chart, the summary, and the JSON and CSV
exports (the family's hold the parent's own ratings only, without notes)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.demo import DEMO_CASE, build_demo
from vigtool.domain.measures import BUILTIN_MEASURE, Scale
from vigtool.domain.records import Rating
from vigtool.errors import VigtoolError
from vigtool.exports.request import ExportRequest, run_export
from vigtool.report.charts import scale_charts
from vigtool.report.export import export_summary
from vigtool.report.i18n import translations
from vigtool.report.summary import build_summary, render_html
from vigtool.resources import schema_file
from vigtool.workspace import Workspace

CODEBOOK = builtin_codebook(DEFAULT_CODEBOOK_ID)
T = translations("en")
NOTE = "=HYPERLINK(\"x\") worried about evenings"


@pytest.fixture
def rated(tmp_path: Path) -> Iterator[tuple[Workspace, int]]:
    """The demo case (cycle 1, three moments chosen) with ratings at the first meeting,
    cycle 1 (the parent's and the practitioner's) and cycle 2."""
    build_demo(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        ws.add_rating(case.id, cycle=0, value=3, note=NOTE)
        ws.add_rating(case.id, cycle=1, value=7)
        ws.add_rating(case.id, cycle=1, value=5, rated_by="practitioner", note="my view")
        ws.add_rating(case.id, cycle=2, value=9)
        yield ws, case.id


def _rating(cycle: int, value: int, rated_by: str = "parent") -> Rating:
    return Rating(cycle * 10 + len(rated_by), 1, cycle, BUILTIN_MEASURE.id, value, "",
                  rated_by, "2026-11-29T10:00:00+00:00")


def _texts(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</text>", svg)


# -- the chart --------------------------------------------------------------------------------


def test_the_chart_writes_every_value_and_says_them_in_words() -> None:
    scale = Scale(BUILTIN_MEASURE, (_rating(0, 3), _rating(1, 5), _rating(3, 8)))
    (chart,) = scale_charts([scale], [1, 2, 3], family=True, t=T)
    svg = chart.svg
    assert chart.title == BUILTIN_MEASURE.family_wording
    assert re.search(r'<title id="chart-scale-1-title">Thinking about your question', svg)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg)
    assert desc is not None
    assert desc.group(1) == ("Helping question, 0 means “Not yet”, 10 means “Very confident”. "
                             "You: Our first meeting 3, Session 1 5, Session 3 8.")
    texts = _texts(svg)
    for words in ("3", "5", "8", "Our first meeting", "Session 1", "Session 2", "Session 3"):
        assert words in texts
    points = re.findall(r'class="scale-point" data-cycle="(\d)" data-value="(\d+)"', svg)
    assert points == [("0", "3"), ("1", "5"), ("3", "8")]
    # Nothing is made up for the skipped session 2: the line breaks there.
    assert len(re.findall(r"<line [^>]*stroke-width=\"2.5\"", svg)) == 1


def test_the_record_shows_both_raters_by_shape_and_word_not_colour_alone() -> None:
    scale = Scale(BUILTIN_MEASURE, (_rating(1, 6), _rating(1, 4, "practitioner")))
    (chart,) = scale_charts([scale], [1], family=False, t=T)
    assert chart.title == BUILTIN_MEASURE.practitioner_wording
    parent, practitioner = re.findall(r'<g class="scale-line" data-rater="(\w+)">(.*?)</g></g>',
                                      chart.svg)
    assert parent[0] == "parent"
    assert "<circle" in parent[1]
    assert "<rect" not in parent[1]
    assert practitioner[0] == "practitioner"
    assert "<rect" in practitioner[1]
    assert {"Parent", "Practitioner", "Cycle 1", "6", "4"} <= set(_texts(chart.svg))  # legend
    assert "Parent: Cycle 1 6. Practitioner: Cycle 1 4." in chart.svg
    (family,) = scale_charts([scale], [1], family=True, t=T)
    assert "Practitioner" not in family.svg
    assert ">4<" not in family.svg


def test_no_ratings_no_chart() -> None:
    assert scale_charts([], [1, 2], family=True, t=T) == ()


# -- the summary ------------------------------------------------------------------------------


def test_the_familys_summary_shows_their_own_answers(rated: tuple[Workspace, int],
                                                     tmp_path: Path) -> None:
    ws, case_id = rated
    data = build_summary(ws, case_id, 1, audience="family", codebook=CODEBOOK)
    (scale,) = data.scales
    assert [(r.cycle, r.value, r.rated_by, r.note) for r in scale.ratings] == [
        (0, 3, "parent", ""), (1, 7, "parent", "")]  # up to this cycle; no notes
    page = render_html(data)
    assert "How you have been feeling" in page
    assert "There is no right number: they are yours." in page
    assert "You: Our first meeting 3, Session 1 7." in page
    assert "worried about evenings" not in page
    assert "my view" not in page
    assert "Practitioner" not in page
    # The family's wording check reads the chart too, and finds nothing to change.
    out = export_summary(ws, case_id, 1, tmp_path / "family.html", audience="family",
                         codebook=CODEBOOK)
    assert "How you have been feeling" in out.read_text(encoding="utf-8")


def test_the_record_shows_the_scale_with_the_practitioners_rating(
    rated: tuple[Workspace, int]
) -> None:
    ws, case_id = rated
    data = build_summary(ws, case_id, 1, audience="practitioner", codebook=CODEBOOK)
    page = render_html(data)
    assert "Scaling across cycles" in page
    assert "Parent: First meeting 3, Cycle 1 7. Practitioner: Cycle 1 5." in page
    printed = render_html(data, for_print=True)
    assert "Scaling across cycles" in printed
    assert printed.count("data:image/svg+xml;base64,") == 3  # two progress charts, one scale


def test_a_summary_without_ratings_has_no_scale(tmp_path: Path) -> None:
    build_demo(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        data = build_summary(ws, case.id, 1, audience="family", codebook=CODEBOOK)
    assert data.scales == ()
    assert "<svg" not in render_html(data)


# -- JSON and CSV ------------------------------------------------------------------------------


def test_ratings_round_trip_through_the_json(rated: tuple[Workspace, int],
                                            tmp_path: Path) -> None:
    ws, case_id = rated
    (out,) = run_export(ws, ExportRequest(kind="json", case_id=case_id, cycle=None,
                                          out=tmp_path / "record.json",
                                          audience="practitioner"))
    data = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(schema_file("session-export.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(data)
    back = [Rating(case_id=case_id, **r) for r in data["ratings"]]
    assert back == ws.measures.ratings(case_id)
    assert data["measures"] == [BUILTIN_MEASURE.to_dict()]
    (one,) = run_export(ws, ExportRequest(kind="json", case_id=case_id, cycle=1,
                                          out=tmp_path / "c1.json", audience="practitioner"))
    assert [r["cycle"] for r in json.loads(one.read_text())["ratings"]] == [0, 1, 1]


def test_the_familys_json_holds_the_parents_ratings_only(rated: tuple[Workspace, int],
                                                        tmp_path: Path) -> None:
    ws, case_id = rated
    (out,) = run_export(ws, ExportRequest(kind="json", case_id=case_id, cycle=None,
                                          out=tmp_path / "family.json"))
    ratings = json.loads(out.read_text(encoding="utf-8"))["ratings"]
    assert [(r["cycle"], r["value"], r["rated_by"], r["note"]) for r in ratings] == [
        (0, 3, "parent", ""), (1, 7, "parent", ""), (2, 9, "parent", "")]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_ratings_as_a_spreadsheet_for_each_audience(rated: tuple[Workspace, int],
                                                    tmp_path: Path) -> None:
    ws, case_id = rated
    (record,) = run_export(ws, ExportRequest(kind="ratings", case_id=case_id, cycle=None,
                                             out=tmp_path / "record.csv",
                                             audience="practitioner"))
    rows = _csv(record)
    assert [(r["cycle"], r["value"], r["rated_by"]) for r in rows] == [
        ("0", "3", "parent"), ("1", "7", "parent"), ("1", "5", "practitioner"),
        ("2", "9", "parent")]
    assert rows[0]["measure"] == "helping-question"
    assert (rows[0]["scale_min"], rows[0]["scale_max"]) == ("0", "10")
    assert rows[0]["note"] == "'" + NOTE  # a spreadsheet shows it, never runs it
    back = {(int(r["cycle"]), r["rated_by"]): int(r["value"]) for r in rows}
    assert back == {(r.cycle, r.rated_by): r.value for r in ws.measures.ratings(case_id)}
    (family,) = run_export(ws, ExportRequest(kind="ratings", case_id=case_id, cycle=1,
                                             out=tmp_path / "family.csv"))
    assert [(r["cycle"], r["value"], r["rated_by"], r["note"]) for r in _csv(family)] == [
        ("0", "3", "parent", ""), ("1", "7", "parent", "")]
    assert "the scaling ratings as a spreadsheet (CSV) for the family" in \
        ws.privacy.audit_log(case_id)[-1].detail


def test_no_ratings_to_export_is_said_in_one_line(tmp_path: Path) -> None:
    build_demo(tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        with pytest.raises(VigtoolError, match=r"^no ratings are recorded for this case yet"):
            run_export(ws, ExportRequest(kind="ratings", case_id=case.id, cycle=None,
                                         out=tmp_path / "r.csv"))
    assert not (tmp_path / "r.csv").exists()
