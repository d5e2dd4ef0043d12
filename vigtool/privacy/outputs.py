"""Where an output may go: one rule, so no output path can ever destroy anything.

An export or a cut writes its result by renaming a finished temp file over
the name it was given, and a rename replaces whatever is there: the film
being cut, the workspace's ``workspace.db``, its copy of a family's footage,
a symbolic link, a FIFO, even ``/dev/null``. So before anything is written,
``check_output`` refuses (one ``VigtoolError`` line; the CLI exits 2):

- an output that is one of the inputs (compared by resolved real path, and by
  ``os.path.samefile`` when it exists, so symlinks, ``./`` forms and hard
  links are caught);
- anything inside the workspace folder (the one given, or any folder above
  the output that holds a ``workspace.db``), except its ``exports/`` folder,
  where the app puts exports by default;
- anything already there that is not a regular file: a folder where a file is
  expected, a symbolic link, a FIFO, a device, a socket;
- an existing regular file, unless ``force`` (the CLI's ``--force``; the app
  asks first and then passes ``force=True``).

``check_output_folder`` is the same rule for a folder an export writes files
into (clips, stills, a session): the folder itself may exist, and the files
written inside it are checked with ``check_outputs``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from vigtool.errors import VigtoolError
from vigtool.privacy.files import file_error

EXPORTS_FOLDER = "exports"  # inside a workspace: the one place an export may go
WORKSPACE_DB = "workspace.db"  # what makes a folder a workspace (vigtool.store's DB_NAME)


def _name(path: Path | str) -> str:
    """A path as one line (a newline in a file name must not break the error line)."""
    return " ".join(os.fspath(path).splitlines())


def _real(path: Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def enclosing_workspace(path: Path) -> Path | None:
    """The nearest folder holding ``path`` that is a vigtool workspace (has a
    ``workspace.db``), so even a command given no workspace never writes into one."""
    for folder in _real(path).parents:
        if (folder / WORKSPACE_DB).is_file():
            return folder
    return None


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is, in plain words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_place(
    out: Path, inputs: Iterable[Path], workspace: Path | None, what: str
) -> None:
    """The rules every output obeys, file or folder: not an input, not in the workspace."""
    real = _real(out)
    for source in inputs:
        same = real == _real(source)
        if not same and os.path.lexists(out) and os.path.exists(source):
            try:
                same = os.path.samefile(out, source)
            except OSError:
                same = False
        if same:
            raise VigtoolError(
                f"{what} {_name(out)} is the input {_name(source)}; writing there would "
                "destroy it: choose another name")
    for root in {_real(w) for w in (workspace, enclosing_workspace(real)) if w is not None}:
        if _is_within(real, root) and not _is_within(real, root / EXPORTS_FOLDER):
            raise VigtoolError(
                f"{what} {_name(out)} is inside the workspace {_name(root)}, which only "
                f"vigtool may change: choose a folder outside it (or its "
                f"{EXPORTS_FOLDER}/ folder)")
    for parent in out.parents:  # a folder on the way that is a file: nothing can go there
        if os.path.lexists(parent):
            if not parent.is_dir():
                raise VigtoolError(f"{what} {_name(out)} cannot be written: {_name(parent)} "
                                   "is a file, not a folder")
            break


def check_output(
    out: Path,
    *,
    inputs: Iterable[Path] = (),
    workspace: Path | None = None,
    force: bool = False,
    what: str = "the output",
) -> Path:
    """Refuse (``VigtoolError``, one line) an output file that would destroy something.

    ``inputs`` are the files the command reads; ``workspace`` the workspace
    folder, if any; ``force`` allows replacing an existing regular file.
    Returns ``out`` unchanged."""
    check_outputs([out], inputs=inputs, workspace=workspace, force=force, what=what)
    return out


def check_outputs(
    outs: Sequence[Path],
    *,
    inputs: Iterable[Path] = (),
    workspace: Path | None = None,
    force: bool = False,
    what: str = "the output",
) -> None:
    """``check_output`` for several files at once (one export writing many); existing
    files are counted in one line ("3 files in X would be replaced")."""
    sources = list(inputs)
    existing: list[Path] = []
    for out in outs:
        _check_place(out, sources, workspace, what)
        try:
            mode = os.lstat(out).st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue  # nothing there (the writer says why it cannot write, if it cannot)
        except OSError as exc:
            raise file_error(out, exc, "check") from exc
        kind = _kind_of(mode)
        if kind is not None:
            raise VigtoolError(
                f"{what} {_name(out)} is {kind}, not a regular file; vigtool will not "
                "replace it: choose another name")
        existing.append(out)
    if existing and not force:
        if len(existing) == 1:
            raise VigtoolError(
                f"{_name(existing[0])} already exists; add --force to replace it")
        raise VigtoolError(
            f"{len(existing)} files in {_name(existing[0].parent)} would be replaced "
            f"(e.g. {_name(existing[0].name)}); add --force to replace them")


def check_output_folder(
    folder: Path,
    *,
    inputs: Iterable[Path] = (),
    workspace: Path | None = None,
    what: str = "the output folder",
) -> Path:
    """Refuse a folder to write into that is an input, inside the workspace (but for
    its ``exports/`` folder), or exists and is not a folder. It may exist."""
    _check_place(folder, list(inputs), workspace, what)
    if os.path.lexists(folder) and not folder.is_dir():
        try:
            kind = _kind_of(os.lstat(folder).st_mode) or "a file"
        except OSError:
            kind = "not a folder"
        raise VigtoolError(f"{what} {_name(folder)} is {kind}, not a folder: "
                           "choose another name")
    return folder
