"""The workspace database: SQLite (WAL) through sqlite-utils, changed only by migrations."""
