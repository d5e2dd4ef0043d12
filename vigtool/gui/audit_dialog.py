"""The audit log: what was imported, exported, purged and consented, and when.

A table of the workspace's audit log (newest first) with a case filter, and
"Save as CSV..." for the service's records (``write_audit_csv``). Saving is
itself a line in the log, written before the file; the file must pass the
same output rules as every export (never inside the workspace, never over
anything but a regular file; the save dialog has asked about replacing).
GUI thread only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigtool.errors import VigtoolError
from vigtool.exports.audit_csv import write_audit_csv
from vigtool.privacy.outputs import check_output
from vigtool.workspace import Workspace

COLUMNS = ("When", "Action", "Case", "Detail")
ALL_CASES = "All cases"


def local_time(at: str) -> str:
    """A log time (UTC, ISO) as this computer's local time, to the minute."""
    try:
        when = datetime.fromisoformat(at).astimezone()
    except ValueError:
        return at
    return f"{when.day} {when:%b %Y %H:%M}"


class AuditDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None,
                 case_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle("Audit Log")
        self._ws = workspace
        self.saved_to: Path | None = None

        intro = QLabel("Every import, export, purge and consent change in this workspace, "
                       "newest first. Kept for the service's records; nothing here can be "
                       "edited.")
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        self.case = QComboBox()
        self.case.setObjectName("auditCase")
        self.case.addItem(ALL_CASES, None)
        for case in workspace.caseload.cases():
            self.case.addItem(case.code, case.id)
        found = self.case.findData(case_id) if case_id is not None else 0
        self.case.setCurrentIndex(max(found, 0))
        self.case.currentIndexChanged.connect(self.refresh)
        filter_row = QHBoxLayout()
        label = QLabel("&Case")
        label.setBuddy(self.case)
        filter_row.addWidget(label)
        filter_row.addWidget(self.case)
        filter_row.addStretch(1)
        self.count = QLabel("")
        self.count.setProperty("role", "muted")
        filter_row.addWidget(self.count)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for n in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(n, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.problem = QLabel("")
        self.problem.setObjectName("auditProblem")
        self.problem.setProperty("role", "hint")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = QPushButton("Save as CSV...")
        self.save_button.setAutoDefault(False)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.choose_and_save)
        self.buttons.rejected.connect(self.reject)
        if workspace.read_only:
            self.save_button.setEnabled(False)
            self.save_button.setToolTip("Saving is itself recorded in the audit log, so it "
                                        "needs the workspace open for writing")

        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(filter_row)
        column.addWidget(self.table, 1)
        column.addWidget(self.problem)
        column.addWidget(self.buttons)
        self.resize(880, 520)
        self.refresh()

    def case_id(self) -> int | None:
        data = self.case.currentData()
        return int(data) if data is not None else None

    def refresh(self) -> None:
        codes = {c.id: c.code for c in self._ws.caseload.cases()}
        entries = list(reversed(self._ws.privacy.audit_log(self.case_id())))
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            code = codes.get(e.case_id, "") if e.case_id is not None else ""
            for n, text in enumerate((local_time(e.at), e.action, code, e.detail)):
                item = QTableWidgetItem(" ".join(text.split()))
                if n == 0:
                    item.setToolTip(f"{e.at} (UTC)")
                elif n == 3:
                    item.setToolTip(text)
                self.table.setItem(row, n, item)
        self.count.setText(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")

    def choose_and_save(self) -> None:
        """Ask where (the save dialog asks before replacing a file), then save."""
        code = self.case.currentText() if self.case_id() is not None else "workspace"
        start = str(Path.home() / f"audit-log-{code}.csv")
        name, _ = QFileDialog.getSaveFileName(self, "Save the audit log", start,
                                              "CSV files (*.csv)")
        if name:
            self.save(Path(name))

    def save(self, out: Path) -> bool:
        """Save the (filtered) log as CSV at ``out``, recording that it left; the one
        line of what went wrong is shown when it cannot."""
        case_id = self.case_id()
        try:
            check_output(out, workspace=self._ws.root, force=True, what="the audit log")
            self._ws.privacy.record_event("audit-export", case_id,
                                          f"audit log saved to {out}")
            write_audit_csv(self._ws, out, case_id)
        except VigtoolError as exc:
            text = str(exc)
            self.problem.setText(text[:1].upper() + text[1:])
            self.problem.show()
            return False
        except OSError as exc:
            self.problem.setText(f"The audit log could not be saved: {exc.strerror or exc}")
            self.problem.show()
            return False
        self.problem.hide()
        self.saved_to = out
        self.refresh()
        self.count.setText(f"{self.count.text()} · saved to {out}")
        return True


def open_audit_dialog(parent: QWidget, workspace: Workspace, case_id: int | None = None
                      ) -> AuditDialog:
    dialog = AuditDialog(workspace, parent, case_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog
