"""Private, atomic file writing, and one plain line when a file operation fails.

Everything vigtool writes is family data: folders are created 0700 and files
0600 (on POSIX), and files appear under their final name only once complete
(temp name in the same folder, fsync, rename), so a crash, a cancel or a full
disk never leaves a half-written file where a person would find it.

A half-written file (or work folder) is named ``.vigtool-partial-*`` and its
writer holds an operating-system lock on it for as long as it works. A
process that is killed cannot remove its own, but the system lets go of its
locks, so the next write into that folder (``sweep_partials``) removes every
partial nobody holds: a killed export leaves nothing behind for long, and
work still running, in this process or another, is never touched.

Every reader and writer turns an ``OSError`` into a ``VigtoolError`` through
``file_errors``, so "the disk is full" is said the same way everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from vigtool.errors import VigtoolError

if sys.platform != "win32":
    import fcntl

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
TEMP_PREFIX = ".vigtool-partial-"
# Without an OS lock to ask (Windows), only partials this old are taken as abandoned.
_ABANDONED_S = 3600.0

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
    is untouched. Partials that killed writers left in the folder go first.
    """
    private_dir(final.parent)
    sweep_partials(final.parent)
    fd, tmp = _locked_partial(final)
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
    finally:
        os.close(fd)


@contextlib.contextmanager
def private_workdir(parent: Path) -> Iterator[Path]:
    """A private hidden work folder in ``parent``, held (locked) while in use, then removed.

    A killed process leaves it behind; the next ``sweep_partials`` of ``parent``
    removes it."""
    private_dir(parent)
    sweep_partials(parent)
    fd: int | None = None
    while True:
        folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent))
        if sys.platform == "win32":  # pragma: no cover - a folder cannot be opened there
            break
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        if _hold(fd, folder):
            break
        os.close(fd)  # swept between its making and its locking: make another
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if fd is not None:
            os.close(fd)


def sweep_partials(folder: Path) -> list[Path]:
    """Remove the ``.vigtool-partial-*`` files and folders directly in ``folder`` that no
    writer holds (what killed exports and imports left); return what went.

    Never raises: what cannot be removed now is left for the next sweep."""
    removed: list[Path] = []
    try:
        candidates = sorted(folder.glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        with contextlib.suppress(OSError):
            if _remove_abandoned(path):
                removed.append(path)
    return removed


def _locked_partial(final: Path) -> tuple[int, Path]:
    """A new temp file next to ``final``, with its descriptor holding its lock."""
    while True:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=final.suffix, dir=final.parent)
        if _hold(fd, Path(name)):
            return fd, Path(name)
        os.close(fd)  # another writer's sweep took it before we locked it: make another


def _remove_abandoned(path: Path) -> bool:
    """Remove one partial if nobody holds it; whether it went."""
    info = path.lstat()
    folder = stat.S_ISDIR(info.st_mode)
    if not (folder or stat.S_ISREG(info.st_mode)):
        return False  # a link or anything else by our name is not ours to follow
    if sys.platform == "win32":  # pragma: no cover - no flock: a writer's open file is busy
        if time.time() - info.st_mtime < _ABANDONED_S:
            return False
        _remove(path, folder=folder)
        return True
    flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if folder else 0)
    fd = os.open(path, flags)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its writer is still at work
        if not _same_file(fd, path):
            return False
        _remove(path, folder=folder)
        return True
    finally:
        os.close(fd)


def _remove(path: Path, *, folder: bool) -> None:
    if folder:
        shutil.rmtree(path)
    else:
        path.unlink()


def _hold(fd: int, path: Path) -> bool:
    """Lock the new partial behind ``fd``; False if a sweep removed it first."""
    if sys.platform != "win32":
        # A file system without locks (some network shares) still gets its files written.
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        return _same_file(fd, path)
    except OSError:
        return False


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    held, named = os.fstat(fd), path.lstat()
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


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
