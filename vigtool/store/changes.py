"""Row-level change records: what makes every edit undoable.

An edit runs inside one transaction through a ``Recorder``, which notes each
row's state before and after. Undo writes the "before" states back in reverse
order; redo writes the "after" states again. Because the records hold whole
rows, undo/redo restore exactly what was there, ids included, whatever the
edit was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

Row = Mapping[str, Any]


@dataclass(frozen=True)
class RowChange:
    table: str
    row_id: int
    before: Row | None  # None: the row did not exist before
    after: Row | None  # None: the row was deleted


@dataclass(frozen=True)
class Edit:
    """One named, undoable user operation ("Add Moment", "Move Moment")."""

    name: str
    rows: tuple[RowChange, ...]


class Recorder:
    """Performs row writes inside the caller's transaction and remembers them."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.changes: list[RowChange] = []

    def row(self, table: str, row_id: int) -> dict[str, Any] | None:
        return read_row(self._db, table, row_id)

    def insert(self, table: str, values: Row) -> int:
        columns = list(values)
        cursor = self._db.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            [values[c] for c in columns],
        )
        row_id = int(cursor.lastrowid or 0)
        self.changes.append(RowChange(table, row_id, None, self.row(table, row_id)))
        return row_id

    def update(self, table: str, row_id: int, values: Row) -> None:
        before = self.row(table, row_id)
        if before is None:
            raise KeyError(f"{table} {row_id}")
        if all(before.get(k) == v for k, v in values.items()):
            return
        _write(self._db, table, row_id, {**before, **values}, exists=True)
        self.changes.append(RowChange(table, row_id, before, self.row(table, row_id)))

    def log(self, action: str, case_id: int | None, detail: str) -> int:
        """Append to the audit log in this transaction; returns the line's id.
        Not recorded: undo never removes it."""
        cursor = self._db.execute(
            "INSERT INTO audit_log (at, action, case_id, detail) VALUES (?, ?, ?, ?)",
            [utc_now(), action, case_id, detail],
        )
        return int(cursor.lastrowid or 0)

    def put_setting(self, key: str, value: str) -> None:
        """Set one of the workspace's settings in this transaction (not undoable)."""
        self._db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def delete(self, table: str, row_id: int) -> None:
        before = self.row(table, row_id)
        if before is None:
            return
        self._db.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
        self.changes.append(RowChange(table, row_id, before, None))


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_row(db: Database, table: str, row_id: int) -> dict[str, Any] | None:
    cursor = db.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id])
    values = cursor.fetchone()
    if values is None:
        return None
    return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}


def replay(db: Database, edit: Edit, *, undo: bool) -> None:
    """Write an edit's before-states (undo) or after-states (redo); caller holds the transaction."""
    rows = reversed(edit.rows) if undo else iter(edit.rows)
    for change in rows:
        target = change.before if undo else change.after
        if target is None:
            db.execute(f"DELETE FROM {change.table} WHERE id = ?", [change.row_id])
        else:
            exists = read_row(db, change.table, change.row_id) is not None
            _write(db, change.table, change.row_id, target, exists=exists)


def _write(db: Database, table: str, row_id: int, values: Row, *, exists: bool) -> None:
    columns = [c for c in values if c != "id"]
    if exists:
        db.execute(
            f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            [values[c] for c in columns] + [row_id],
        )
    else:
        db.execute(
            f"INSERT INTO {table} (id, {', '.join(columns)}) "
            f"VALUES (?, {', '.join('?' for _ in columns)})",
            [row_id] + [values[c] for c in columns],
        )
