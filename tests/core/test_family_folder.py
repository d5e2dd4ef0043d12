"""The family's own copy: one folder for a phone or a memory stick, made from real films.

What it holds (the chosen moments, their stills, the parent's words, the goals; never a
note or a moment left out), how its files are named, that every clip is one any phone
plays, consent, the audit log, a cancel, a second copy over the first, the command line.
The page in a real browser is in test_family_folder_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from tests.core.family_copy_case import (
    CAPTION,
    CHILD,
    CODE,
    GOALS,
    LEFT_OUT,
    PARENT_CYCLE_2,
    PARENT_GENERAL,
    PARENT_ON_MOMENT,
    PRIVATE_NOTE,
    QUESTION,
    STRENGTHS,
    TITLES,
    FamilyCase,
    build_family_case,
    copy_workspace,
    write_big_film,
)
from tests.core.test_cli_errors import assert_one_error_line, run_cli
from vigtool.errors import Cancelled, ConsentMissing, VigtoolError
from vigtool.exports.naming import FAMILY_PAGE, case_exports
from vigtool.exports.phone_video import clip_facts
from vigtool.exports.request import ExportRequest, replaced_files, run_export
from vigtool.jobs import CancelToken
from vigtool.privacy.files import TEMP_PREFIX
from vigtool.report.language import FamilyWordingError
from vigtool.workspace import Workspace


@pytest.fixture(scope="module")
def family(tmp_path_factory: pytest.TempPathFactory, small_video: VideoTruth) -> FamilyCase:
    folder = tmp_path_factory.mktemp("family-case")
    big = write_big_film(folder / "big.mp4")
    return build_family_case(folder / "ws", small_video.path, big)


@pytest.fixture(scope="module")
def one_cycle(family: FamilyCase, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Cycle 1's copy, made once for the tests that only read it."""
    out = tmp_path_factory.mktemp("out")
    with Workspace.open(family.root) as ws:
        return run_export(ws, ExportRequest("family", family.case_id, 1, out))


@pytest.fixture
def mine(family: FamilyCase, tmp_path: Path) -> Iterator[Workspace]:
    """A copy of the case's workspace a test may change."""
    with Workspace.open(copy_workspace(family, tmp_path / "ws").root) as ws:
        yield ws


def page_text(folder: Path) -> str:
    return (folder / FAMILY_PAGE).read_text(encoding="utf-8")


def test_one_cycle_is_one_folder_of_page_clips_and_stills_named_by_code_and_cycle(
    one_cycle: list[Path],
) -> None:
    folder = one_cycle[0].parent
    assert folder.name == f"{CODE}-c1-family-copy"
    assert [p.name for p in one_cycle] == [
        f"{CODE}-c1-clip01.mp4", f"{CODE}-c1-clip02.mp4", f"{CODE}-c1-still01.jpg",
        f"{CODE}-c1-still02.jpg", FAMILY_PAGE]  # the page last, once its files are there
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in one_cycle)
    for path in one_cycle:
        assert CHILD.lower() not in path.name.lower()
        assert path.stat().st_mode & 0o077 == 0  # private to the practitioner's account


def test_the_page_holds_the_moments_stills_parent_words_and_goals_and_nothing_private(
    one_cycle: list[Path],
) -> None:
    page = page_text(one_cycle[0].parent)
    for words in (*TITLES[:2], *STRENGTHS[:2], CAPTION, *GOALS):
        assert words.replace("'", "&#39;") in page, words
    for said in (QUESTION, PARENT_ON_MOMENT, PARENT_GENERAL):
        assert f"“{said}”".replace("'", "&#39;") in page, said
    for private in (PRIVATE_NOTE, LEFT_OUT, TITLES[2], PARENT_CYCLE_2):
        assert private not in page, private
    assert CODE not in re.sub(r"<[^>]*>", " ", page)  # only in the files' names
    # The parent's own scale, from the first meeting to this session, drawn inline.
    (chart,) = re.findall(r"<svg[^>]*>.*?</svg>", page, re.DOTALL)
    assert "xmlns" not in chart
    assert "Our first meeting" in chart
    assert "Session 1" in chart
    assert "Session 2" not in chart
    assert ">3<" in chart
    assert ">5<" in chart
    assert ">9<" not in chart
    # Each moment's film and its pictures are files beside the page, in review order.
    links = re.findall(r'(?:src|href|poster)="([^"]+)"', page)
    assert links[:3] == [f"{CODE}-c1-clip01.mp4", f"{CODE}-c1-still01.jpg",
                         f"{CODE}-c1-clip01.mp4"]
    assert set(links) == {p.name for p in one_cycle if p.name != FAMILY_PAGE}


@pytest.mark.parametrize("name", ["clip01", "clip02"])
def test_every_clip_is_one_a_phone_plays(one_cycle: list[Path], family: FamilyCase,
                                         name: str) -> None:
    (clip,) = [p for p in one_cycle if name in p.name]
    facts = clip_facts(clip)
    assert facts.phone_ready, facts.problems
    assert (facts.codec, facts.pixel_format, facts.audio) == ("h264", "yuv420p", ("aac",))
    assert facts.profile in ("High", "Main")
    assert facts.faststart
    assert facts.width <= 1920
    assert facts.height <= 1080


def test_a_film_larger_than_1080p_is_scaled_down_frame_for_frame(
    family: FamilyCase, tmp_path: Path,
) -> None:
    with Workspace.open(family.root) as ws:
        written = run_export(ws, ExportRequest("family", family.case_id, 2, tmp_path))
    (clip,) = [p for p in written if p.suffix == ".mp4"]
    facts = clip_facts(clip)
    assert facts.phone_ready, facts.problems
    assert (facts.width, facts.height) == (1920, 1080)  # 2400x1350, the aspect kept
    import av

    with av.open(str(clip)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == family.frames[family.chosen[2]]
    assert PARENT_CYCLE_2 in page_text(clip.parent)


def test_every_cycle_in_one_folder(family: FamilyCase, tmp_path: Path) -> None:
    with Workspace.open(family.root) as ws:
        written = run_export(ws, ExportRequest("family", family.case_id, None, tmp_path))
    folder = tmp_path / f"{CODE}-family-copy"
    assert {p.name for p in written} == {
        f"{CODE}-c1-clip01.mp4", f"{CODE}-c1-clip02.mp4", f"{CODE}-c2-clip01.mp4",
        f"{CODE}-c1-still01.jpg", f"{CODE}-c1-still02.jpg", f"{CODE}-c2-still01.jpg",
        FAMILY_PAGE}
    page = page_text(folder)
    assert page.index("Session 1") < page.index(STRENGTHS[0]) < page.index("Session 2")
    assert page.index("Session 2") < page.index(STRENGTHS[2]) < page.index(PARENT_CYCLE_2)
    assert "sessions 1 to 2" in page
    (chart,) = re.findall(r"<svg[^>]*>.*?</svg>", page, re.DOTALL)
    assert "Session 2" in chart
    assert ">7<" in chart
    # A purge of the case takes the copy left in the workspace's exports/ folder too.
    assert case_exports(tmp_path, CODE) == [folder]
    assert case_exports(tmp_path, "FAM-0") == []


def test_it_needs_consent_to_keep_clips_and_to_the_review_said_in_one_line(
    mine: Workspace, tmp_path: Path,
) -> None:
    case_id = mine.caseload.case_by_code(CODE).id
    request = ExportRequest("family", case_id, 1, tmp_path / "out")
    logged = len(mine.privacy.audit_log(case_id))
    mine.withdraw_consent(case_id, kind="keep-clips")
    with pytest.raises(ConsentMissing) as refused:
        run_export(mine, request)
    line = str(refused.value)
    assert "\n" not in line
    assert "keeping the chosen clips" in line
    assert "shared review" not in line
    mine.withdraw_consent(case_id, kind="shared-review")
    with pytest.raises(ConsentMissing) as refused:
        run_export(mine, request)
    line = str(refused.value)
    assert "\n" not in line
    assert "shared review" in line
    assert ", and " in line
    assert "keeping the chosen clips" in line
    assert line.count("record the family's consent") == 1
    assert not (tmp_path / "out").exists()
    assert not [e for e in mine.privacy.audit_log(case_id)[logged:]
                if e.action.startswith("export")]


def test_the_audit_log_says_what_left_before_and_after(mine: Workspace, tmp_path: Path,
                                                         family: FamilyCase) -> None:
    run_export(mine, ExportRequest("family", family.case_id, 1, tmp_path))
    started, done = mine.privacy.audit_log(family.case_id)[-2:]
    assert started.action == "export-started"
    assert done.action == "export"
    assert "the family's own copy" in started.detail
    assert "cycle 1" in started.detail
    assert f"moments {family.chosen[0]}, {family.chosen[1]}" in started.detail
    assert f"#{started.id}" in done.detail
    assert "5 files" in done.detail


def test_a_cancel_leaves_nothing(mine: Workspace, tmp_path: Path) -> None:
    case_id = mine.caseload.case_by_code(CODE).id
    out = tmp_path / "stick"
    cancel = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > total // 3:  # well into the first clip
            cancel.cancel()

    with pytest.raises(Cancelled):
        run_export(mine, ExportRequest("family", case_id, None, out), progress=progress,
                   cancel=cancel)
    assert seen
    assert list(out.iterdir()) == []  # neither the folder nor a hidden work folder
    assert mine.privacy.audit_log(case_id)[-1].action == "export-cancelled"


def test_a_new_copy_replaces_the_old_and_takes_out_what_is_no_longer_chosen(
    mine: Workspace, tmp_path: Path,
) -> None:
    case = mine.caseload.case_by_code(CODE)
    first = run_export(mine, ExportRequest("family", case.id, 1, tmp_path))
    folder = first[0].parent
    (folder / "photo-from-the-family.jpg").write_bytes(b"theirs")
    request = ExportRequest("family", case.id, 1, folder)  # given the folder itself
    assert sorted(request.replaced_files(case.code)) == sorted(first)
    second_moment = mine.annotations.review_moments(case.id, 1)[1]
    mine.annotations.choose_for_review(second_moment.id, False)
    second = run_export(mine, request)
    assert [p.name for p in second] == [f"{CODE}-c1-clip01.mp4", f"{CODE}-c1-still01.jpg",
                                        FAMILY_PAGE]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [p.name for p in second] + ["photo-from-the-family.jpg"])
    assert TITLES[1] not in page_text(folder)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert replaced_files("family", case.code, 2, tmp_path) == []


def test_deficit_words_stop_the_copy_before_anything_is_written(
    mine: Workspace, tmp_path: Path,
) -> None:
    case_id = mine.caseload.case_by_code(CODE).id
    moment = mine.annotations.review_moments(case_id, 1)[0]
    mine.update_moment(moment.id, strengths="You missed her first smile.")
    with pytest.raises(FamilyWordingError, match="missed"):
        run_export(mine, ExportRequest("family", case_id, 1, tmp_path / "out"))
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_only_for_the_family(family: FamilyCase, tmp_path: Path) -> None:
    with pytest.raises(VigtoolError, match="for the family only"):
        ExportRequest("family", family.case_id, 1, tmp_path, audience="intervision")


def test_the_command_line(family: FamilyCase, tmp_path: Path) -> None:
    args = ["export", "family", "--workspace", family.root, "--case", CODE]
    run = run_cli([*args, "--out", tmp_path / "stick"], cwd=tmp_path)
    assert run.code == 0, run.stderr
    # No --cycle: the latest cycle; each file written is printed, the page last.
    folder = tmp_path / "stick" / f"{CODE}-c2-family-copy"
    assert run.stdout.splitlines()[-1] == str(folder / FAMILY_PAGE)
    again = run_cli([*args, "--out", tmp_path / "stick"], cwd=tmp_path)
    assert_one_error_line(again, "--force")
    both = run_cli([*args, "--cycle", "1", "--all-cycles", "--out", tmp_path], cwd=tmp_path)
    assert both.code == 2
    assert "not allowed with" in both.stderr
    every = run_cli([*args, "--all-cycles", "--out", tmp_path / "all"], cwd=tmp_path)
    assert every.code == 0, every.stderr
    assert (tmp_path / "all" / f"{CODE}-family-copy" / FAMILY_PAGE).is_file()
    inside = run_cli([*args, "--out", family.root / "media"], cwd=tmp_path)
    assert_one_error_line(inside, "inside the workspace")


def test_after_the_film_is_purged_the_copy_is_made_from_the_clips_kept(
    mine: Workspace, tmp_path: Path,
) -> None:
    from vigtool.purge import plan_purge, purge_case

    case_id = mine.caseload.case_by_code(CODE).id
    purge_case(mine, plan_purge(mine, case_id))
    written = run_export(mine, ExportRequest("family", case_id, None, tmp_path))
    clips = [p for p in written if p.suffix == ".mp4"]
    assert [p.name for p in clips] == [f"{CODE}-c1-clip01.mp4", f"{CODE}-c1-clip02.mp4",
                                       f"{CODE}-c2-clip01.mp4"]
    for clip in clips:
        assert clip_facts(clip).phone_ready, clip_facts(clip).problems
    assert (clip_facts(clips[2]).width, clip_facts(clips[2]).height) == (1920, 1080)
    page = page_text(clips[0].parent)
    assert CAPTION in page  # the still kept with the clips
    # Kept clips are the family's consent's to keep: taken back, the copy is refused.
    kept = mine.library.kept_folder(case_id)
    for path in kept.glob("c2-*.mp4"):
        path.unlink()
    with pytest.raises(VigtoolError, match="moment 1 of cycle 2 has no film to copy: its film "
                                           "was deleted"):
        run_export(mine, ExportRequest("family", case_id, 2, tmp_path / "two"))
