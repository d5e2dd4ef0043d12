"""Private, atomic file writing, and one plain line when a file operation fails.

Everything vigtool writes is family data: folders are created 0700 and files
0600 (on POSIX), and files appear under their final name only once complete
(temp name in the same folder, fsync, rename), so a crash, a cancel or a full
disk never leaves a half-written file where a person would find it.

Every reader and writer turns an ``OSError`` into a ``VigtoolError`` through
``file_errors``, so "the disk is full" is said the same way everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from vigtool.errors import VigtoolError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
TEMP_PREFIX = ".vigtool-partial-"

# Why a file operation failed, in words a person can act on; other errors fall
# back to the system's own text. By name: not every system has every errno.
_REASON_BY_NAME: dict[str, str] = {
    "ENOSPC": "the disk is full",
    "EDQUOT": "the disk quota is used up",
    "EFBIG": "the file is too large for this disk",
    "EACCES": "permission denied",
    "EPERM": "permission denied",
    "EROFS": "the disk is read-only",
    "ENAMETOOLONG": "the name is too long",
    "EISDIR": "it is a folder, not a file",
    "ENOTDIR": "part of the path is a file, not a folder",
    "ENOENT": "no such file or folder",
    "EEXIST": "it already exists",
    "EMFILE": "too many files are open",
    "ENFILE": "too many files are open",
    "EBUSY": "it is in use",
    "ETXTBSY": "it is in use",
    "EIO": "the disk could not be read or written (input/output error)",
    "ENODEV": "the disk is not there any more",
    "ENXIO": "the disk is not there any more",
}
_REASONS: dict[int, str] = {
    getattr(errno, name): reason
    for name, reason in _REASON_BY_NAME.items() if hasattr(errno, name)
}


def os_error_reason(exc: OSError) -> str:
    """Why ``exc`` happened, as a few plain words on one line ("the disk is full")."""
    reason = _REASONS.get(exc.errno) if exc.errno is not None else None
    if reason is None:
        text = str(exc.strerror or exc).strip().rstrip(".")
        reason = text[:1].lower() + text[1:] if text else "the system gave no reason"
    return " ".join(reason.split())


def file_error(
    target: str | os.PathLike[str], exc: OSError, what: str = "write",
    error: type[VigtoolError] = VigtoolError,
) -> VigtoolError:
    """``could not <what> <target>: <reason>`` as one line; raise it ``from exc``."""
    name = " ".join(os.fspath(target).splitlines())
    return error(f"could not {what} {name}: {os_error_reason(exc)}")


@contextlib.contextmanager
def file_errors(
    target: str | os.PathLike[str], what: str = "write", *,
    error: type[VigtoolError] = VigtoolError,
) -> Iterator[None]:
    """Turn an OSError raised in the block into ``error`` (a VigtoolError) with one
    line naming ``target`` (a path, or how the message should name it) and why,
    keeping the OSError as ``__cause__`` for the crash log. Other errors pass."""
    try:
        yield
    except OSError as exc:
        raise file_error(target, exc, what, error) from exc


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
            raise file_error(folder, exc, "create the folder") from exc
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
    """Write ``data`` to ``final`` atomically and privately; VigtoolError if it cannot."""
    with file_errors(final), atomic_output(final) as tmp:
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
