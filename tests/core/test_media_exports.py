"""Exporting a case's chosen moments: clips, reel, stills, and the export commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import pytest

from sample_clips.pattern import read_frame_number
from vigtool import Workspace
from vigtool.demo import DEMO_CASE, build_demo
from vigtool.errors import VigtoolError
from vigtool.exports.media_exports import cut_clips, export_clips, export_reel, export_stills
from vigtool.exports.request import ExportRequest, run_export
from vigtool.media.cut import CutOptions
from vigtool.media.reader import to_rgb

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ws"
    build_demo(root)
    return root


def _frame_count(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


def test_clips_are_the_chosen_moments_named_without_family_names(
    demo: Path, tmp_path: Path
) -> None:
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        chosen = ws.annotations.review_moments(case.id, 1)
        paths = export_clips(ws, case.id, 1, tmp_path / "clips")
        assert [p.name for p in paths] == [f"DEMO-01-c1-clip{n:02d}.mp4" for n in (1, 2, 3)]
        for path, moment in zip(paths, chosen, strict=True):
            assert _frame_count(path) == moment.frame_count
            assert path.stat().st_mode & 0o777 == 0o600


def test_an_export_request_is_written_in_the_audit_log_before_and_after_its_files(
    demo: Path, tmp_path: Path
) -> None:
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        chosen = ", ".join(str(m.id) for m in ws.annotations.review_moments(case.id, 1))
        before = len(ws.privacy.audit_log(case.id))
        out = tmp_path / "clips"
        paths = run_export(ws, ExportRequest("clips", case.id, 1, out))
        log = ws.privacy.audit_log(case.id)
    assert len(log) == before + 2
    start, done = log[-2:]
    assert start.action == "export-started"
    assert start.detail == f"clips for the family, cycle 1: moments {chosen} to {out}"
    assert done.action == "export"
    assert done.detail.startswith(f"#{start.id} clips for the family, cycle 1: "
                                  f"{len(paths)} files written to {out}: ")


def test_stills_carry_their_caption_below_the_picture(demo: Path, tmp_path: Path) -> None:
    import cv2

    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        paths = export_stills(ws, case.id, 1, tmp_path / "stills")
    assert len(paths) == 3
    picture = cv2.imread(str(paths[0]))
    assert picture.shape[1] == 640
    assert picture.shape[0] > 360  # the band is added under the 640x360 frame


def test_reel_joins_the_chosen_moments_in_order(demo: Path, tmp_path: Path) -> None:
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        chosen = ws.annotations.review_moments(case.id, 1)
        out = export_reel(ws, case.id, 1, tmp_path / "reel.mp4", title_cards=False).path
    assert _frame_count(out) == sum(m.frame_count for m in chosen)


def _video_payloads(path: Path) -> list[bytes]:
    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(video=0) if p.size]


def test_a_session_reel_copies_the_exported_clips_picture_for_picture(
    demo: Path, tmp_path: Path
) -> None:
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        clips = cut_clips(ws, case.id, 1, tmp_path, options=CutOptions(pad_before_ms=400,
                                                                      pad_after_ms=400))
        reel = export_reel(ws, case.id, 1, tmp_path / "reel.mp4", clips=clips)
    assert reel.copied, reel.reason
    assert all(c.result.smart for c in clips)
    joined = _video_payloads(reel.path)
    position = 0
    for clip in clips:  # each clip's coded pictures, in order, after its title card
        own = _video_payloads(clip.result.path)
        starts = [i for i in range(position, len(joined)) if joined[i] == own[0]]
        assert starts, f"clip {clip.item.order}'s first picture is not in the reel"
        found = starts[0]
        assert joined[found : found + len(own)] == own
        assert found - position >= 3  # the title card before it
        position = found + len(own)
    assert position == len(joined)


def test_nothing_chosen_is_a_clear_error(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case("FAM-09")
        with pytest.raises(VigtoolError, match="no moments are chosen"):
            export_clips(ws, case.id, None, tmp_path / "clips")
    assert not (tmp_path / "clips").exists()


def _vigtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vigtool.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cut_command_writes_exactly_the_frames_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4"
    done = _vigtool("cut", str(ROOT / "sample_clips" / "frame_numbers.mp4"),
                    "--start-frame", "37", "--end-frame", "99", "--out", str(out))
    assert done.returncode == 0, done.stderr
    with av.open(str(out)) as c:
        numbers = [read_frame_number(to_rgb(f)) for f in c.decode(video=0)]
        assert c.streams.audio
    assert numbers == list(range(37, 100))


def test_export_commands_write_data_and_refuse_bad_input(demo: Path, tmp_path: Path) -> None:
    done = _vigtool("export", "csv", "--workspace", str(demo), "--case", DEMO_CASE,
                    "--out", str(tmp_path / "m.csv"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "m.csv").read_text(encoding="utf-8-sig").startswith("case")
    bad = _vigtool("export", "clips", "--workspace", str(demo), "--case", "NOPE",
                   "--out", str(tmp_path / "x"))
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("error: ")
    assert "NOPE" in bad.stderr
    not_ws = _vigtool("export", "json", "--workspace", str(tmp_path), "--case", DEMO_CASE,
                      "--out", str(tmp_path / "s.json"))
    assert not_ws.returncode == 2
    assert "not a vigtool workspace" in not_ws.stderr


def test_a_moment_taken_out_of_the_review_leaves_the_export_folder(
    demo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "clips"
    with Workspace.open(demo) as ws:
        case = ws.caseload.case_by_code(DEMO_CASE)
        assert len(export_clips(ws, case.id, 1, folder)) == 3
        last = ws.annotations.review_moments(case.id, 1)[-1]
        ws.update_moment(last.id, selected_for_review=False)
        try:
            export_clips(ws, case.id, 1, folder)
        finally:
            ws.update_moment(last.id, selected_for_review=True)
    assert sorted(p.name for p in folder.iterdir()) == [
        "DEMO-01-c1-clip01.mp4", "DEMO-01-c1-clip02.mp4"]
