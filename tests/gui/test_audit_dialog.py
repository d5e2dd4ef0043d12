"""The audit log viewer: every line, a case filter, and a CSV the service can read."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from vigtool.exports.audit_csv import AUDIT_COLUMNS
from vigtool.gui.audit_dialog import COLUMNS, AuditDialog
from vigtool.workspace import Workspace


@pytest.fixture
def logged(workspace: Workspace) -> Workspace:
    first = workspace.add_case("FAM-41")
    second = workspace.add_case("FAM-42")
    workspace.add_consent(first.id, kind="filming", given=True)
    workspace.add_consent(second.id, kind="shared-review", given=True)
    workspace.withdraw_consent(second.id, kind="shared-review")
    workspace.privacy.set_retention_months(3)
    return workspace


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _rows(dialog: AuditDialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_it_lists_the_log_and_filters_by_case(qtbot: QtBot, host: QWidget,
                                              logged: Workspace) -> None:
    dialog = AuditDialog(logged, host)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.table.horizontalHeaderItem(c).text() for c in range(4)] == list(COLUMNS)
    entries = logged.privacy.audit_log()
    rows = _rows(dialog)
    assert len(rows) == len(entries) >= 4
    assert [r[1] for r in rows] == [e.action for e in reversed(entries)]  # newest first
    assert rows[0][1:] == ["retention", "", "default retention period set to 3 months"]
    assert [rows[1][1], rows[1][2], rows[1][3].split(" (recorded")[0]] == \
        ["consent", "FAM-42", "FAM-42: shared-review withdrawn"]
    dialog.case.setCurrentIndex(dialog.case.findText("FAM-42"))
    rows = _rows(dialog)
    assert len(rows) == 2
    assert {r[2] for r in rows} == {"FAM-42"}
    assert dialog.count.text() == "2 entries"


def test_save_as_csv_writes_what_the_csv_module_reads_back(
    qtbot: QtBot, host: QWidget, logged: Workspace, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "records" / "audit.csv"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(out), "")))
    dialog = AuditDialog(logged, host)
    qtbot.addWidget(dialog)
    dialog.show()
    before = len(logged.privacy.audit_log())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_to == out
    with out.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == list(AUDIT_COLUMNS)
    assert len(table) == 1 + before + 1  # every line, and the saving itself
    assert table[-1][2:] == ["audit-export", "", f"audit log saved to {out}"]
    assert _rows(dialog)[0][1] == "audit-export"  # the viewer shows it too
    assert not dialog.problem.isVisible()


def test_it_never_saves_into_the_workspace(qtbot: QtBot, host: QWidget,
                                           logged: Workspace) -> None:
    dialog = AuditDialog(logged, host)
    qtbot.addWidget(dialog)
    dialog.show()
    before = logged.privacy.audit_log()
    inside = logged.root / "audit.csv"
    assert not dialog.save(inside)
    assert dialog.problem.isVisible()
    assert "workspace" in dialog.problem.text()
    assert not inside.exists()
    assert logged.privacy.audit_log() == before  # no line for a file that never left
    assert not dialog.save(logged.root / "workspace.db")
    assert (logged.root / "workspace.db").stat().st_size > 0
