"""Export file names: one per case and audience, only code-derived text, and cleanup that
keeps to its case and audience."""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from vigtool import Workspace
from vigtool.exports.audience import AUDIENCES, Audience
from vigtool.exports.media_exports import export_clips
from vigtool.exports.naming import (
    clip_name,
    earlier_exports,
    export_folder_name,
    file_name,
    recording_file_name,
    recording_files,
    reel_name,
    safe_code,
    session_folder,
    still_name,
)

# Codes that read alike once made safe for a file name, or that end like another
# case's name with a cycle.
CODES = (
    "FAM 1", "FAM_1", "FAM-1", "fam-1", "FAM/1", "FAM 1 ", " FAM 1", "FAM__1",
    "أمل", "أحمد", "محمد", "家族一", "家族二", "ÉMILE-07", "EMILE-07", "Émile-07",
    "A", "A-c1", "A-c1-c1", "A-C1", "case", "FAM_1-" + hashlib.sha256(b"FAM 1").hexdigest()[:6],
    "DEMO-01", "FAM-01", "K-10", "X" * 300, "X" * 299 + "Y", "X" * 64 + "-1",
)
NAME = re.compile(r"[A-Za-z0-9_-]+")


def _short(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:6]


def test_plain_codes_keep_their_names_and_changed_codes_gain_their_hash() -> None:
    assert safe_code("FAM-01") == "FAM-01"
    assert safe_code("FAM_1") == "FAM_1"
    assert safe_code("FAM 1") == f"FAM_1-{_short('FAM 1')}"
    assert safe_code("أمل") == f"case-{_short('أمل')}"
    assert safe_code("ÉMILE-07") == f"EMILE-07-{_short('ÉMILE-07')}"
    assert clip_name("FAM-01", 2, 3) == "FAM-01-c2-clip03.mp4"
    assert safe_code("FAM 1") == safe_code("FAM 1")  # stable: the same every run


@pytest.mark.parametrize("code", CODES)
def test_names_hold_only_text_from_the_code(code: str) -> None:
    safe = safe_code(code)
    assert NAME.fullmatch(safe), safe
    assert not safe.startswith("-")  # never read as an option by a command line
    assert len(safe) <= 64 + 7  # every name fits in a file system's 255 characters
    readable = re.sub(r"-[0-9a-f]{6}$", "", safe)
    assert readable == "case" or readable.replace("_", "").replace("-", "").isalnum()


def _names_for(code: str, audience: Audience) -> list[str]:
    names = [export_folder_name(code, 1, audience), reel_name(code, None, audience),
             reel_name(code, 1, audience)]
    names += [clip_name(code, c, n, audience) for c in (1, 2) for n in (1, 2)]
    names += [still_name(code, 1, 1, audience=audience)]
    for cycle in (None, 1, 2):
        for kind in ("csv", "json", "eaf", "vtt", "summary"):
            names.append(file_name(code, cycle, kind, ".x", audience=audience))
    return names


def _every_name(code: str) -> list[str]:
    return [name for audience in AUDIENCES for name in _names_for(code, audience)]


def test_no_two_cases_share_a_file_name_even_where_case_does_not_count() -> None:
    owner: dict[str, str] = {}
    for code in CODES:
        for name in _every_name(code):
            key = name.casefold()  # macOS and Windows do not tell "fam" from "FAM"
            assert owner.setdefault(key, code) == code, (name, code, owner[key])


def test_no_two_audiences_share_a_file_name() -> None:
    assert clip_name("FAM-01", 2, 3, "intervision") == "FAM-01-c2-clip03-intervision.mp4"
    assert file_name("FAM-01", 2, "summary", ".pdf", audience="practitioner") == (
        "FAM-01-c2-record.pdf")
    assert file_name("FAM-01", 2, "csv", ".csv", audience="training") == (
        "FAM-01-c2-moments-training.csv")
    for code in CODES:
        owner: dict[str, Audience] = {}
        for audience in AUDIENCES:
            for name in _names_for(code, audience):
                assert owner.setdefault(name.casefold(), audience) == audience, name
    names = {recording_file_name(7, "eaf", audience) for audience in AUDIENCES}
    assert len(names) == len(AUDIENCES)


def test_one_audiences_session_folder_is_never_inside_anothers(tmp_path: Path) -> None:
    family = tmp_path / export_folder_name("FAM 01", 2)
    assert session_folder(family, "FAM 01", 2) == family
    assert session_folder(family, "FAM 01", 2, "practitioner") == (
        tmp_path / f"{safe_code('FAM 01')}-c2-practitioner")
    assert session_folder(tmp_path, "FAM 01", 2, "training") == (
        tmp_path / f"{safe_code('FAM 01')}-c2-training")


def test_cleanup_never_claims_another_audiences_files(tmp_path: Path) -> None:
    for code in ("FAM-01", "FAM 1", "A"):
        folder = tmp_path / _short(code)
        folder.mkdir()
        for name in _every_name(code):
            (folder / name).write_bytes(b"")
        for audience in AUDIENCES:
            clips = earlier_exports(folder, code, None, "clip", ".mp4", audience)
            assert [p.name for p in clips] == sorted(
                clip_name(code, c, n, audience) for c in (1, 2) for n in (1, 2))
            stills = earlier_exports(folder, code, 1, "still", ".png", audience)
            assert [p.name for p in stills] == [still_name(code, 1, 1, audience=audience)]
    folder = tmp_path / "elan"
    folder.mkdir()
    for audience in AUDIENCES:
        for n in (1, 12):
            (folder / recording_file_name(n, "eaf", audience)).write_bytes(b"")
    for audience in AUDIENCES:
        assert [p.name for p in recording_files(folder, "eaf", audience)] == [
            recording_file_name(n, "eaf", audience) for n in (1, 12)]


def test_cleanup_never_claims_another_cases_files(tmp_path: Path) -> None:
    for n, code in enumerate(CODES):
        folder = tmp_path / str(n)
        folder.mkdir()
        for name in _every_name(code):
            (folder / name).write_bytes(b"")
    for (n, theirs), mine in itertools.product(enumerate(CODES), CODES):
        if mine == theirs:
            continue
        for what, ext in (("clip", ".mp4"), ("still", ".png")):
            for cycle, audience in itertools.product((None, 1, 2), AUDIENCES):
                found = earlier_exports(tmp_path / str(n), mine, cycle, what, ext, audience)
                assert found == [], (mine, theirs, found)


def _case_with_clips(ws: Workspace, code: str, video: Path, moments: int) -> int:
    case = ws.add_case(code)
    ws.add_consent(case.id, kind="filming", given=True)
    own = video.parent / f"{_short(code)}.mp4"  # the same film, a different file per case
    own.write_bytes(video.read_bytes() + code.encode())
    rec = ws.import_recording(case.id, path=own)
    for n in range(1, moments + 1):
        ws.add_moment(rec.id, start_frame=n * 5, end_frame=n * 5 + 4, title=f"moment {n}",
                      selected_for_review=True, review_order=n)
    return case.id


def test_exporting_one_case_leaves_another_cases_clips_in_the_folder(
    workspace: Workspace, small_video: VideoTruth, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    (tmp_path / "films").mkdir()
    (tmp_path / "films" / "small.mp4").write_bytes(small_video.path.read_bytes())
    others = {"FAM 1": 2, "أمل": 2, "A-c1": 2}
    mine = {"FAM_1": 2, "أحمد": 2, "A": 2}
    ids = {code: _case_with_clips(workspace, code, tmp_path / "films" / "small.mp4", n)
           for code, n in {**others, **mine}.items()}
    kept: dict[Path, bytes] = {}
    for code in others:
        for path in export_clips(workspace, ids[code], 1, folder):
            kept[path] = path.read_bytes()
    assert len(kept) == 6
    for code in mine:
        mine_paths = export_clips(workspace, ids[code], None, folder)
        assert len(mine_paths) == 2
        assert not set(mine_paths) & set(kept)
        # one moment taken out of the review: the export removes only this case's clip
        moment = workspace.annotations.review_moments(ids[code], 1)[-1]
        workspace.annotations.choose_for_review(moment.id, False)
        again = export_clips(workspace, ids[code], None, folder)
        assert again == mine_paths[:1]
        assert not mine_paths[1].exists()
    assert {p: p.read_bytes() for p in kept} == kept
