"""The door a feature manager uses to reach the workspace's database.

Managers (``caseload``, ``library``, ``annotations``, ``review``,
``privacy``) hold the rules of one feature each and never see a connection,
a lock or the undo stack: they read through ``Door.read`` and change rows
through ``Door.edit``. The live workspace's door runs every call under the
workspace's lock and records edits for undo; a snapshot's door reads one
consistent state and refuses edits. So the same manager code serves both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from vigtool.errors import NotFound
from vigtool.media.frame_index import FrameIndex
from vigtool.store import queries
from vigtool.store.changes import Recorder
from vigtool.store.rows import from_row

T = TypeVar("T")
R = TypeVar("R")


class Door(Protocol):
    @property
    def root(self) -> Path: ...

    @property
    def indexes(self) -> IndexCache: ...

    def read(self, query: Callable[..., T], *args: Any) -> T:
        """``query(db, *args)`` on this door's connection, safely for any thread."""

    def edit(self, name: str, *, undoable: bool = True) -> AbstractContextManager[Recorder]:
        """One named operation in one transaction; listeners hear of it when it commits.

        ``undoable=False`` is for file operations (import, relink) and the audit log.
        """


class IndexCache:
    """Frame indexes by recording id, shared by the workspace and its snapshots.

    An index depends only on the file's content, so a cached one never goes
    stale; the lock only keeps two threads from building the same one twice.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[int, FrameIndex] = {}

    def get(self, recording_id: int, build: Callable[[], FrameIndex]) -> FrameIndex:
        with self._lock:
            found = self._indexes.get(recording_id)
            if found is None:
                found = self._indexes[recording_id] = build()
            return found

    def put(self, recording_id: int, index: FrameIndex) -> None:
        with self._lock:
            self._indexes[recording_id] = index


def fetch(door: Door, record: type[R], table: str, row_id: int, what: str) -> R:
    """The record with ``row_id`` in ``table``; NotFound ("there is no moment with id 7")."""
    row = door.read(queries.by_id, table, row_id)
    if row is None:
        raise NotFound(f"there is no {what} with id {row_id}")
    return from_row(record, row)


def index_file(root: Path, sha256: str) -> Path:
    return root / "index" / f"{sha256}.npz"

