"""The ending: every cycle of a case together, for the family (a celebration) and for the
record, as HTML and Word (the PDF is in tests/gui/test_ending_gui.py), from a real
three-cycle case with the parent's ratings, a reached goal and a self-assessment."""

from __future__ import annotations

import base64
import dataclasses
import html
import re
from pathlib import Path

import docx
import pytest

from tests.core.test_cli_errors import run_cli
from tests.summary_case import (
    CODEBOOK,
    GENERAL_QUOTE,
    GOALS,
    HELPING_QUESTION,
    PARENT_QUOTE,
    PRACTITIONER_NOTE,
    STILL_CAPTION,
    SummaryCase,
    build_summary_case,
    copy_case,
)
from vigtool import Workspace
from vigtool.errors import ConsentMissing, InvalidEdit, VigtoolError
from vigtool.exports.naming import case_exports, file_name
from vigtool.exports.request import ExportRequest, run_export
from vigtool.report import ending_docx, extract_messages
from vigtool.report.ending import build_ending, keep_doing
from vigtool.report.ending_export import export_ending
from vigtool.report.language import FamilyWordingError, check_plain, check_strengths
from vigtool.wording import Child, suggest_strengths

CYCLE_WORDS = ("I never noticed how much he talks to me.", "He really does wait for me!",
               PARENT_QUOTE, "She's copying my sounds, like a real conversation.", GENERAL_QUOTE)
REACHED = "Keep waiting for his reply."  # cycle 2's goal, reached
REACHED_ON = "2026-03-03"
SELF_NOTE = "I waited before asking what she noticed."
RATING_NOTE = "Said she was exhausted at the first visit."
PARENT_SCALE = ((0, 3), (1, 4), (2, 6), (3, 8))
OWN_SCALE = ((0, 2), (3, 7))
_TAG = re.compile(r"<[^>]*>")


@pytest.fixture(scope="module")
def ending_case(tmp_path_factory: pytest.TempPathFactory) -> SummaryCase:
    """The summary's three-cycle case, with the scale rated from the first meeting to the
    end, one goal reached, the child's name, and the practitioner's look back at cycle 2."""
    folder = tmp_path_factory.mktemp("ending")
    case = build_summary_case(folder / "ws", folder)
    with Workspace.open(case.root) as ws:
        for cycle, value in PARENT_SCALE:
            ws.add_rating(case.case_id, cycle=cycle, value=value,
                          note=RATING_NOTE if cycle == 0 else "")
        for cycle, value in OWN_SCALE:
            ws.add_rating(case.case_id, cycle=cycle, value=value, rated_by="practitioner")
        (goal,) = [g for g in ws.review.goals(case.case_id) if g.text == REACHED]
        ws.review.set_goal_reached(goal.id, REACHED_ON)
        ws.update_case(case.case_id, child_name="Sam", pronoun="he")
        ws.supervision.set_self_assessment(case.case_id, 2, used_well=["being-attentive"],
                                           used_well_note=SELF_NOTE)
    return case


def _export(case: SummaryCase, out: Path, audience: str = "family") -> Path:
    with Workspace.open(case.root) as ws:
        return export_ending(ws, case.case_id, out, audience=audience,  # type: ignore[arg-type]
                             codebook=CODEBOOK)


def _text(page: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", page)).split())


def _points(page: str, rater: str) -> list[tuple[int, int]]:
    """The scale chart's points for ``rater``, first to last, as the page draws them."""
    line = re.search(rf'<g class="scale-line" data-rater="{rater}">(.*?)</g></g>', page)
    if line is None:
        return []
    return [(int(c), int(v)) for c, v in
            re.findall(r'class="scale-point" data-cycle="(\d+)" data-value="(\d+)"', line[0])]


def _in_order(text: str, parts: tuple[str, ...]) -> bool:
    at = [text.find(p) for p in parts]
    return -1 not in at and at == sorted(at)


def _keep_words(*codes: str) -> list[str]:
    child = Child("Sam", "he")
    return [suggest_strengths(CODEBOOK, [c], child=child) for c in codes]


def test_the_familys_ending_holds_their_whole_story(ending_case: SummaryCase, tmp_path: Path
                                                   ) -> None:
    page = _export(ending_case, tmp_path / "ending.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "Celebrating you and Sam" in text
    assert "the videos belong to the people in them" in text
    assert HELPING_QUESTION in text
    assert len(re.findall(r'src="data:image/jpeg;base64,', page)) == 3  # a still per cycle
    assert STILL_CAPTION in text  # the still the practitioner marked in cycle 3
    assert _in_order(text, tuple(f"“{w}”" for w in CYCLE_WORDS))  # their words, in order
    assert _in_order(text, ("Session 1", "Session 2", "Session 3"))
    assert f"{REACHED} Reached on 3 March 2026" in text
    for goal in GOALS:  # set, not (yet) reached: not celebrated
        assert goal not in text
    assert _points(page, "parent") == list(PARENT_SCALE)  # their answers, first to last
    assert "You answered 3 at our first meeting, and 8 in session 3." in text
    assert "http" not in page
    assert "<script" not in page
    assert "<link" not in page


def test_the_familys_ending_has_no_notes_codes_numbers_or_jargon(ending_case: SummaryCase,
                                                                tmp_path: Path) -> None:
    page = _export(ending_case, tmp_path / "ending.html").read_text(encoding="utf-8")
    text = _text(page)
    assert PRACTITIONER_NOTE not in text
    assert RATING_NOTE not in page
    assert SELF_NOTE not in text
    assert _points(page, "practitioner") == []
    for code in CODEBOOK.codes:
        assert code.label not in text
    assert "chosen moment" not in text
    assert "Moments tagged" not in text
    assert check_plain(text) == []
    spoken = text
    for words in (HELPING_QUESTION, *CYCLE_WORDS):  # the parent's own words are theirs
        spoken = spoken.replace(words, "")
    assert check_strengths(spoken) == []


def test_keep_doing_says_what_was_tagged_most_often_and_nothing_else(
    ending_case: SummaryCase, tmp_path: Path
) -> None:
    page = _export(ending_case, tmp_path / "ending.html").read_text(encoding="utf-8")
    keep = _text(page.split('class="panel keep"')[1])
    # Chosen moments: turns tagged in 6, attention 5, noticing 5, room to lead 3, help 1.
    expected = _keep_words("developing-attuned-interactions", "being-attentive",
                           "receiving-initiatives", "encouraging-initiatives")
    assert _in_order(keep, tuple(expected))
    assert "in every one of our sessions" in keep  # each was seen in all three
    (help_once,) = _keep_words("guiding")
    (never,) = _keep_words("deepening-discussion")
    assert help_once not in _text(page)  # seen once: not among the most often
    assert never not in _text(page)  # never tagged: never claimed
    assert keep.index(expected[-1]) < keep.index(REACHED)  # then the goals reached


def test_keep_doing_claims_only_the_codes_on_chosen_moments(ending_case: SummaryCase) -> None:
    with Workspace.open(ending_case.root, read_only=True) as ws:
        chosen = {n: ws.annotations.review_moments(ending_case.case_id, n) for n in (1, 2, 3)}
    only = {1: [m for m in chosen[1] if "guiding" not in m.codes][:1], 2: [], 3: []}
    items = keep_doing(CODEBOOK, only, Child("Sam", "he"))
    assert {i.code.id for i in items} == set(only[1][0].codes)
    assert all(not i.every_session for i in items)  # one session had a chosen moment
    assert keep_doing(CODEBOOK, {1: [], 2: []}, Child()) == ()
    unknown = [dataclasses.replace(m, codes=("not-in-the-codebook",)) for m in chosen[1]]
    assert keep_doing(CODEBOOK, {1: unknown}, Child()) == ()


def test_each_cycles_still_is_the_first_marked_one_in_review_order(ending_case: SummaryCase,
                                                                 tmp_path: Path) -> None:
    case = copy_case(ending_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        first, second = ws.annotations.review_moments(case.case_id, 2)
        assert not ws.annotations.stills_in(first)
        data = build_ending(ws, case.case_id, audience="family", codebook=CODEBOOK)
        cycle2 = next(c for c in data.cycles if c.cycle == 2)
        assert cycle2.picture is not None  # no still marked: the first moment's middle frame
        assert cycle2.picture.frame == (first.start_frame + first.end_frame) // 2
        assert cycle2.title == first.title
        marked = ws.annotations.set_still(second.id, second.start_frame + 3)
        data = build_ending(ws, case.case_id, audience="family", codebook=CODEBOOK)
        cycle2 = next(c for c in data.cycles if c.cycle == 2)
        assert cycle2.picture is not None
        assert (cycle2.picture.frame, cycle2.title) == (marked.frame, second.title)


def test_the_record_adds_codes_numbers_self_assessments_and_notes(ending_case: SummaryCase,
                                                                 tmp_path: Path) -> None:
    page = _export(ending_case, tmp_path / "record.html", "practitioner").read_text(
        encoding="utf-8")
    text = _text(page)
    assert "Ending record: case DEMO-01, every cycle" in text
    assert PRACTITIONER_NOTE in text
    assert SELF_NOTE in text
    assert "Being attentive (2)" in text  # the codes per cycle, with how often
    assert "Moments tagged" in text  # the progress numbers
    assert _points(page, "parent") == list(PARENT_SCALE)
    assert _points(page, "practitioner") == list(OWN_SCALE)
    assert "Helping question, you: 2 (first meeting) to 7 (cycle 3)" in text
    for goal in GOALS:
        assert f"{goal} Set in cycle 3, not marked as reached" in text
    assert f"{REACHED} Set in cycle 2, reached on 3 March 2026" in text
    assert "Developing attuned interactions: 6 chosen moments, cycles 1, 2 and 3" in text
    assert _in_order(text, tuple(f"“{w}”" for w in CYCLE_WORDS))


def test_the_word_ending_holds_the_same_words_and_pictures(ending_case: SummaryCase,
                                                          tmp_path: Path) -> None:
    page = _export(ending_case, tmp_path / "ending.html").read_text(encoding="utf-8")
    document = docx.Document(str(_export(ending_case, tmp_path / "ending.docx")))
    paragraphs = [p.text for p in document.paragraphs]
    words = "\n".join(paragraphs)
    assert "Celebrating you and Sam" in paragraphs
    assert f"“{HELPING_QUESTION}”" in paragraphs
    assert _in_order(words, tuple(f"“{w}”" for w in CYCLE_WORDS))
    assert f"{REACHED}\nReached on 3 March 2026" in paragraphs
    for sentence in _keep_words("developing-attuned-interactions",
                                "being-attentive"):
        assert sentence in paragraphs
    assert "You answered 3 at our first meeting, and 8 in session 3." in paragraphs
    assert PRACTITIONER_NOTE not in words
    assert GOALS[0] not in words
    stills = {base64.b64decode(b) for b in
              re.findall(r'src="data:image/jpeg;base64,([^"]+)"', page)}
    pictures = {p.blob for p in document.part.package.image_parts}
    assert stills < pictures
    assert len(pictures) == 4
    assert document.core_properties.author == ""
    record = docx.Document(str(_export(ending_case, tmp_path / "record.docx", "practitioner")))
    cells = [c.text for t in record.tables for row in t.rows for c in row.cells]
    assert PRACTITIONER_NOTE in cells
    assert any(SELF_NOTE in c for c in cells)


def test_a_deficit_word_in_a_reached_goal_stops_the_familys_ending(ending_case: SummaryCase,
                                                                  tmp_path: Path) -> None:
    case = copy_case(ending_case, tmp_path / "ws")
    with Workspace.open(case.root) as ws:
        unreached = next(g for g in ws.review.goals(case.case_id) if g.reached_on is None)
        ws.review.update_goal(unreached.id, text="Notice when you missed his cue.")
    out = tmp_path / "out" / "ending.html"
    out.parent.mkdir()
    _export(case, out)  # a goal not reached is not in the family's ending: nothing to check
    out.unlink()
    with Workspace.open(case.root) as ws:
        ws.review.set_goal_reached(unreached.id, "2026-03-10")
    with pytest.raises(FamilyWordingError, match="goal 'Notice when you missed his cu…' says "
                                                  "'missed'"):
        _export(case, out)
    assert list(out.parent.iterdir()) == []
    _export(case, out, "practitioner")  # the record quotes it as written


def test_the_ending_is_an_audited_export_for_the_family_or_the_record(
    ending_case: SummaryCase, tmp_path: Path
) -> None:
    case = copy_case(ending_case, tmp_path / "ws")
    out = tmp_path / "out"
    out.mkdir()
    family = out / file_name("DEMO-01", None, "ending", ".html")
    record = out / file_name("DEMO-01", None, "ending", ".html", audience="practitioner")
    assert (family.name, record.name) == ("DEMO-01-ending.html",
                                          "DEMO-01-ending-practitioner.html")
    with Workspace.open(case.root) as ws:
        assert run_export(ws, ExportRequest("ending", case.case_id, None, family)) == [family]
        started, done = ws.privacy.audit_log(case.case_id)[-2:]
        assert started.action == "export-started"
        assert "the ending (every cycle together) for the family, all cycles" in started.detail
        assert done.action == "export"
        assert done.detail.endswith(family.name)
        run_export(ws, ExportRequest("ending", case.case_id, None, record,
                                     audience="practitioner"))
        assert case_exports(out, "DEMO-01") == sorted([family, record])  # a purge finds them
        with pytest.raises(VigtoolError, match="leave out the cycle"):
            ExportRequest("ending", case.case_id, 3, family)
        with pytest.raises(VigtoolError, match="for the family or the practitioner's record"):
            ExportRequest("ending", case.case_id, None, family, audience="training")
        ws.add_consent(case.case_id, kind="shared-review", given=False)
        family.unlink()
        with pytest.raises(ConsentMissing):
            run_export(ws, ExportRequest("ending", case.case_id, None, family))
        assert not family.exists()
        run_export(ws, ExportRequest("ending", case.case_id, None, record,
                                     audience="practitioner"))  # the record needs none


def test_nothing_chosen_anywhere_gives_no_family_ending(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case("FAM-9", "How do I help him settle?")
        with pytest.raises(InvalidEdit, match="no moment of case FAM-9 is chosen"):
            build_ending(ws, case.id, audience="family", codebook=CODEBOOK)
        record = build_ending(ws, case.id, audience="practitioner", codebook=CODEBOOK)
        assert record.cycles == ()
        assert record.keep_doing == ()
        with pytest.raises(VigtoolError, match=r"ending\.odt: the ending is saved as"):
            export_ending(ws, case.id, tmp_path / "ending.odt", audience="practitioner",
                          codebook=CODEBOOK)
        with pytest.raises(VigtoolError, match="needs the app's PDF writer"):
            export_ending(ws, case.id, tmp_path / "ending.pdf", audience="practitioner",
                          codebook=CODEBOOK)
        assert not (tmp_path / "ending.pdf").exists()


def test_a_goal_is_marked_reached_undoably(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case("FAM-9", "")
        goal = ws.add_goal(case.id, cycle=1, text="Wait for his reply.")
        assert goal.reached_on is None
        assert ws.review.set_goal_reached(goal.id, "2026-03-14").reached_on == "2026-03-14"
        assert ws.undo_name == "Goal Reached"
        ws.undo()
        assert ws.review.goal(goal.id).reached_on is None
        ws.redo()
        assert ws.review.goal(goal.id).reached_on == "2026-03-14"
        ws.review.set_goal_reached(goal.id, None)
        assert ws.undo_name == "Goal Not Reached"
        for bad in ("14/03/2026", "2026-02-30", "20260314", ""):
            with pytest.raises(InvalidEdit, match="written as 2026-03-14"):
                ws.review.set_goal_reached(goal.id, bad)


def test_the_ending_from_the_command_line(ending_case: SummaryCase, tmp_path: Path) -> None:
    case = copy_case(ending_case, tmp_path / "ws")
    out = tmp_path / "DEMO-01-ending.docx"
    run = run_cli(["export", "ending", "--workspace", case.root, "--case", "DEMO-01",
                   "--out", out], cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout.strip() == str(out)
    assert "Celebrating you and Sam" in [p.text for p in docx.Document(str(out)).paragraphs]
    run = run_cli(["export", "ending", "--workspace", case.root, "--case", "DEMO-01",
                   "--cycle", "2", "--out", tmp_path / "x.html"], cwd=tmp_path)
    assert run.code == 2
    assert "leave out the cycle" in run.stderr


def test_the_word_documents_own_words_are_the_templates_words() -> None:
    """Words the Word document says in place are looked up by the templates' msgids, so one
    translation serves the page, the PDF and the document."""
    said = set(re.findall(r'\bw\("([^"]+)"\)', Path(ending_docx.__file__).read_text()))
    ending_templates = {m.msgid for m in extract_messages.extract()
                        if any("templates/ending" in place for place in m.places)}
    assert said
    assert said <= ending_templates
