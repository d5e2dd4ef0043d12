"""Every SQL read the Workspace's features make, by name. Rows out, no records.

Each function takes the connection to read from: the workspace's own (under
its lock) or a snapshot's read-only one (see ``vigtool.workspace.snapshot``),
so one query serves live views and consistent exports alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlite_utils import Database

Row = dict[str, Any]

# Tables a manager may read by id or by case; names never come from input.
TABLES = frozenset({"cases", "cycles", "recordings", "moments", "turns", "stills",
                    "reflections", "goals", "consents", "audit_log", "comments",
                    "self_assessments", "ratings", "dismissed_suggestions"})


def rows(db: Database, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def by_id(db: Database, table: str, row_id: int) -> Row | None:
    assert table in TABLES
    found = rows(db, f"SELECT * FROM {table} WHERE id = ?", [row_id])
    return found[0] if found else None


def insert(db: Database, table: str, values: Mapping[str, Any]) -> int:
    """A plain insert (not undoable: imports and the audit log); returns the new id."""
    assert table in TABLES
    columns = list(values)
    cursor = db.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [values[c] for c in columns],
    )
    return int(cursor.lastrowid or 0)


# -- cases and cycles -------------------------------------------------------------------

def cases(db: Database) -> list[Row]:
    return rows(db, "SELECT * FROM cases ORDER BY code")


def case_by_code(db: Database, code: str) -> Row | None:
    found = rows(db, "SELECT * FROM cases WHERE code = ?", [code])
    return found[0] if found else None


def cycles(db: Database, case_id: int) -> list[Row]:
    return rows(db, "SELECT * FROM cycles WHERE case_id = ? ORDER BY number", [case_id])


# -- recordings -------------------------------------------------------------------------

def recordings(db: Database, case_id: int | None) -> list[Row]:
    if case_id is None:
        return rows(db, "SELECT * FROM recordings ORDER BY case_id, cycle, id")
    return rows(db, "SELECT * FROM recordings WHERE case_id = ? ORDER BY cycle, id", [case_id])


def recording_by_hash(db: Database, sha256: str) -> Row | None:
    found = rows(db, "SELECT * FROM recordings WHERE sha256 = ?", [sha256])
    return found[0] if found else None


# -- moments, turns, stills -------------------------------------------------------------

def moments(db: Database, recording_id: int) -> list[Row]:
    return rows(
        db,
        "SELECT * FROM moments WHERE recording_id = ? ORDER BY start_frame, end_frame, id",
        [recording_id],
    )


def review_moments(
    db: Database, case_id: int, cycle: int | None, kind: str = "family"
) -> list[Row]:
    """Moments chosen in a case (one cycle of it) from its films of ``kind``, in order:
    the family films' for the shared review, the shared-review films' for supervision."""
    sql = """SELECT m.* FROM moments m JOIN recordings r ON r.id = m.recording_id
             WHERE r.case_id = ? AND m.selected_for_review = 1 AND r.kind = ?"""
    params: list[Any] = [case_id, kind]
    if cycle is not None:
        sql += " AND r.cycle = ?"
        params.append(cycle)
    sql += " ORDER BY m.review_order IS NULL, m.review_order, r.cycle, r.id, m.start_frame, m.id"
    return rows(db, sql, params)


def turns(db: Database, recording_id: int, span: tuple[int, int] | None) -> list[Row]:
    sql = "SELECT * FROM turns WHERE recording_id = ?"
    params: list[Any] = [recording_id]
    if span is not None:
        sql += " AND frame BETWEEN ? AND ?"
        params += list(span)
    return rows(db, sql + " ORDER BY frame, id", params)


def stills(db: Database, recording_id: int) -> list[Row]:
    return rows(db, "SELECT * FROM stills WHERE recording_id = ? ORDER BY frame, id",
                [recording_id])


def dismissed_suggestions(db: Database, recording_id: int) -> list[Row]:
    """The suggested moments set aside on a recording, by span."""
    return rows(db, "SELECT * FROM dismissed_suggestions WHERE recording_id = ? "
                    "ORDER BY start_ms, end_ms, id", [recording_id])


def reflections_on(db: Database, moment_id: int) -> list[Row]:
    return rows(db, "SELECT * FROM reflections WHERE moment_id = ? ORDER BY id", [moment_id])


# -- by case: reflections, goals, consents, the audit log ----------------------------------

def by_case(db: Database, table: str, case_id: int, cycle: int | None = None) -> list[Row]:
    assert table in {"reflections", "goals", "consents"}
    sql = f"SELECT * FROM {table} WHERE case_id = ?"
    params: list[Any] = [case_id]
    if cycle is not None:
        sql += " AND cycle = ?"
        params.append(cycle)
    return rows(db, sql + " ORDER BY id", params)


def audit_log(db: Database, case_id: int | None) -> list[Row]:
    if case_id is None:
        return rows(db, "SELECT * FROM audit_log ORDER BY id")
    return rows(db, "SELECT * FROM audit_log WHERE case_id = ? ORDER BY id", [case_id])


def setting(db: Database, key: str) -> str | None:
    found = rows(db, "SELECT value FROM settings WHERE key = ?", [key])
    return str(found[0]["value"]) if found else None


def last_filmed(db: Database, case_id: int) -> str | None:
    """The latest day this case was filmed (or, when unknown, imported), ISO."""
    found = rows(db, "SELECT max(coalesce(filmed_on, substr(imported_at, 1, 10))) AS day "
                     "FROM recordings WHERE case_id = ?", [case_id])
    return found[0]["day"] if found and found[0]["day"] else None


def comments(db: Database, recording_id: int) -> list[Row]:
    """A recording's comments by place, each thread's replies after it in order."""
    return rows(db, "SELECT * FROM comments WHERE recording_id = ? "
                    "ORDER BY start_frame, end_frame, id", [recording_id])


def comment_by_uid(db: Database, uid: str) -> Row | None:
    found = rows(db, "SELECT * FROM comments WHERE uid = ?", [uid])
    return found[0] if found else None


def self_assessment(db: Database, case_id: int, cycle: int) -> Row | None:
    found = rows(db, "SELECT * FROM self_assessments WHERE case_id = ? AND cycle = ?",
                 [case_id, cycle])
    return found[0] if found else None


# -- scaling ------------------------------------------------------------------------------

def ratings(db: Database, case_id: int, measure: str | None) -> list[Row]:
    """A case's ratings (on one measure), by measure, cycle, then the parent's first."""
    sql = "SELECT * FROM ratings WHERE case_id = ?"
    params: list[Any] = [case_id]
    if measure is not None:
        sql += " AND measure = ?"
        params.append(measure)
    return rows(db, sql + " ORDER BY measure, cycle, rated_by = 'practitioner', id", params)


def rating_at(db: Database, case_id: int, cycle: int, measure: str, rated_by: str
              ) -> Row | None:
    found = rows(db, "SELECT * FROM ratings WHERE case_id = ? AND cycle = ? AND measure = ? "
                     "AND rated_by = ?", [case_id, cycle, measure, rated_by])
    return found[0] if found else None
