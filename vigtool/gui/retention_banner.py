"""Retention at start-up and in settings: which cases' raw film is due to be deleted.

``RetentionBanner`` sits above the picture, never in the way: one line per
case whose retention date is near or past (``ws.privacy.retention_due()``),
each with a button that opens the purge for that case, and Hide. It follows
the workspace (a purge or a new date takes a case off it). The service's
default period lives in the workspace, so the app and the command line
agree; ``RetentionPeriodDialog`` changes it. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.retention import Retention
from vigtool.errors import VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.workspace import Changes

SHOWN = 4  # cases listed by name; the rest are counted


class RetentionBanner(QFrame):
    """``purgeRequested(case_id)`` when a case's "Delete Raw Film..." is pressed."""

    purgeRequested = Signal(int)

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionBanner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._bridge = bridge
        self._hidden = False
        self.due: list[tuple[str, Retention]] = []
        self.heading = QLabel("")
        self.heading.setObjectName("retentionHeading")
        self.heading.setWordWrap(True)
        self.hide_button = QPushButton("Hide")
        self.hide_button.setToolTip("Hide until vigtool starts again; the list of cases "
                                    "still shows each date")
        self.hide_button.clicked.connect(self.dismiss)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(4)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 12, 8)
        column.setSpacing(6)
        column.addLayout(top)
        column.addLayout(self.rows)
        bridge.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("cases") or changes.touches("recordings"):
            self.refresh()

    def dismiss(self) -> None:
        self._hidden = True
        self.hide()

    def refresh(self) -> None:
        """Read the due cases again and show them (unless hidden this session)."""
        ws = self._bridge.workspace
        self.due = ws.privacy.retention_due()
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        overdue = sum(1 for _, r in self.due if r.status == "due")
        n = len(self.due)
        self.heading.setText(
            f"The raw film of {n} case{'s' if n != 1 else ''} is due to be deleted"
            + (f" ({overdue} past the date)" if overdue else "")
            + ". Delete it once the work with the family has ended, or set a later date in "
              "the case's details.")
        ids = {c.code: c.id for c in ws.caseload.cases()}
        for code, retention in self.due[:SHOWN]:
            self.rows.addWidget(self._row(ids[code], retention.line(code), ws.read_only))
        if n > SHOWN:
            more = QLabel(f"and {n - SHOWN} more: each is marked in the list of cases.")
            more.setObjectName("retentionMore")
            self.rows.addWidget(more)
        self.setVisible(bool(self.due) and not self._hidden)

    def _row(self, case_id: int, line: str, read_only: bool) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        text = QLabel(line[:1].upper() + line[1:])
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        button = QPushButton("Delete Raw Film...")
        button.setObjectName(f"retentionPurge-{case_id}")
        button.setAccessibleName(f"Delete raw film: {line}")
        button.setEnabled(not read_only)
        button.clicked.connect(lambda: self.purgeRequested.emit(case_id))
        layout.addWidget(text, 1)
        layout.addWidget(button)
        return row


class RetentionPeriodDialog(QDialog):
    """The service's default retention period, in months after the last filming."""

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionPeriodDialog")
        self.setWindowTitle("Retention Period")
        self._bridge = bridge
        ws = bridge.workspace
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setSuffix(" months")
        self.months.setValue(ws.privacy.retention_months)
        self.months.setEnabled(not ws.read_only)
        help_text = QLabel(
            "The raw film of a case is due to be deleted this long after the last day the "
            "family was filmed, unless the case has its own date (Case Details). vigtool "
            "warns at start-up when a date is near or past. This setting belongs to the "
            "workspace, so the command line (vigtool retention) uses it too.")
        help_text.setProperty("role", "muted")
        help_text.setWordWrap(True)
        self.problem = QLabel("")
        self.problem.setProperty("role", "hint")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Delete raw film after", self.months)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(help_text)
        column.addWidget(self.problem)
        column.addWidget(buttons)
        self.setMinimumWidth(440)

    def accept(self) -> None:
        ws = self._bridge.workspace
        if self.months.value() != ws.privacy.retention_months:
            try:
                ws.privacy.set_retention_months(self.months.value())
            except VigtoolError as exc:
                text = str(exc)
                self.problem.setText(text[:1].upper() + text[1:])
                self.problem.show()
                return
        super().accept()
