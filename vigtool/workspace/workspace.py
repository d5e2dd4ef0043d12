"""The Workspace: the door the GUI, the CLI and scripts open (no Qt here).

A workspace is a folder: ``workspace.db`` (SQLite, WAL), ``media/`` (the
workspace's own copies of recordings), ``index/`` (frame indexes by content
hash) and ``exports/``. Folders are 0700 and files 0600: this is family
footage.

The Workspace itself only opens and closes, holds the lock, runs edits,
keeps undo and redo, and tells listeners what changed. Each feature lives in
a small manager it owns: ``ws.caseload`` (cases, cycles), ``ws.library``
(recordings and their media), ``ws.annotations`` (moments, turns, stills,
review choice), ``ws.review`` (reflections, goals), ``ws.measures`` (the
parent's scaling ratings and the measures they are on) and ``ws.privacy``
(consents, the audit log). The documented scripting API (``add_moment``,
``undo``...) is kept here as one-line delegates to them.

Threading: the Workspace is thread-safe. Every database read and write runs
under its lock for that one call; slow work (hashing, copying, decoding)
runs outside it, so the GUI thread keeps editing while a worker imports.
Listeners are called on the thread that made the change (the GUI's bridge
re-emits on the GUI thread). Long reads (exports, summaries) use
``snapshot()``: one consistent, read-only state, however long they take.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from vigtool.errors import (
    InvalidEdit,
    NothingToUndo,
    ReadOnlyWorkspace,
    StoreError,
    WorkspaceBusy,
)
from vigtool.privacy.files import PRIVATE_DIR_MODE, private_dir
from vigtool.store.changes import Edit, Recorder, replay
from vigtool.store.database import (
    check_database,
    open_database,
    open_database_read_only,
    write_transaction,
)
from vigtool.workspace.annotations import Annotations
from vigtool.workspace.caseload import Caseload
from vigtool.workspace.changes import Changes
from vigtool.workspace.door import IndexCache
from vigtool.workspace.library import Library
from vigtool.workspace.lock import WorkspaceLock
from vigtool.workspace.measures import Measures
from vigtool.workspace.privacy import Privacy
from vigtool.workspace.review import Review
from vigtool.workspace.snapshot import Snapshot
from vigtool.workspace.supervision import Supervision
from vigtool.workspace.view import View

DB_NAME = "workspace.db"
UNDO_LIMIT = 500

Listener = Callable[[Changes], None]
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class _Delegate(Generic[P, R]):
    """``Workspace.add_moment`` is ``ws.annotations.add_moment``, signature and docs included."""

    def __init__(self, manager: str, method: Callable[Concatenate[Any, P], R]) -> None:
        self._manager = manager
        self._name = method.__name__
        self.__doc__ = method.__doc__
        self.__wrapped__ = method

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> _Delegate[P, R]: ...
    @overload
    def __get__(self, obj: object, owner: type[Any]) -> Callable[P, R]: ...
    def __get__(self, obj: object | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        return getattr(getattr(obj, self._manager), self._name)


class Workspace(View):
    """A vigtool workspace folder. Open with ``Workspace.open(path)``; ``close()`` when done."""

    def __init__(self, root: Path, *, read_only: bool = False, wait: float = 0.0) -> None:
        self._root = root
        self._read_only = read_only
        self._writer: WorkspaceLock | None = None
        if read_only:
            if not check_database(root / DB_NAME):  # refused before any file is made
                raise StoreError(f"{root} is not a vigtool workspace (no workspace.db)")
            # With no writer, hold the lock while reading: the file then cannot change
            # under the reader, which reads it without making -wal/-shm beside it.
            with contextlib.suppress(WorkspaceBusy):
                self._writer = WorkspaceLock.acquire(root)
            try:
                self._db = open_database_read_only(root / DB_NAME)
            except BaseException:
                if self._writer is not None:
                    self._writer.release()
                raise
        else:
            check_database(root / DB_NAME)  # refuse before making any folder or lock file
            for folder in (root, root / "media", root / "index", root / "exports"):
                private_dir(folder)
                with contextlib.suppress(OSError):  # a folder that existed keeps no 755
                    folder.chmod(PRIVATE_DIR_MODE)
            self._writer = WorkspaceLock.acquire(root, wait=wait)
            try:
                self._db = open_database(root / DB_NAME)
            except BaseException:
                self._writer.release()
                raise
        self._lock = threading.RLock()
        self._closed = False
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []
        self._listeners: list[Listener] = []
        self._indexes = IndexCache()
        super().__init__(_LiveDoor(self))
        if not read_only:
            # Only the one writer sweeps, so nothing it removes can be work in progress.
            swept = self.library.sweep_leftovers(older_than_s=0)
            if swept:
                self.privacy.record_event(
                    "sweep", None, f"removed {len(swept)} leftover file(s) of unfinished work")

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False, wait: float = 0.0) -> Workspace:
        """Open the workspace folder at ``path`` (creating it if needed) as its one writer.

        Only one program at a time may have a workspace open for writing; while
        another has, this raises WorkspaceBusy naming it, after waiting up to
        ``wait`` seconds for it to close. ``read_only=True`` opens an existing
        workspace to read alongside the writer: every edit then raises
        ReadOnlyWorkspace.
        """
        root = Path(path).expanduser()
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root} is a file; a workspace is a folder")
        return cls(root, read_only=read_only, wait=wait)

    @property
    def read_only(self) -> bool:
        """Whether this Workspace was opened read-only (edits are refused)."""
        return self._read_only

    @property
    def root(self) -> Path:
        """The workspace folder."""
        return self._root

    def close(self) -> None:
        """Close the database; the Workspace cannot be used afterwards."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()
                if self._writer is not None:
                    self._writer.release()
            self._listeners.clear()

    def snapshot(self) -> Snapshot:
        """A read-only view of the workspace as it is now, for long reads on any thread.

        Use it as a context manager. Edits made meanwhile are not seen by it
        (and are not held up by it).
        """
        with self._lock:
            self._check_open()
            return Snapshot(self._root, self._root / DB_NAME, self._indexes)

    # -- the scripting API: one line each, the work is in the managers ----------------------

    add_case = _Delegate("caseload", Caseload.add_case)
    cases = _Delegate("caseload", Caseload.cases)
    update_case = _Delegate("caseload", Caseload.update_case)
    import_recording = _Delegate("library", Library.import_recording)
    recordings = _Delegate("library", Library.recordings)
    add_moment = _Delegate("annotations", Annotations.add_moment)
    update_moment = _Delegate("annotations", Annotations.update_moment)
    delete_moment = _Delegate("annotations", Annotations.delete_moment)
    moments = _Delegate("annotations", Annotations.moments)
    add_turn = _Delegate("annotations", Annotations.add_turn)
    add_still = _Delegate("annotations", Annotations.add_still)
    add_consent = _Delegate("privacy", Privacy.add_consent)
    withdraw_consent = _Delegate("privacy", Privacy.withdraw_consent)
    add_comment = _Delegate("supervision", Supervision.add_comment)
    add_reflection = _Delegate("review", Review.add_reflection)
    add_goal = _Delegate("review", Review.add_goal)
    add_rating = _Delegate("measures", Measures.add_rating)

    # -- change notification and undo -----------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every edit, undo and redo; returns an unsubscribe function.

        The listener runs on the thread that made the change.
        """
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    @contextlib.contextmanager
    def _edit(self, name: str, *, undoable: bool = True) -> Iterator[Recorder]:
        """Run one named operation in one transaction, then record it and notify."""
        with self._lock:
            self._check_open()
            self._check_writable(name)
            recorder = Recorder(self._db)
            try:
                with write_transaction(self._db):
                    yield recorder
            except sqlite3.IntegrityError as exc:
                raise InvalidEdit(f"{name}: this change conflicts with the workspace ({exc})"
                                  ) from exc
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{name} could not be saved: {exc}") from exc
            if not recorder.changes:
                return
            if undoable:
                self._undo.append(Edit(name, tuple(recorder.changes)))
                del self._undo[:-UNDO_LIMIT]
                self._redo.clear()
            changes = Changes.of(name, recorder.changes)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(changes)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("this workspace has been closed")

    def _check_writable(self, name: str) -> None:
        if self._read_only:
            raise ReadOnlyWorkspace(
                f"{name}: this workspace is open read-only, so nothing can be changed; "
                "open it for writing once nothing else has it open")

    @property
    def undo_name(self) -> str | None:
        """Name of the operation Undo would revert ("Add Moment"), or None."""
        with self._lock:
            return self._undo[-1].name if self._undo else None

    @property
    def redo_name(self) -> str | None:
        """Name of the operation Redo would make again, or None."""
        with self._lock:
            return self._redo[-1].name if self._redo else None

    def undo(self) -> Changes:
        """Revert the last edit exactly (ids included); raises NothingToUndo when none is left."""
        return self._step(self._undo, self._redo, undo=True)

    def redo(self) -> Changes:
        """Make the last undone edit again."""
        return self._step(self._redo, self._undo, undo=False)

    def _step(self, source: list[Edit], target: list[Edit], *, undo: bool) -> Changes:
        word = "undo" if undo else "redo"
        with self._lock:
            self._check_open()
            if not source:
                raise NothingToUndo(f"nothing to {word}")
            self._check_writable(word.capitalize())
            edit = source[-1]
            try:
                with write_transaction(self._db):
                    replay(self._db, edit, undo=undo)
            except sqlite3.IntegrityError as exc:
                # Something that is not undone (an import, say) now depends on these
                # rows: history stops here rather than break the workspace.
                source.clear()
                raise InvalidEdit(
                    f"{edit.name} can no longer be {word}ne: the workspace has changed since "
                    "(for example, footage was imported into that case)"
                ) from exc
            target.append(source.pop())
            changes = Changes.of(("Undo " if undo else "Redo ") + edit.name, edit.rows)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(changes)
        return changes


class _LiveDoor:
    """The workspace's own door: every call under its lock, edits recorded for undo."""

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    @property
    def root(self) -> Path:
        return self._ws._root

    @property
    def indexes(self) -> IndexCache:
        return self._ws._indexes

    def read(self, query: Callable[..., T], *args: Any) -> T:
        ws = self._ws
        with ws._lock:
            ws._check_open()
            try:
                return query(ws._db, *args)
            except sqlite3.Error as exc:
                raise StoreError(f"the workspace could not be read: {exc}") from exc

    def edit(
        self, name: str, *, undoable: bool = True
    ) -> contextlib.AbstractContextManager[Recorder]:
        return self._ws._edit(name, undoable=undoable)
