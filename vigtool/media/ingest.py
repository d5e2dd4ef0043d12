"""Bring a video into the workspace: hash it and (by default) copy it into media/.

The copy is the workspace's own, so retention rules can be enforced on it and
the practitioner's camera folder can be emptied. Hashing happens during the
copy (one read of the file). The copy appears only when complete.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from vigtool.errors import VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.privacy.files import atomic_output, file_errors

_CHUNK = 4 * 1024 * 1024
_FREE_SPACE_MARGIN = 64 * 1024 * 1024


def hash_file(
    path: Path, *, progress: Progress = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> str:
    """SHA-256 of the file's bytes, as hex."""
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            cancel.raise_if_cancelled()
            digest.update(chunk)
            done += len(chunk)
            progress(done, total)
    return digest.hexdigest()


def copy_with_hash(
    source: Path,
    dest: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> str:
    """Copy ``source`` to ``dest`` atomically and privately; return the SHA-256 of the bytes."""
    total = source.stat().st_size
    free = shutil.disk_usage(dest.parent).free
    if free < total + _FREE_SPACE_MARGIN:
        raise VigtoolError(
            f"not enough disk space to import {source.name}: it needs "
            f"{_mb(total + _FREE_SPACE_MARGIN)} MB and {_mb(free)} MB are free"
        )
    digest = hashlib.sha256()
    done = 0
    with (
        file_errors(source.name, "import"),
        atomic_output(dest) as tmp,
        source.open("rb") as src,
        tmp.open("wb") as out,
    ):
        while chunk := src.read(_CHUNK):
            cancel.raise_if_cancelled()
            digest.update(chunk)
            out.write(chunk)
            done += len(chunk)
            progress(done, total)
    return digest.hexdigest()


def _mb(n: int) -> int:
    return (n + 1024 * 1024 - 1) // (1024 * 1024)
