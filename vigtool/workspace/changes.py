"""What an edit, undo or redo touched: the one record views need to redraw."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from vigtool.store.changes import RowChange


@dataclass(frozen=True)
class Changes:
    """An operation's name and the row ids it touched, by table."""

    operation: str
    rows: Mapping[str, frozenset[int]] = field(default_factory=dict)

    def touches(self, table: str) -> bool:
        return bool(self.rows.get(table))

    def ids(self, table: str) -> frozenset[int]:
        return self.rows.get(table, frozenset())

    @classmethod
    def of(cls, operation: str, changes: Iterable[RowChange]) -> Changes:
        by_table: dict[str, set[int]] = {}
        for change in changes:
            by_table.setdefault(change.table, set()).add(change.row_id)
        return cls(operation, {t: frozenset(ids) for t, ids in by_table.items()})
