"""The database: migrations, refusal of newer workspaces, backups, WAL, integrity."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from vigtool import Workspace
from vigtool.errors import NewerWorkspaceError, StoreError
from vigtool.store.database import open_database
from vigtool.store.migrations import known_migration_names, migrations


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    finally:
        conn.close()
    return [(str(n), str(s)) for n, s in rows]


def test_new_database_is_built_by_the_migration_chain(tmp_path: Path) -> None:
    db = open_database(tmp_path / "workspace.db")
    try:
        assert {m.name for m in migrations.applied(db)} == known_migration_names()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        tables = set(db.table_names())
        assert {"cases", "cycles", "recordings", "moments", "turns", "stills", "reflections",
                "goals", "consents", "audit_log"} <= tables
    finally:
        db.close()


def test_older_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "workspace.db"
    # A workspace written before the family details were added (only 0001_initial).
    old = Database(path)
    migrations.apply(old, stop_before="0002_family_details")
    old.execute("INSERT INTO cases (code, created_at) VALUES ('FAM-01', '2026-01-01')")
    old.conn.commit()
    old.close()
    open_database(path).close()
    backups = list(tmp_path.glob("workspace.db.backup-*-before-0002_family_details"))
    assert len(backups) == 1
    conn = sqlite3.connect(backups[0])
    assert conn.execute("SELECT code FROM cases").fetchall() == [("FAM-01",)]
    columns = {row[1] for row in conn.execute("PRAGMA table_info(cases)")}
    assert "child_name" not in columns
    conn.close()
    with Workspace.open(tmp_path) as ws:
        (case,) = ws.cases()
    assert (case.code, case.child_name, case.pronoun) == ("FAM-01", "", "")
    # Opening again needs no migration and makes no second backup.
    open_database(path).close()
    assert len(list(tmp_path.glob("workspace.db.backup-*"))) == 1


def test_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workspace.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('vigtool', '9999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerWorkspaceError, match="newer version of vigtool") as caught:
        Workspace.open(tmp_path)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before
    # Nothing made beside it either: no -wal/-shm, no lock, no folders, no backup.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["workspace.db"]
    with pytest.raises(NewerWorkspaceError):
        Workspace.open(tmp_path, read_only=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["workspace.db"]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "workspace.db").write_text("these are my notes")
    with pytest.raises(StoreError, match="not a vigtool workspace"):
        Workspace.open(tmp_path)
    assert (tmp_path / "workspace.db").read_text() == "these are my notes"


def test_a_workspace_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Workspace.open(target)


def test_two_fresh_databases_have_identical_schemas(tmp_path: Path) -> None:
    open_database(tmp_path / "a.db").close()
    Database(tmp_path / "b.db").close()
    open_database(tmp_path / "b.db").close()
    assert _schema(tmp_path / "a.db") == _schema(tmp_path / "b.db")


def test_another_programs_database_named_workspace_db_is_left_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "not-ours"
    folder.mkdir()
    db = folder / "workspace.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="made by another program"):
        Workspace.open(folder)
    assert db.read_bytes() == before
    assert not list(folder.glob("workspace.db.backup-*"))
