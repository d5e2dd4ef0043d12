"""Private, atomic file writing.

Everything vigtool writes is family data: folders are created 0700 and files
0600 (on POSIX), and files appear under their final name only once complete
(temp name in the same folder, fsync, rename), so a crash, a cancel or a full
disk never leaves a half-written file where a person would find it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from vigtool.errors import VigtoolError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
TEMP_PREFIX = ".vigtool-partial-"


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents; every folder we create is 0700.

    Raises VigtoolError if some part of the path is a file, not a folder.
    """
    missing: list[Path] = []
    probe = path
    while not probe.is_dir():
        if probe.exists() or probe.is_symlink():
            raise VigtoolError(f"{probe} is not a folder")
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise VigtoolError(f"{folder} is not a folder") from None
            continue
        except OSError as exc:
            raise VigtoolError(f"could not create the folder {folder}: {exc.strerror}") from exc
        os.chmod(folder, PRIVATE_DIR_MODE)
    return path


def make_private(path: Path) -> None:
    """Restrict an existing file to its owner."""
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_FILE_MODE)


@contextlib.contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """Yield a private temp path next to ``final``; rename it into place on success.

    On any exception (cancel included) the temp file is removed and ``final``
    is untouched.
    """
    private_dir(final.parent)
    fd, tmp_name = tempfile.mkstemp(
        prefix=TEMP_PREFIX, suffix=final.suffix, dir=final.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        make_private(tmp)
        _fsync_file(tmp)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_bytes(final: Path, data: bytes) -> None:
    """Write ``data`` to ``final`` atomically and privately."""
    with atomic_output(final) as tmp:
        tmp.write_bytes(data)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
