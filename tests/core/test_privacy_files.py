"""Family footage stays private on disk: folders 0700, files 0600, whatever the umask.

Each test runs with a wide-open umask (0o000), so a mode that is right only
because the machine's umask happened to be strict still fails.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_clips.kinds import H264_BFRAMES, VideoTruth, make_video
from vigtool.cli import main
from vigtool.workspace import DB_NAME, Workspace

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

FRAMES = 30


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_mode(path: Path, expected: int) -> None:
    assert path.exists(), path
    assert mode(path) == expected, f"{path} is {mode(path):#o}, expected {expected:#o}"


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> VideoTruth:
    truth = make_video(
        tmp_path_factory.mktemp("clips") / "dyad.mp4", H264_BFRAMES, frames=FRAMES
    )
    truth.path.chmod(0o644)  # as a camera card or Downloads folder would have it
    return truth


def test_new_workspace_folders_and_database_are_private(tmp_path: Path) -> None:
    root = tmp_path / "families" / "workspace"
    with Workspace.open(root) as ws:
        ws.add_case("K-07")  # an edit, so the WAL holds data
        assert_mode(root, 0o700)
        assert_mode(root.parent, 0o700)  # a missing parent is created too, just as private
        for sub in ("media", "index", "exports"):
            assert_mode(root / sub, 0o700)
        db = root / DB_NAME
        assert_mode(db, 0o600)
        sidecars = [db.with_name(db.name + s) for s in ("-wal", "-shm")]
        for sidecar in sidecars:
            if sidecar.exists():
                assert_mode(sidecar, 0o600)
    assert not db.with_name(db.name + "-journal").exists()


def test_reopened_workspace_keeps_database_files_private(tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    Workspace.open(root).close()
    with Workspace.open(root) as ws:
        ws.add_case("K-08")
        for path in sorted(root.glob(f"{DB_NAME}*")):
            assert_mode(path, 0o600)


def test_imported_media_copy_and_frame_index_are_private(
    tmp_path: Path, clip: VideoTruth
) -> None:
    root = tmp_path / "workspace"
    with Workspace.open(root) as ws:
        case = ws.add_case("K-09")
        recording = ws.import_recording(case.id, path=clip.path)
        copy = ws.media_path(recording)
        assert copy.parent == root / "media"
        assert_mode(copy, 0o600)
        assert copy.read_bytes() == clip.path.read_bytes()
        [index_file] = sorted((root / "index").iterdir())
        assert_mode(index_file, 0o600)
        assert sorted(p.name for p in (root / "media").iterdir()) == [copy.name]
        for path in sorted(root.glob(f"{DB_NAME}*")):
            assert_mode(path, 0o600)
    assert mode(clip.path) == 0o644  # the practitioner's original is left alone


def test_rebuilt_frame_index_is_private(tmp_path: Path, clip: VideoTruth) -> None:
    root = tmp_path / "workspace"
    with Workspace.open(root) as ws:
        recording = ws.import_recording(ws.add_case("K-10").id, path=clip.path)
    [index_file] = sorted((root / "index").iterdir())
    index_file.unlink()
    with Workspace.open(root) as ws:
        assert ws.frame_index(recording.id).frame_count == FRAMES
    assert_mode(index_file, 0o600)


@pytest.mark.parametrize("name", ["still.png", "still.jpg"])
def test_frame_out_writes_a_private_file_in_private_new_folders(
    tmp_path: Path, clip: VideoTruth, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "exports" / "visit-1" / name
    assert main(["frame", str(clip.path), "--frame", "4", "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    assert_mode(out, 0o600)
    assert_mode(out.parent, 0o700)
    assert_mode(out.parent.parent, 0o700)


def test_frame_out_over_an_existing_open_file_makes_it_private(
    tmp_path: Path, clip: VideoTruth, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "still.png"
    out.write_bytes(b"old")
    out.chmod(0o644)
    assert main(["frame", str(clip.path), "--frame", "4", "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    assert_mode(out, 0o600)
    assert out.read_bytes().startswith(b"\x89PNG")
