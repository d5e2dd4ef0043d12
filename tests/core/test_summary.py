"""The session summary: what a family keeps, and the practitioner's record (HTML)."""

from __future__ import annotations

import base64
import html
import re
import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

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
from vigtool.errors import InvalidEdit, VigtoolError
from vigtool.exports.request import ExportRequest, run_export
from vigtool.report import extract_messages, i18n
from vigtool.report.export import export_summary
from vigtool.report.language import (
    FamilyWordingError,
    check_plain,
    check_strengths,
    wording_issues,
)
from vigtool.report.pictures import MAX_WIDTH, encode_jpeg
from vigtool.report.summary import build_summary, render_html

__all__ = ["summary_case"]  # the fixture, imported for pytest

_TAG = re.compile(r"<[^>]*>")


def _export(case: SummaryCase, out: Path, audience: str = "family", cycle: int | None = None
            ) -> str:
    with Workspace.open(case.root) as ws:
        export_summary(ws, "DEMO-01", cycle, out, audience=audience,  # type: ignore[arg-type]
                       codebook=CODEBOOK)
    return out.read_text(encoding="utf-8")


def _text(page: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", page)).split())


def test_family_summary_is_one_self_contained_file(summary_case: SummaryCase, tmp_path: Path
                                                   ) -> None:
    page = _export(summary_case, tmp_path / "summary.html")
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page
    assert "url(" not in page
    assert re.findall(r'\b(?:src|href)="(?!data:)', page) == []
    assert (tmp_path / "summary.html").stat().st_mode & 0o777 == 0o600


def test_family_summary_holds_the_question_stills_words_and_goals(
    summary_case: SummaryCase, tmp_path: Path
) -> None:
    page = _export(summary_case, tmp_path / "summary.html")
    text = _text(page)
    assert HELPING_QUESTION in text
    assert PARENT_QUOTE in text  # the parent's words, quoted as they said them
    assert GENERAL_QUOTE in text
    assert all(goal in text for goal in GOALS)
    assert STILL_CAPTION in text
    assert [t for t in TITLES if t in text] == list(TITLES)
    stills = re.findall(r'src="data:image/jpeg;base64,([^"]+)"', page)
    assert len(stills) == 3  # one still saved in the first moment, the middle frame of the others
    for payload in stills:
        rgb = cv2.imdecode(np.frombuffer(base64.b64decode(payload), np.uint8), cv2.IMREAD_COLOR)
        assert rgb is not None
        assert rgb.shape[1] <= MAX_WIDTH


def test_family_summary_leaves_out_notes_codes_and_jargon(summary_case: SummaryCase,
                                                          tmp_path: Path) -> None:
    page = _export(summary_case, tmp_path / "summary.html")
    text = _text(page)
    assert PRACTITIONER_NOTE not in text
    assert "supervision" not in text
    for practitioner_word in ("Receiving initiatives", "frames", "DEMO-01", "Median"):
        assert practitioner_word not in text
    without_parent = text.replace(PARENT_QUOTE, "")
    assert check_strengths(without_parent) == []
    assert check_plain(without_parent) == []


def test_practitioner_record_adds_notes_codes_and_timings(summary_case: SummaryCase,
                                                          tmp_path: Path) -> None:
    text = _text(_export(summary_case, tmp_path / "record.html", "practitioner"))
    assert PRACTITIONER_NOTE in text
    assert "Receiving initiatives" in text
    assert "Developing attuned interactions" in text
    assert "cycle3.mp4, 0:01.00 to 0:07.48 (frames 25 to 186)" in text
    assert "8 turns marked, longest chain 8" in text
    assert "Median response, child to adult" in text
    assert HELPING_QUESTION in text
    assert PARENT_QUOTE in text
    assert "Not for the family" in text


def test_the_parents_own_words_are_never_checked_or_changed(summary_case: SummaryCase) -> None:
    """"didn't" in a parent's reflection is their voice: the export keeps it, unedited."""
    assert check_strengths(PARENT_QUOTE) == ["didn't"]
    with Workspace.open(summary_case.root) as ws:
        data = build_summary(ws, summary_case.case_id, audience="family", codebook=CODEBOOK)
    page = render_html(data)
    assert wording_issues(data, page) == []
    assert data.moments[0].reflections == (PARENT_QUOTE,)


def test_a_planted_deficit_word_stops_the_family_export(summary_case: SummaryCase,
                                                        tmp_path: Path) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        ws.update_moment(case.chosen_moment_ids[0], title="Bath time",
                         strengths="He missed you for a second, and you waited.")
    out = tmp_path / "out" / "summary.html"
    out.parent.mkdir()
    with pytest.raises(FamilyWordingError) as caught:
        _export(case, out)
    message = str(caught.value)
    assert "\n" not in message
    assert "moment 'Bath time' wording says 'missed'" in message
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no half-written file either
    assert PRACTITIONER_NOTE in _text(_export(case, tmp_path / "record.html", "practitioner"))


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("goal", "Try not to be wrong-footed by his crying.",
         "goal 3 ('Try not to be wrong-footed by…') says 'wrong'"),
        ("caption", "A poor picture, but a lovely smile.", "still caption says 'poor'"),
        ("strengths", "You received his initiative.", "wording says 'initiative'"),
    ],
)
def test_the_check_names_where_each_word_came_from(
    summary_case: SummaryCase, tmp_path: Path, field: str, value: str, expected: str
) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        first = ws.annotations.moment(case.chosen_moment_ids[0])
        if field == "goal":
            ws.add_goal(case.case_id, cycle=3, text=value)
        elif field == "caption":
            ws.add_still(first.recording_id, frame=first.start_frame, caption=value)
        else:
            ws.update_moment(first.id, strengths=value)
    with pytest.raises(FamilyWordingError, match=re.escape(expected)):
        _export(case, tmp_path / "summary.html")


def test_progress_charts_are_in_the_record_only(summary_case: SummaryCase, tmp_path: Path
                                                ) -> None:
    with Workspace.open(summary_case.root) as ws:
        data = build_summary(ws, summary_case.case_id, audience="practitioner",
                             codebook=CODEBOOK)
    assert [c.cycle for c in data.progress.cycles] == [1, 2, 3]
    assert [c.longest_chain for c in data.progress.cycles] == [6, 7, 8]
    assert all(c.median_latency_ms is not None for c in data.progress.cycles)
    record = _export(summary_case, tmp_path / "record.html", "practitioner")
    charts = re.findall(r"<svg\b.*?</svg>", record, re.DOTALL)
    assert len(charts) == 2
    for chart in charts:
        assert len(re.findall(r'<g class="cycle" data-cycle="\d"', chart)) == 3
        assert re.search(r"<title id=\"[^\"]+\">[^<]+</title>", chart)  # named for screen readers
        assert "<desc" in chart
    assert "Cycle 1" in charts[0]
    assert "Receiving initiatives" in charts[0]
    assert "8 turns" in charts[1]
    earlier = _export(summary_case, tmp_path / "cycle2.html", "practitioner", cycle=2)
    first = re.search(r"<svg\b.*?</svg>", earlier, re.DOTALL)
    assert first is not None
    assert len(re.findall(r'<g class="cycle"', first.group(0))) == 2


def test_the_familys_copy_has_no_scores(summary_case: SummaryCase, tmp_path: Path) -> None:
    """Moments per principle and the longest back-and-forth read as a score to a parent."""
    with Workspace.open(summary_case.root) as ws:
        data = build_summary(ws, summary_case.case_id, audience="family", codebook=CODEBOOK)
    assert data.progress.cycles == ()
    assert data.progress.codes == ()
    family = _export(summary_case, tmp_path / "summary.html")
    text = _text(family)
    assert "<svg" not in family
    assert "data:image/svg" not in family
    for score_words in ("back-and-forth", "moments we found", "Watching with interest"):
        assert score_words not in text
    assert not re.search(r"\b\d+ (?:turns?|moments?)\b", text)


def test_the_family_looks_back_in_their_own_words(summary_case: SummaryCase,
                                                  tmp_path: Path) -> None:
    with Workspace.open(summary_case.root) as ws:
        data = build_summary(ws, summary_case.case_id, audience="family", codebook=CODEBOOK)
        record = build_summary(ws, summary_case.case_id, audience="practitioner",
                               codebook=CODEBOOK)
    assert [(s.cycle, s.words) for s in data.earlier] == [
        (1, ("I never noticed how much he talks to me.",)),
        (2, ("He really does wait for me!",)),
    ]
    assert record.earlier == ()
    text = _text(_export(summary_case, tmp_path / "summary.html"))
    look_back = text[text.index("Looking back over our sessions"):]
    assert "Session 1 “I never noticed how much he talks to me.”" in look_back
    assert "Session 2 “He really does wait for me!”" in look_back
    assert GENERAL_QUOTE not in look_back  # this session's words are above, not looked back on
    assert _text(_export(summary_case, tmp_path / "c1.html", cycle=1)).count("Looking back") == 0


def test_export_is_recorded_in_the_audit_log(summary_case: SummaryCase, tmp_path: Path) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        run_export(ws, ExportRequest("summary", case.case_id, 3, tmp_path / "summary.html",
                                     audience="practitioner"))
        last = ws.privacy.audit_log(case.case_id)[-1]
    assert last.action == "export"
    assert "summary for the practitioner" in last.detail
    assert "cycle 3" in last.detail


def test_a_pdf_needs_a_pdf_writer_and_writes_nothing_without_one(
    summary_case: SummaryCase, tmp_path: Path
) -> None:
    out = tmp_path / "summary.pdf"
    with Workspace.open(summary_case.root) as ws, pytest.raises(VigtoolError, match="PDF"):
        export_summary(ws, "DEMO-01", None, out, codebook=CODEBOOK)
    assert not out.exists()


def test_a_summary_is_html_pdf_or_word(summary_case: SummaryCase, tmp_path: Path) -> None:
    with pytest.raises(VigtoolError,
                       match=r"summary\.odt: a summary is saved as \.html, \.pdf or \.docx"):
        _export(summary_case, tmp_path / "summary.odt")
    assert not (tmp_path / "summary.odt").exists()


def test_family_summary_needs_a_moment_chosen_for_review(summary_case: SummaryCase,
                                                        tmp_path: Path) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        for moment_id in case.chosen_moment_ids:
            ws.update_moment(moment_id, selected_for_review=False)
    with pytest.raises(InvalidEdit, match="no moment of case DEMO-01, cycle 3 is chosen"):
        _export(case, tmp_path / "summary.html")
    assert "Progress across cycles" in _text(_export(case, tmp_path / "r.html", "practitioner"))


def test_missing_footage_gives_a_summary_without_pictures(summary_case: SummaryCase,
                                                         tmp_path: Path) -> None:
    case = copy_case(summary_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        recording = ws.recordings(case.case_id)[-1]
        ws.library.media_path(recording).unlink()
    family = _export(case, tmp_path / "summary.html")
    assert "data:image/jpeg" not in family
    assert PARENT_QUOTE in _text(family)
    record = _text(_export(case, tmp_path / "record.html", "practitioner"))
    assert "recording missing: no picture" in record


def test_unknown_cycle_is_named(summary_case: SummaryCase, tmp_path: Path) -> None:
    with pytest.raises(VigtoolError, match=r"case DEMO-01 has no cycle 7 \(cycles: 1, 2, 3\)"):
        _export(summary_case, tmp_path / "summary.html", cycle=7)


def test_large_stills_are_scaled_down() -> None:
    picture = encode_jpeg(np.zeros((1080, 1920, 3), np.uint8))
    assert (picture.width, picture.height) == (MAX_WIDTH, 675)
    assert picture.data_uri.startswith("data:image/jpeg;base64,")


def test_every_word_is_translatable(summary_case: SummaryCase, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalogue in locale/<lang>/ changes the words; the parent's words stay theirs."""
    folder = tmp_path / "locale" / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    _write_mo(folder / "vigtool.mo", {
        "Moments to keep": "Eiliadau i'w cadw",
        "In your words": "Yn eich geiriau chi",
        "Session %(n)d": "Sesiwn %(n)d",
        "March": "Mawrth",
    })
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    with Workspace.open(summary_case.root) as ws:
        data = build_summary(ws, summary_case.case_id, audience="family", codebook=CODEBOOK)
    text = _text(render_html(data, language="cy"))
    assert "Eiliadau i'w cadw" in text
    assert "Yn eich geiriau chi" in text
    assert "Sesiwn 1" in text
    assert PARENT_QUOTE in text
    assert i18n.long_date("2025-03-14", i18n.translations("cy").gettext) == "14 Mawrth 2025"


def test_message_catalogue_is_up_to_date() -> None:
    assert extract_messages.main(["--check"]) == 0, (
        "run: python -m vigtool.report.extract_messages"
    )


def test_check_strengths_and_plain_words() -> None:
    assert check_strengths("You waited, and she smiled.") == []
    assert check_strengths("A poor start; he should have slept. Missed it.") == [
        "poor", "should have", "missed"
    ]
    assert check_plain("Attuned reception of his initiatives") == [
        "attuned", "reception", "initiatives"
    ]


def _write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU gettext catalogue (the format msgfmt writes), enough for the test."""
    catalogue = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(catalogue)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(catalogue[k].encode() + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    offsets, pos = [], 0
    for k in keys:
        offsets.append((len(k.encode()), start + pos))
        pos += len(k.encode()) + 1
    trans, pos = [], 0
    for k in keys:
        value = catalogue[k].encode()
        trans.append((len(value), start + len(ids) + pos))
        pos += len(value) + 1
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    table = b"".join(struct.pack("<2I", *o) for o in offsets + trans)
    path.write_bytes(header + table + ids + strs)
