"""The session summary as a Word document: the same words and pictures as the PDF, read
back with python-docx from real exports of a real three-cycle case."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import cv2
import docx
import lxml.html
import numpy as np
import pytest
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from tests.core.test_cli_errors import run_cli
from tests.summary_case import (
    CODEBOOK,
    GENERAL_QUOTE,
    GOALS,
    HELPING_QUESTION,
    PARENT_QUOTE,
    PRACTITIONER_NOTE,
    STILL_CAPTION,
    TITLES,
    SummaryCase,
    copy_case,
    summary_case,
)
from vigtool import Workspace
from vigtool.exports.request import ExportRequest, run_export
from vigtool.report import docx_writer, extract_messages
from vigtool.report.docx_chart import OUTPUT_SCALE, chart_pictures
from vigtool.report.export import export_summary
from vigtool.report.language import FamilyWordingError, check_plain, check_strengths
from vigtool.report.pictures import encode_jpeg
from vigtool.report.summary import Audience, SummaryData, build_summary, render_html

__all__ = ["summary_case"]  # the fixture, imported for pytest

PICTURE_URI = re.compile(r'src="data:image/jpeg;base64,([^"]+)"')
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def _export(case: SummaryCase, out: Path, audience: Audience = "family") -> Document:
    with Workspace.open(case.root) as ws:
        export_summary(ws, "DEMO-01", None, out, audience=audience, codebook=CODEBOOK)
    return docx.Document(str(out))


def _data(case: SummaryCase, audience: Audience) -> SummaryData:
    with Workspace.open(case.root, read_only=True) as ws:
        return build_summary(ws, case.case_id, audience=audience, codebook=CODEBOOK)


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _paragraphs(document: Document) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of the body, table cells included, in order."""
    found: list[tuple[str, str]] = []

    def walk(blocks: Iterator[Paragraph | Table]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                found.append((block.style.name if block.style else "", block.text))
            elif isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell.iter_inner_content())

    walk(document.iter_inner_content())
    return found


def _texts(document: Document, style: str | None = None) -> list[str]:
    return [_flat(text) for s, text in _paragraphs(document)
            if text.strip() and (style is None or s == style)]


def _pictures(document: Document) -> list[tuple[str, bytes]]:
    """(content type, bytes) of every picture shown, in order, a picture used twice twice."""
    shown = []
    for blip in document.element.body.iter(f"{{{NS['a']}}}blip"):
        part = document.part.related_parts[blip.get(f"{{{NS['r']}}}embed")]
        shown.append((part.content_type, part.blob))
    return shown


def _jpeg_digests(items: list[bytes]) -> Counter[str]:
    return Counter(hashlib.sha256(b).hexdigest() for b in items)


def test_the_familys_word_document_holds_the_summary(summary_case: SummaryCase,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "summary.docx"
    document = _export(summary_case, out)
    assert out.stat().st_mode & 0o777 == 0o600
    headings = [(s, _flat(t)) for s, t in _paragraphs(document)
                if s in ("Title", "Heading 1", "Heading 2")]
    assert headings == [
        ("Title", "Moments to keep"),
        ("Heading 2", "What you wanted to know"),
        ("Heading 1", f"1 {TITLES[0]}"), ("Heading 2", "In your words"),
        ("Heading 1", f"2 {TITLES[1]}"), ("Heading 2", "In your words"),
        ("Heading 1", f"3 {TITLES[2]}"),
        ("Heading 2", "What you said"),
        ("Heading 1", "Looking back over our sessions"),
        ("Heading 2", "Session 1"), ("Heading 2", "Session 2"),
        ("Heading 1", "What to look for next time"),
    ]
    data = _data(summary_case, "family")
    body = _texts(document)
    for moment in data.moments:
        assert moment.strengths in body
        for picture in moment.pictures:
            if picture.caption:
                assert picture.caption in _texts(document, "Caption")
    assert STILL_CAPTION in _texts(document, "Caption")
    words = _texts(document, "Parent's Words")
    for quoted in (HELPING_QUESTION, PARENT_QUOTE, GENERAL_QUOTE,
                   "He really does wait for me!"):
        assert f"“{quoted}”" in words
    assert _texts(document, "Goal") == list(GOALS)
    assert document.core_properties.title == "Moments to keep"
    assert document.core_properties.author == ""


def test_the_word_document_shows_the_pdfs_pictures(summary_case: SummaryCase,
                                                   tmp_path: Path) -> None:
    audiences: tuple[Audience, ...] = ("family", "practitioner")
    for audience in audiences:
        document = _export(summary_case, tmp_path / f"{audience}.docx", audience)
        pdf_page = render_html(_data(summary_case, audience), for_print=True)
        in_pdf = [base64.b64decode(p) for p in PICTURE_URI.findall(pdf_page)]
        stills = [blob for kind, blob in _pictures(document) if kind == "image/jpeg"]
        assert len(stills) == len(in_pdf) == 3
        assert _jpeg_digests(stills) == _jpeg_digests(in_pdf)  # the very same JPEGs
        for blob in stills:
            picture = cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_COLOR)
            assert picture is not None
            assert picture.std() > 5  # a real frame, not blank


def test_every_page_is_numbered_in_the_footer(summary_case: SummaryCase,
                                              tmp_path: Path) -> None:
    document = _export(summary_case, tmp_path / "summary.docx")
    for section in document.sections:
        footer = section.footer._element.xml
        codes = [_flat(c) for c in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>",
                                               footer)]
        assert codes == ["PAGE", "NUMPAGES"]
        assert section.footer.paragraphs[0].text == "Page 1 of 1"  # until Word lays it out
        assert round(section.page_width.mm) == 210
        assert round(section.page_height.mm) == 297


def test_the_familys_copy_has_no_notes_codes_or_numbers(summary_case: SummaryCase,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "summary.docx"
    document = _export(summary_case, out)
    with zipfile.ZipFile(out) as archive:  # every part: the text, the properties, the styles
        names = archive.namelist()
        everything = " ".join(archive.read(n).decode("utf-8", "replace")
                              for n in names if n.endswith((".xml", ".rels")))
    assert not [n for n in names if "thumbnail" in n]  # no preview of a blank page
    for private in ("DEMO-01", "Raise sleep at supervision", "Receiving initiatives",
                    "cycle3.mp4", "frames", "Median", "Practitioner", "turns marked"):
        assert private not in everything, private
    assert not [kind for kind, _ in _pictures(document) if kind != "image/jpeg"]  # no charts
    properties = document.core_properties  # nobody named as the author, nothing said
    assert (properties.author, properties.last_modified_by, properties.comments) == ("", "", "")
    text = " ".join(_texts(document))
    for quoted in (HELPING_QUESTION, PARENT_QUOTE, GENERAL_QUOTE,
                   "She's copying my sounds, like a real conversation.",
                   "I never noticed how much he talks to me.", "He really does wait for me!"):
        text = text.replace(quoted, "")
    assert check_strengths(text) == []
    assert check_plain(text) == []


def test_the_practitioners_record_adds_notes_codes_timings_and_charts(
    summary_case: SummaryCase, tmp_path: Path
) -> None:
    document = _export(summary_case, tmp_path / "record.docx", "practitioner")
    body = _texts(document)
    assert PRACTITIONER_NOTE in _texts(document, "Practitioner's Record")
    assert "Not for the family: this record includes your notes, codes and timings. " \
        "The family's version leaves them out." in body
    assert "Case: DEMO-01 · Cycle: 3 · Codebook: " + CODEBOOK.name in body
    assert "cycle3.mp4, 0:01.00 to 0:07.48 (frames 25 to 186)" in body
    assert "8 turns marked, longest chain 8" in body
    assert "■ Receiving initiatives" in [_flat(line) for _, t in _paragraphs(document)
                                         for line in t.splitlines()]
    assert f"“{PARENT_QUOTE}”" in _texts(document, "Parent's Words")
    charts = [blob for kind, blob in _pictures(document) if kind == "image/png"]
    assert len(charts) == 2
    assert "Progress across cycles" in _texts(document, "Heading 1")
    assert ["Cycle", "Moments tagged", "Longest chain (turns)",
            "Median response, child to adult"] in [[c.text for c in row.cells]
                                                   for t in document.tables for row in t.rows]


def _blocks(page: str) -> list[str]:
    """The text of each block a reader sees on the page (leaf paragraphs, headings, cells)."""
    root = lxml.html.fromstring(page)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    found = []
    for element in root.iter("p", "h1", "h2", "h3", "td", "li", "th", "figcaption", "caption"):
        if element.find(".//table") is None and element.find(".//p") is None:
            text = _flat(element.text_content()).removeprefix("• ")  # Word draws its bullets
            if text:
                found.append(text)
    return found


@pytest.mark.parametrize("audience", ["family", "practitioner"])
def test_the_word_document_says_what_the_pdf_says(summary_case: SummaryCase, tmp_path: Path,
                                                  audience: Audience) -> None:
    document = _export(summary_case, tmp_path / "summary.docx", audience)
    data = _data(summary_case, audience)
    pdf_page = render_html(data, for_print=True)
    web_page = render_html(data)
    said = " ".join(_blocks(pdf_page) + _blocks(web_page)).casefold()
    lines = [_flat(line) for _, text in _paragraphs(document) for line in text.splitlines()]
    unsaid = [line for line in lines if line and line.casefold() not in said]
    assert unsaid == []  # every word in the Word document is one the PDF or web page says
    word_text = " ".join(lines).casefold()
    missing = [block for block in _blocks(pdf_page) if block.casefold() not in word_text]
    assert missing == []  # and everything the PDF says is in the Word document


def test_the_words_said_in_place_are_the_templates_own() -> None:
    """The Word document looks the templates' in-place words up by their msgids: each must
    still be a template's word (else it would fall out of the catalogue and drift)."""
    from_templates = {msgid for _place, msgid, _plural in extract_messages._from_templates()}
    assert set(docx_writer.TEMPLATE_WORDS) <= from_templates
    assert docx_writer.PAGE_OF in {m.msgid for m in extract_messages.extract()}


def test_the_charts_are_drawn_as_the_pdf_draws_them(summary_case: SummaryCase) -> None:
    data = _data(summary_case, "practitioner")
    charts = chart_pictures(render_html(data, for_print=True))
    assert [c.title for c in charts] == [
        "Tagged moments per principle, by cycle",
        "Serve-and-return chains and response times, by cycle"]
    for chart in charts:
        assert chart.skipped == ()  # every element of the SVG was drawn
        picture = cv2.imdecode(np.frombuffer(chart.png, np.uint8), cv2.IMREAD_COLOR)
        assert picture.shape[:2] == (chart.height * OUTPUT_SCALE, chart.width * OUTPUT_SCALE)
        assert "Cycle 3" in chart.description
    moments = cv2.cvtColor(cv2.imdecode(np.frombuffer(charts[0].png, np.uint8),
                                        cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    for code in data.progress.codes:  # each principle's bars, in the codebook's colour
        rgb = np.array([int(code.colour[i:i + 2], 16) for i in (1, 3, 5)])
        near = np.abs(moments.astype(int) - rgb).sum(axis=2) < 12
        assert near.sum() > 200, code.label


def test_scaling_answers_are_charted_as_in_the_pdf(summary_case: SummaryCase,
                                                   tmp_path: Path) -> None:
    if not hasattr(Workspace, "add_rating"):
        pytest.skip("scaling is not built in this checkout")
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        for cycle, value in ((0, 3), (1, 4), (2, 6), (3, 7)):
            ws.add_rating(case.case_id, cycle=cycle, value=value)
        ws.add_rating(case.case_id, cycle=3, value=6, rated_by="practitioner")
    family = _export(case, tmp_path / "summary.docx")
    record = _export(case, tmp_path / "record.docx", "practitioner")
    assert [k for k, _ in _pictures(family)].count("image/png") == 1  # the parent's answers
    assert [k for k, _ in _pictures(record)].count("image/png") == 3
    headings = _texts(family, "Heading 1")
    assert headings.index("How you have been feeling") < headings.index(
        "What to look for next time")
    audiences: tuple[Audience, ...] = ("family", "practitioner")
    for audience in audiences:
        data = _data(case, audience)
        scales = [c for c in chart_pictures(render_html(data, for_print=True)) if c.scale]
        assert len(scales) == 1
        assert scales[0].skipped == ()


def test_a_deficit_word_stops_the_familys_word_document(summary_case: SummaryCase,
                                                        tmp_path: Path) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        ws.update_moment(case.chosen_moment_ids[0], strengths="He missed you, and you waited.")
    out = tmp_path / "out" / "summary.docx"
    out.parent.mkdir()
    with pytest.raises(FamilyWordingError, match="says 'missed'"):
        _export(case, out)
    assert list(out.parent.iterdir()) == []


def test_word_from_the_command_line_and_the_audit_log(summary_case: SummaryCase,
                                                      tmp_path: Path) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    out = tmp_path / "record.docx"
    run = run_cli(["export", "summary", "--workspace", case.root, "--case", "DEMO-01",
                   "--cycle", "3", "--out", out, "--audience", "practitioner"], cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout.strip() == str(out)
    assert PRACTITIONER_NOTE in _texts(docx.Document(str(out)), "Practitioner's Record")
    with Workspace.open(case.root) as ws:
        last = ws.privacy.audit_log(case.case_id)[-1]
        assert last.action == "export"
        assert "summary for the practitioner's record, cycle 3: 1 file written" in last.detail
        assert last.detail.endswith("record.docx")
        family = tmp_path / "summary.docx"
        run_export(ws, ExportRequest("summary", case.case_id, 3, family))
        assert "summary for the family" in ws.privacy.audit_log(case.case_id)[-1].detail
    assert "Moments to keep" in _texts(docx.Document(str(family)), "Title")


def test_a_still_from_an_upright_film_stays_within_its_page(summary_case: SummaryCase) -> None:
    data = _data(summary_case, "family")
    upright = encode_jpeg(np.full((1920, 1080, 3), 200, np.uint8), "You hold him close.")
    first = dataclasses.replace(data.moments[0], pictures=(upright,))
    data = dataclasses.replace(data, moments=(first, *data.moments[1:]))
    document = docx_writer.summary_document(data, page=render_html(data, for_print=True))
    shape = document.inline_shapes[0]
    assert round(shape.height.mm) == 125  # as tall as a wide still is wide, not 222 mm
    assert round(shape.width.mm) == round(125 * 1080 / 1920)
