"""Open the workspace database safely: check its version, back it up, migrate, tune.

Rules: a database written by a newer vigtool is refused and not touched; an
older one is copied to a backup before any migration runs; every connection
uses WAL with full sync and enforced foreign keys, so an edit that returned
is on disk even if the process is killed a moment later.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from vigtool.errors import NewerWorkspaceError, StoreError
from vigtool.privacy.files import PRIVATE_FILE_MODE, make_private
from vigtool.store.migrations import MIGRATION_SET, known_migration_names, migrations

BUSY_TIMEOUT_MS = 10_000
_MIGRATIONS_TABLE = "_sqlite_migrations"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def open_database(path: Path) -> Database:
    """Open (creating if needed) and migrate the database at ``path``."""
    existed = check_database(path)
    if not existed:
        _create_private(path)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        db = Database(conn, execute_plugins=False)
        _tune(db)
        pending = migrations.pending(db)
        if existed and pending:
            _backup(conn, path, pending[0].name)
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        reason = _open_error(path, exc, "could not be opened as a vigtool workspace")
        raise StoreError(reason) from exc
    for suffix in ("-wal", "-shm"):
        make_private(path.with_name(path.name + suffix))
    return db


def check_database(path: Path) -> bool:
    """Whether a workspace database is at ``path``, after refusing (one line, nothing
    written, no file made beside it) one that vigtool must not open: not SQLite,
    another program's, or written by a newer vigtool."""
    if not os.path.lexists(path):
        return False
    if not path.is_file():
        raise StoreError(f"{path} is not a file; this folder is not a vigtool workspace")
    if path.stat().st_size == 0:
        return False
    _check_is_sqlite(path)
    applied = _applied_migrations(path)
    if not applied and _has_tables(path):
        raise StoreError(
            f"{path} is a database made by another program; vigtool will not change "
            "it. Choose an empty folder for a new workspace."
        )
    unknown = applied - known_migration_names()
    if unknown:
        raise NewerWorkspaceError(
            f"{path} was written by a newer version of vigtool "
            f"(it has changes this version does not know: {', '.join(sorted(unknown))}); "
            "please update vigtool. The workspace was not changed."
        )
    return True


def needs_migration(path: Path) -> bool:
    """Whether the (existing) database lacks migrations this version would apply."""
    return check_database(path) and bool(known_migration_names() - _applied_migrations(path))


def open_database_read_only(path: Path) -> Database:
    """Open an existing, up-to-date workspace database for reading only.

    Each read sees the latest committed state; nothing can be written, and
    nothing is migrated (a workspace that needs it is refused with one line)."""
    if not path.is_file() or path.stat().st_size == 0:
        raise StoreError(f"{path.parent} is not a vigtool workspace (no workspace.db)")
    _check_is_sqlite(path)
    applied = _applied_migrations(path)
    known = known_migration_names()
    if applied - known:
        raise NewerWorkspaceError(
            f"{path} was written by a newer version of vigtool; please update vigtool")
    if known - applied:
        raise StoreError(f"{path.parent} must be opened once for writing to bring it up to "
                         "date before it can be opened read-only")
    try:
        # With no writer there is no -wal: open as immutable, making nothing beside it.
        conn = sqlite3.connect(_peek_uri(path), uri=True,
                               check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(_open_error(path, exc, "could not be opened read-only")) from exc
    return Database(conn, execute_plugins=False)


def _create_private(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE)
    os.close(fd)
    make_private(path)


def _check_is_sqlite(path: Path) -> None:
    with path.open("rb") as f:
        head = f.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise StoreError(f"{path} is not a vigtool workspace database")


def _peek_uri(path: Path) -> str:
    """A read-only URI that creates nothing beside the file.

    With no ``-wal`` file there is nothing uncommitted to read, so the file is
    opened as immutable (no ``-wal``/``-shm`` is made); with one, a plain
    read-only open reads it (and the files it needs are there already)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    return uri


def _applied_migrations(path: Path) -> frozenset[str]:
    """Read applied migration names without writing anything (read-only connection)."""
    uri = _peek_uri(path)
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise StoreError(_open_error(path, exc, "could not be opened")) from exc
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            (_MIGRATIONS_TABLE,),
        ).fetchone()
        if not has_table:
            return frozenset()
        rows = conn.execute(
            f"SELECT name FROM {_MIGRATIONS_TABLE} WHERE migration_set = ?", (MIGRATION_SET,)
        ).fetchall()
        return frozenset(str(name) for (name,) in rows)
    except sqlite3.DatabaseError as exc:
        raise StoreError(_open_error(path, exc, "is damaged or not a vigtool workspace")) from exc
    finally:
        conn.close()


def _open_error(path: Path, exc: sqlite3.Error, what: str) -> str:
    """One line for a failed open; a full disk is said as such, not as damage."""
    text = str(exc)
    if "disk is full" in text or "SQLITE_FULL" in text:
        return f"{path} could not be opened: the disk is full; free some space and try again"
    if "locked" in text or "busy" in text:
        return _busy_message(sqlite3.OperationalError(text))
    return f"{path} {what} ({' '.join(text.split())[:200]})"


def _has_tables(path: Path) -> bool:
    """Whether the database holds any table at all (read-only)."""
    conn = sqlite3.connect(_peek_uri(path), uri=True)
    try:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
        return found is not None
    except sqlite3.DatabaseError as exc:
        raise StoreError(_open_error(path, exc, "is damaged or not a vigtool workspace")) from exc
    finally:
        conn.close()


def _tune(db: Database) -> None:
    with db.ensure_autocommit_on():
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError("the workspace database could not switch to WAL mode")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _backup(conn: sqlite3.Connection, path: Path, before: str) -> Path:
    """Copy the database (consistently, WAL included) next to it before migrating."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.backup-{stamp}-before-{before}")
    _create_private(target)
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    make_private(target)
    return target


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One write transaction that takes the write lock at its start (BEGIN IMMEDIATE).

    A deferred transaction that reads first and writes later fails at once
    with "database is locked" when another process committed meanwhile;
    an immediate one waits (busy timeout) for the other writer instead.
    Nested use becomes a savepoint. Busy past the timeout is a StoreError.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreError(_busy_message(exc)) from exc
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.rollback()
        raise StoreError(_busy_message(exc)) from exc


def _busy_message(exc: sqlite3.OperationalError) -> str:
    if "locked" in str(exc) or "busy" in str(exc):
        return (f"the workspace is busy: another program kept it locked for "
                f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed, try again")
    return f"the workspace could not be written ({exc}); nothing was changed"
