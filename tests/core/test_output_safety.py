"""No output path can destroy anything: ``--out`` is refused (exit 2, one line, nothing
changed) when it is the input, inside the workspace, not a regular file, or an existing
file without ``--force``.

Through the real CLI in a child process, on a real clip and a real workspace. Cases
that test one rule pass ``--force``, so the existing-file rule cannot be what stops them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sample_clips.kinds import H264_BFRAMES, VideoTruth, make_video
from tests.core.test_cli_errors import Run, assert_one_error_line, run_cli
from vigtool.errors import VigtoolError
from vigtool.exports.request import ExportRequest, run_export
from vigtool.workspace import Workspace

CASE = "FAM-01"


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> VideoTruth:
    return make_video(tmp_path_factory.mktemp("film") / "film.mp4", H264_BFRAMES, frames=24)


@pytest.fixture(scope="module")
def ws_root(tmp_path_factory: pytest.TempPathFactory, film: VideoTruth) -> Path:
    root = tmp_path_factory.mktemp("trust") / "ws"
    with Workspace.open(root) as ws:
        case = ws.caseload.add_case(CASE, "How can I help her settle?")
        for scope in ("filming", "shared-review"):
            ws.add_consent(case.id, kind=scope, given=True)
        recording = ws.library.import_recording(case.id, path=film.path, cycle=1)
        moment = ws.annotations.add_moment(recording.id, start_frame=3, end_frame=9,
                                           title="She looks back at you")
        ws.annotations.choose_for_review(moment.id, True)
        linked = make_video(root.parent / "linked.mp4", H264_BFRAMES, frames=12)
        ws.library.import_recording(case.id, path=linked.path, cycle=2, copy=False)
    return root


@pytest.fixture
def media_copy(ws_root: Path) -> Path:
    with Workspace.open(ws_root) as ws:
        copy = ws.library.media_path(ws.library.recordings()[0])
    assert copy.is_file()
    assert ws_root in copy.parents
    return copy


def state(path: Path) -> tuple[object, ...]:
    """What is at ``path``: its kind and bytes (a link: where it points and what is there)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return ("link", os.readlink(path), state(path.resolve()))
    if stat.S_ISREG(info.st_mode):
        return ("file", path.read_bytes())
    return ("other", stat.S_IFMT(info.st_mode), info.st_rdev)


def refused(run: Run, target: Path, before: tuple[object, ...], *mentions: str) -> None:
    assert_one_error_line(run, *mentions)
    assert state(target) == before
    assert run.stdout == ""


def cut(video: Path | str, out: Path | str, cwd: Path, *extra: str) -> Run:
    return run_cli(["cut", video, "--start-frame", "2", "--end-frame", "12", "--out", out,
                    *extra], cwd=cwd)


def export(kind: str, ws_root: Path, out: Path | str, cwd: Path, *extra: str) -> Run:
    return run_cli(["export", kind, "--workspace", ws_root, "--case", CASE, "--out", out,
                    *extra], cwd=cwd)


# -- the input as the output ----------------------------------------------------------------


def test_cut_refuses_its_own_input(tmp_path: Path, film: VideoTruth) -> None:
    before = state(film.path)
    refused(cut(film.path, film.path, tmp_path, "--force"), film.path, before,
            "is the input", "another name")


def test_cut_refuses_its_input_through_a_symlink(tmp_path: Path, film: VideoTruth) -> None:
    link = tmp_path / "link.mp4"
    link.symlink_to(film.path)
    before = state(film.path)
    refused(cut(link, film.path, tmp_path, "--force"), film.path, before, "is the input")


def test_cut_refuses_its_input_written_with_dot_slash(tmp_path: Path, film: VideoTruth) -> None:
    local = tmp_path / "film.mp4"
    local.write_bytes(film.path.read_bytes())
    before = state(local)
    refused(cut("film.mp4", "./film.mp4", tmp_path, "--force"), local, before, "is the input")
    refused(cut("film.mp4", f"../{tmp_path.name}/film.mp4", tmp_path, "--force"), local,
            before, "is the input")


def test_cut_refuses_a_hard_link_to_its_input(tmp_path: Path, film: VideoTruth) -> None:
    local = tmp_path / "film.mp4"
    local.write_bytes(film.path.read_bytes())
    os.link(local, tmp_path / "same.mp4")
    before = state(local)
    refused(cut(local, tmp_path / "same.mp4", tmp_path, "--force"), local, before,
            "is the input")


def test_frame_refuses_its_own_input(tmp_path: Path, film: VideoTruth) -> None:
    before = state(film.path)
    run = run_cli(["frame", film.path, "--frame", "3", "--out", film.path, "--force"],
                  cwd=tmp_path)
    refused(run, film.path, before, "is the input")


def test_export_refuses_a_film_the_workspace_links_to(tmp_path: Path, ws_root: Path) -> None:
    linked = ws_root.parent / "linked.mp4"
    before = state(linked)
    refused(export("csv", ws_root, linked, tmp_path, "--force"), linked, before,
            "is the input")


# -- inside the workspace -------------------------------------------------------------------


def test_export_refuses_the_workspace_database(tmp_path: Path, ws_root: Path) -> None:
    db = ws_root / "workspace.db"
    before = state(db)
    refused(export("csv", ws_root, db, tmp_path, "--force"), db, before,
            "inside the workspace", "exports/")


def test_export_refuses_the_workspaces_copy_of_the_film(
    tmp_path: Path, ws_root: Path, media_copy: Path
) -> None:
    before = state(media_copy)
    refused(export("json", ws_root, media_copy, tmp_path, "--force"), media_copy, before,
            "another name")


def test_cut_refuses_to_write_into_a_workspace(
    tmp_path: Path, film: VideoTruth, ws_root: Path
) -> None:
    db = ws_root / "workspace.db"
    before = state(db)
    refused(cut(film.path, db, tmp_path, "--force"), db, before, "inside the workspace")


def test_clips_refuse_a_folder_inside_the_workspace(
    tmp_path: Path, ws_root: Path, media_copy: Path
) -> None:
    before = state(media_copy)
    refused(export("clips", ws_root, media_copy.parent, tmp_path, "--force"), media_copy,
            before, "export folder", "inside the workspace")


def test_the_workspaces_exports_folder_is_allowed(tmp_path: Path, ws_root: Path) -> None:
    out = ws_root / "exports" / "moments.csv"
    run = export("csv", ws_root, out, tmp_path)
    assert run.code == 0, run.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("case,")


# -- not a regular file ---------------------------------------------------------------------


def test_export_refuses_a_fifo(tmp_path: Path, ws_root: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    before = state(fifo)
    refused(export("csv", ws_root, fifo, tmp_path, "--force"), fifo, before, "FIFO")


def test_export_refuses_a_device_node(tmp_path: Path, ws_root: Path) -> None:
    node = tmp_path / "null.csv"
    try:  # a copy of /dev/null: without the check, only this copy could be lost
        os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        node = Path("/dev/null")  # not root: the rename could not replace it anyway
    before = state(node)
    refused(export("csv", ws_root, node, tmp_path, "--force"), node, before, "a device")


def test_export_refuses_a_symlink_to_a_file(tmp_path: Path, ws_root: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("the practitioner's own notes\n", encoding="utf-8")
    link = tmp_path / "moments.csv"
    link.symlink_to(target)
    before = state(link)
    refused(export("csv", ws_root, link, tmp_path, "--force"), link, before, "symbolic link")


def test_a_symlink_among_the_clips_is_refused(tmp_path: Path, ws_root: Path) -> None:
    out = tmp_path / "clips"
    out.mkdir()
    target = tmp_path / "keep.mp4"
    target.write_bytes(b"not to be lost")
    link = out / f"{CASE}-c1-clip01.mp4"
    link.symlink_to(target)
    before = state(link)
    refused(export("clips", ws_root, out, tmp_path, "--force", "--cycle", "1"), link, before,
            "symbolic link")


def test_cut_refuses_a_folder_as_its_file(tmp_path: Path, film: VideoTruth) -> None:
    folder = tmp_path / "out.mp4"
    folder.mkdir()
    (folder / "keep.txt").write_text("x", encoding="utf-8")
    refused(cut(film.path, folder, tmp_path, "--force"), folder / "keep.txt", ("file", b"x"),
            "a folder")


# -- an existing file -----------------------------------------------------------------------


def test_an_existing_file_needs_force(tmp_path: Path, ws_root: Path, film: VideoTruth) -> None:
    out = tmp_path / "moments.csv"
    out.write_text("yesterday's export\n", encoding="utf-8")
    before = state(out)
    refused(export("csv", ws_root, out, tmp_path), out, before, "already exists", "--force")
    forced = export("csv", ws_root, out, tmp_path, "--force")
    assert forced.code == 0, forced.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("case,")

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"an earlier cut")
    refused(cut(film.path, clip, tmp_path), clip, ("file", b"an earlier cut"), "--force")
    assert cut(film.path, clip, tmp_path, "--force").code == 0
    assert clip.read_bytes() != b"an earlier cut"


# -- the app's path (run_export) gets the same rule -----------------------------------------


def test_run_export_refuses_the_workspace_and_its_films(ws_root: Path, media_copy: Path) -> None:
    with Workspace.open(ws_root) as ws:
        case = ws.caseload.case_by_code(CASE)
        for target in (ws_root / "workspace.db", media_copy):
            before = state(target)
            with pytest.raises(VigtoolError, match=r"is the input|inside the workspace"):
                run_export(ws, ExportRequest(kind="csv", case_id=case.id, cycle=None,
                                             out=target))
            assert state(target) == before
