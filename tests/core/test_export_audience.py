"""Every export is for an audience and holds only what that audience may see.

The family (the default), a peer group (intervision) and training get the
moments chosen for the review and no private notes, never the film's own
file name or the laptop's folders; the practitioner's record holds every
moment and the notes. Each audience but the practitioner needs the family's
consent. Real workspace, real film, real files read back.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from sample_clips.kinds import VideoTruth
from tests.core.test_cli_errors import assert_one_error_line, run_cli
from vigtool.errors import ConsentMissing, VigtoolError
from vigtool.exports.audience import AUDIENCES, Audience
from vigtool.exports.naming import clip_name
from vigtool.exports.request import ExportKind, ExportRequest, run_export
from vigtool.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
CASE = "FAM-31"
FILM = "Emma_bath.mp4"  # phones name films after children
NOTE = "Mum seemed low today"  # the practitioner's private note
HIDDEN = "Left out of the review"  # a moment not chosen for the review
PRIVATE = (NOTE, HIDDEN, "turn note", "Emma")


@pytest.fixture
def root(tmp_path_factory: pytest.TempPathFactory, small_video: VideoTruth) -> Path:
    """A case with consent to filming only: one moment chosen (with a private note), one
    not, turns and stills inside and outside the chosen one, and the parent's words."""
    folder = tmp_path_factory.mktemp("audience")
    film = folder / FILM
    film.write_bytes(small_video.path.read_bytes())
    root = folder / "ws"
    with Workspace.open(root) as ws:
        case = ws.add_case(CASE, helping_question="How can I help her settle?")
        ws.add_consent(case.id, kind="filming", given=True)
        rec = ws.import_recording(case.id, path=film)
        shown = ws.add_moment(rec.id, start_frame=10, end_frame=20, title="She looks back",
                              note=NOTE, strengths="You waited, and she looked back at you.",
                              prompt="What do you notice?")
        ws.annotations.choose_for_review(shown.id, True)
        hidden = ws.add_moment(rec.id, start_frame=30, end_frame=40, title=HIDDEN,
                               note="not for anyone else")
        for frame in (12, 35):
            ws.add_turn(rec.id, frame=frame, actor="child", kind="initiative",
                        note="turn note")
            ws.add_still(rec.id, frame=frame, caption=f"still at {frame}")
        ws.add_reflection(case.id, cycle=1, text="She was waiting for me", moment_id=shown.id)
        ws.add_reflection(case.id, cycle=1, text="about the hidden one", moment_id=hidden.id)
    return root


@pytest.fixture
def ws(root: Path) -> Iterator[Workspace]:
    with Workspace.open(root) as ws:
        yield ws


def _case(ws: Workspace) -> int:
    return ws.caseload.case_by_code(CASE).id


def _consent(ws: Workspace, *scopes: str) -> None:
    for scope in scopes:
        ws.add_consent(_case(ws), kind=scope, given=True)


SCOPE = {"family": "shared-review", "intervision": "intervision", "training": "training"}


def _export(ws: Workspace, kind: ExportKind, out: Path, audience: Audience = "family",
            **options: object) -> list[Path]:
    if audience in SCOPE:
        _consent(ws, SCOPE[audience])
    return run_export(ws, ExportRequest(kind, _case(ws), 1, out, audience=audience,
                                        **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("audience", ["family", "intervision", "training"])
def test_shared_data_hold_the_chosen_moments_without_notes(
    ws: Workspace, tmp_path: Path, audience: Audience
) -> None:
    (sheet,) = _export(ws, "csv", tmp_path / "m.csv", audience)
    (data,) = _export(ws, "json", tmp_path / "s.json", audience)
    for path in (sheet, data):
        text = path.read_text(encoding="utf-8-sig")
        for words in PRIVATE:
            assert words not in text, (path.name, words)
    with sheet.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["title"], r["note"], r["strengths"], r["prompt"]) for r in rows] == [
        ("She looks back", "", "You waited, and she looked back at you.",
         "What do you notice?")]
    recording_id = ws.recordings(_case(ws))[0].id
    assert rows[0]["recording"] == f"recording-{recording_id}.mp4"
    session = json.loads(data.read_text(encoding="utf-8"))
    assert [t["frame"] for t in session["turns"]] == [12]
    assert [s["frame"] for s in session["stills"]] == [12]
    assert [r["text"] for r in session["reflections"]] == ["She was waiting for me"]
    assert session["case"]["helping_question"] == "How can I help her settle?"


def test_the_practitioners_record_holds_every_moment_and_the_notes(
    ws: Workspace, tmp_path: Path
) -> None:
    (sheet,) = _export(ws, "csv", tmp_path / "m.csv", "practitioner")
    with sheet.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["title"], r["note"], r["recording"]) for r in rows] == [
        ("She looks back", NOTE, FILM), (HIDDEN, "not for anyone else", FILM)]
    (data,) = _export(ws, "json", tmp_path / "s.json", "practitioner")
    session = json.loads(data.read_text(encoding="utf-8"))
    assert [t["note"] for t in session["turns"]] == ["turn note", "turn note"]


def test_subtitles_for_the_family_hold_only_the_chosen_moments(
    ws: Workspace, tmp_path: Path
) -> None:
    (family,) = _export(ws, "vtt", tmp_path / "family.vtt")
    (record,) = _export(ws, "vtt", tmp_path / "record.vtt", "practitioner")
    assert "She looks back" in family.read_text(encoding="utf-8")
    assert HIDDEN not in family.read_text(encoding="utf-8")
    assert HIDDEN in record.read_text(encoding="utf-8")


def _eaf(path: Path) -> etree._ElementTree:
    document = etree.parse(str(path))
    schema = etree.XMLSchema(etree.parse(str(ROOT / "schemas" / "EAFv3.0.xsd")))
    assert schema.validate(document), schema.error_log
    return document


def test_elan_files_name_the_film_by_file_name_only(ws: Workspace, tmp_path: Path) -> None:
    (family,) = _export(ws, "eaf", tmp_path / "family.eaf")
    (record,) = _export(ws, "eaf", tmp_path / "record.eaf", "practitioner")
    rec = ws.recordings(_case(ws))[0]
    copy = ws.library.media_path(rec)
    for path, name in ((family, f"recording-{rec.id}.mp4"), (record, copy.name)):
        media = _eaf(path).getroot().find("HEADER/MEDIA_DESCRIPTOR")
        assert media is not None
        assert (media.get("MEDIA_URL"), media.get("RELATIVE_MEDIA_URL")) == (
            f"./{name}", f"./{name}")
        raw = path.read_bytes()
        for folder in (ws.root, tmp_path, Path.home()):
            assert str(folder).encode() not in raw
        assert b"file:" not in raw
    family_text = family.read_text(encoding="utf-8")
    assert "She looks back" in family_text
    for words in PRIVATE:
        assert words not in family_text
    assert HIDDEN in record.read_text(encoding="utf-8")


@pytest.mark.parametrize(("audience", "scope"), [("family", "shared review"),
                                                 ("intervision", "intervision"),
                                                 ("training", "training")])
def test_each_shared_audience_needs_the_familys_consent(
    ws: Workspace, tmp_path: Path, audience: Audience, scope: str
) -> None:
    before = ws.privacy.audit_log(_case(ws))
    out = tmp_path / "m.csv"
    with pytest.raises(ConsentMissing) as caught:
        run_export(ws, ExportRequest("csv", _case(ws), 1, out, audience=audience))
    assert scope in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not out.exists()
    assert ws.privacy.audit_log(_case(ws)) == before
    assert run_export(ws, ExportRequest("csv", _case(ws), 1, out, audience="practitioner"))


def test_clips_of_every_moment_are_for_the_practitioner_only(
    ws: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(VigtoolError, match="practitioner's own record only"):
        ExportRequest("clips", _case(ws), 1, tmp_path, everything=True)
    folder = tmp_path / "clips"
    family = _export(ws, "clips", folder)
    assert [p.name for p in family] == [clip_name(CASE, 1, 1)]
    record = _export(ws, "clips", folder, "practitioner", everything=True)
    assert [p.name for p in record] == [clip_name(CASE, 1, n, "practitioner") for n in (1, 2)]
    assert [p.name for p in record] == ["FAM-31-c1-clip01-practitioner.mp4",
                                        "FAM-31-c1-clip02-practitioner.mp4"]
    again = _export(ws, "clips", folder)  # the family's export keeps to the family's files
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in [*again, *record])


def test_the_command_line_refuses_every_moment_for_the_family(
    root: Path, tmp_path: Path
) -> None:
    run = run_cli(["export", "clips", "--all", "--workspace", root, "--case", CASE,
                   "--out", tmp_path / "clips"], cwd=tmp_path)
    assert_one_error_line(run, "--all", "--audience practitioner")
    assert not (tmp_path / "clips").exists()


def test_the_summary_for_a_peer_group_is_the_familys_version(
    ws: Workspace, tmp_path: Path
) -> None:
    (page,) = _export(ws, "summary", tmp_path / "summary.html", "intervision")
    text = page.read_text(encoding="utf-8")
    assert "You waited, and she looked back at you." in text
    for words in PRIVATE:
        assert words not in text
    (record,) = _export(ws, "summary", tmp_path / "record.html", "practitioner")
    assert NOTE in record.read_text(encoding="utf-8")


def test_the_audience_is_checked_and_named_in_the_help(tmp_path: Path) -> None:
    with pytest.raises(VigtoolError, match="not 'parents'"):
        ExportRequest("csv", 1, 1, tmp_path, audience="parents")  # type: ignore[arg-type]
    run = run_cli(["export", "--help"], cwd=tmp_path)
    help_text = " ".join(run.stdout.split())
    for audience in AUDIENCES:
        assert f"{audience}" in help_text
    assert "no private notes" in help_text
    assert "every moment with the private notes" in help_text
