"""A read-only, consistent view of a workspace for long reads (exports, summaries).

It has its own read-only connection inside one read transaction: SQLite's
WAL keeps showing it the database as it was when the snapshot began, while
the workspace goes on committing edits. A snapshot may be used from any one
thread; close it (or use it as a context manager) when done.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from vigtool.errors import StoreError
from vigtool.store.changes import Recorder
from vigtool.workspace.door import IndexCache
from vigtool.workspace.view import View

T = TypeVar("T")


class _SnapshotDoor:
    def __init__(self, root: Path, conn: sqlite3.Connection, indexes: IndexCache) -> None:
        self._root = root
        self._conn = conn
        self._indexes = indexes
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self._root

    @property
    def indexes(self) -> IndexCache:
        return self._indexes

    def read(self, query: Callable[..., T], *args: Any) -> T:
        with self._lock:
            try:
                return query(self._conn, *args)
            except sqlite3.ProgrammingError as exc:
                raise StoreError("this snapshot of the workspace has been closed") from exc

    def edit(self, name: str, *, undoable: bool = True) -> AbstractContextManager[Recorder]:
        return _refuse(name)


@contextmanager
def _refuse(name: str) -> Iterator[Recorder]:
    raise StoreError(f"{name}: a snapshot is read-only; make changes through the workspace")
    yield  # pragma: no cover


def _open_read_only(db_path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True,
                               check_same_thread=False, isolation_level=None, timeout=10)
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
    except sqlite3.Error as exc:
        raise StoreError(f"could not read {db_path} ({exc})") from exc
    return conn


class Snapshot(View):
    """The workspace's managers (``caseload``, ``library``, ``annotations``, ``review``,
    ``privacy``) frozen at one moment; their edit methods raise StoreError."""

    def __init__(self, root: Path, db_path: Path, indexes: IndexCache) -> None:
        self._conn = _open_read_only(db_path)
        super().__init__(_SnapshotDoor(root, self._conn, indexes))

    def close(self) -> None:
        """End the read transaction and close the snapshot's connection."""
        self._conn.close()
