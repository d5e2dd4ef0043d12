"""Family footage stays private on disk: folders 0700, files 0600, whatever the umask;
and a file that cannot be read or written is one plain line that says why.

Each test runs with a wide-open umask (0o000), so a mode that is right only
because the machine's umask happened to be strict still fails.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from sample_clips.kinds import H264_BFRAMES, VideoTruth, make_video
from tests.consent import filmed_case
from vigtool.cli import main
from vigtool.codebook import load_codebook
from vigtool.errors import CodebookError, VigtoolError
from vigtool.exports.eaf_document import read_eaf
from vigtool.media.stills import write_still
from vigtool.privacy.files import (
    TEMP_PREFIX,
    atomic_write_bytes,
    file_errors,
    os_error_reason,
)
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
        ws.add_consent(case.id, kind="filming", given=True)
        recording = ws.import_recording(case.id, path=clip.path)
        copy = ws.library.media_path(recording)
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
        recording = ws.import_recording(filmed_case(ws, "K-10"), path=clip.path)
    [index_file] = sorted((root / "index").iterdir())
    index_file.unlink()
    with Workspace.open(root) as ws:
        assert ws.library.frame_index(recording.id).frame_count == FRAMES
    assert_mode(index_file, 0o600)


@pytest.mark.parametrize("name", ["still.png", "still.jpg"])
def test_frame_out_writes_a_private_file_in_private_new_folders(
    tmp_path: Path, clip: VideoTruth, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "exports" / "visit-1" / name
    assert main(["frame", str(clip.path), "--frame", "4", "--out", str(out), "--force"]) == 0
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
    assert main(["frame", str(clip.path), "--frame", "4", "--out", str(out), "--force"]) == 0
    assert capsys.readouterr().err == ""
    assert_mode(out, 0o600)
    assert out.read_bytes().startswith(b"\x89PNG")


# -- one plain line when a file operation fails ------------------------------------------------


def raised(path: Path, action: str = "write") -> VigtoolError:
    """What ``file_errors`` makes of the OSError that ``action`` on ``path`` really raises."""
    touch = path.read_bytes if action == "read" else lambda: path.write_bytes(b"family data")
    with pytest.raises(VigtoolError) as caught, file_errors(path, action):
        touch()
    return caught.value


def assert_one_line_from(err: BaseException, code: int) -> str:
    line = str(err)
    assert "\n" not in line
    assert "errno" not in line.lower()
    assert "[Errno" not in line
    assert isinstance(err.__cause__, OSError)
    assert err.__cause__.errno == code
    return line


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_disk_says_the_disk_is_full() -> None:
    """/dev/full fails every write with ENOSPC, as a full disk does."""
    with (
        pytest.raises(VigtoolError) as caught,
        file_errors("clip.mp4"),
        open("/dev/full", "wb", buffering=0) as full,
    ):
        full.write(b"x" * 4096)
    line = assert_one_line_from(caught.value, errno.ENOSPC)
    assert line == "could not write clip.mp4: the disk is full"


def test_writing_onto_a_folder(tmp_path: Path) -> None:
    line = assert_one_line_from(raised(tmp_path), errno.EISDIR)
    assert line == f"could not write {tmp_path}: it is a folder, not a file"


def test_reading_under_a_file(tmp_path: Path) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("x")
    line = assert_one_line_from(raised(plain / "codebook.json", "read"), errno.ENOTDIR)
    assert line.endswith(": part of the path is a file, not a folder")
    assert line.startswith("could not read ")


def test_a_name_too_long(tmp_path: Path) -> None:
    line = assert_one_line_from(raised(tmp_path / ("x" * 300)), errno.ENAMETOOLONG)
    assert line.endswith(": the name is too long")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_folder_without_write_permission(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        line = assert_one_line_from(raised(locked / "summary.pdf"), errno.EACCES)
    finally:
        locked.chmod(0o700)
    assert line.endswith(": permission denied")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk quota is used up"),
        (errno.EACCES, "permission denied"),
        (errno.EPERM, "permission denied"),
        (errno.EROFS, "the disk is read-only"),
        (errno.ENAMETOOLONG, "the name is too long"),
        (errno.EISDIR, "it is a folder, not a file"),
        (errno.ENOTDIR, "part of the path is a file, not a folder"),
        (errno.ENOENT, "no such file or folder"),
        (errno.EIO, "the disk could not be read or written (input/output error)"),
    ],
)
def test_each_reason_is_plain_words(code: int, reason: str) -> None:
    assert os_error_reason(OSError(code, os.strerror(code))) == reason


def test_other_reasons_are_the_systems_words_on_one_line() -> None:
    assert os_error_reason(OSError(errno.ENOLINK, "Link has been severed")) == (
        "link has been severed")
    assert os_error_reason(OSError("Socket closed.\nTry again.")) == "socket closed. Try again"
    assert os_error_reason(OSError()) == "the system gave no reason"


def test_other_errors_pass_through_unchanged(tmp_path: Path) -> None:
    with pytest.raises(KeyError), file_errors(tmp_path):
        raise KeyError("not a file problem")


def test_the_name_stays_on_one_line() -> None:
    with pytest.raises(VigtoolError) as caught, file_errors("two\nlines.pdf"):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(caught.value) == "could not write two lines.pdf: the disk is full"


def test_atomic_write_bytes_onto_a_folder_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "index.npz"
    target.mkdir()
    with pytest.raises(VigtoolError) as caught:
        atomic_write_bytes(target, b"index")
    line = assert_one_line_from(caught.value, errno.EISDIR)
    assert line == f"could not write {target}: it is a folder, not a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.npz"]
    assert not any(p.name.startswith(TEMP_PREFIX) for p in tmp_path.rglob("*"))


def test_a_still_onto_a_folder_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "still.png"
    target.mkdir()
    with pytest.raises(VigtoolError) as caught:
        write_still(np.zeros((4, 4, 3), dtype=np.uint8), target)
    assert assert_one_line_from(caught.value, errno.EISDIR).startswith(
        f"could not write {target}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["still.png"]


def test_a_codebook_that_is_a_folder_is_a_codebook_error(tmp_path: Path) -> None:
    folder = tmp_path / "codes.json"
    folder.mkdir()
    with pytest.raises(CodebookError) as caught:
        load_codebook(folder)  # refused before it is opened (a FIFO would hang a read)
    assert str(caught.value) == "codebook codes.json is a folder, not a file"


def test_an_elan_file_that_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "session.eaf"
    folder.mkdir()
    with pytest.raises(VigtoolError) as caught:
        read_eaf(folder)  # refused before it is opened (a FIFO would hang a read)
    assert str(caught.value) == "the ELAN file session.eaf is a folder, not a file"
