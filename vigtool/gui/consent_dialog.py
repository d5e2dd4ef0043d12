"""Consent: what a family agreed to, scope by scope, with its history.

Each scope (filming, shared review, supervision, intervision, training,
keeping clips) shows where it stands now, since when and who recorded it,
with buttons to record the family's answer and to withdraw it. Withdrawing
asks first and says what it stops. Consent records are kept, never undone:
a mistake is put right by recording the right answer, and the history keeps
both. Opened window-modal with ``open()``; the question boxes too, so tests
can answer them. GUI thread only.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.consent import SCOPES, SHORT_LABELS
from vigtool.errors import VigtoolError
from vigtool.gui.case_marks import ChipView, day, state_words
from vigtool.workspace import Workspace

NOT_UNDOABLE = ("Consent records cannot be undone: to correct one, record the family's "
                "answer again. The history keeps both.")

WITHDRAW_STOPS: dict[str, str] = {
    "filming": "importing any more film of this family (film already here stays until it "
               "is deleted)",
    "shared-review": "the shared review with the family, and exports for the family",
    "supervision": "showing this family's clips to your supervisor",
    "intervision": "exports of this family's clips for a peer group (intervision)",
    "training": "exports of this family's clips for training and teaching",
    "keep-clips": "keeping the chosen clips when the raw film is deleted: deleting it "
                  "then keeps no clip or picture",
}
"""What withdrawing each scope stops, in the words the confirmation uses."""


def login_name() -> str:
    """This computer's login name: who records a consent unless the practitioner says."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class ConsentDialog(QDialog):
    """The consent of one case: the six scopes, their buttons, and the history."""

    def __init__(self, workspace: Workspace, case_id: int, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("consentDialog")
        self._ws = workspace
        self.case_id = case_id
        self.case_code = workspace.caseload.case(case_id).code
        self.setWindowTitle(f"Consent: {self.case_code}")
        self.setMinimumWidth(720)
        editable = not workspace.read_only

        intro = _label("Record what the family agreed to, as they tell you. They can "
                       "withdraw any of it at any time.", "muted")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        self.chips: dict[str, ChipView] = {}
        self.states: dict[str, QLabel] = {}
        self.give_buttons: dict[str, QPushButton] = {}
        self.refuse_buttons: dict[str, QPushButton] = {}
        self.withdraw_buttons: dict[str, QPushButton] = {}
        for row, (scope, what) in enumerate(SCOPES.items()):
            self.chips[scope] = ChipView(scope)
            self.states[scope] = _label("", "value", wrap=False)
            self.states[scope].setObjectName(f"consentState-{scope}")
            heading = QHBoxLayout()
            heading.setSpacing(8)
            heading.addWidget(_label(SHORT_LABELS[scope], "section", wrap=False))
            heading.addWidget(self.states[scope], 1)
            text = QVBoxLayout()
            text.setSpacing(0)
            text.addLayout(heading)
            text.addWidget(_label(what[:1].upper() + what[1:], "muted", wrap=False))
            buttons = QHBoxLayout()
            buttons.setSpacing(6)
            for store, label, tip, handler in (
                (self.give_buttons, "Given", "The family agreed to this today",
                 lambda _=False, s=scope: self.record(s, given=True)),
                (self.refuse_buttons, "Not given", "The family did not agree to this",
                 lambda _=False, s=scope: self.record(s, given=False)),
                (self.withdraw_buttons, "Withdraw...", "The family withdraws their consent",
                 lambda _=False, s=scope: self.ask_withdraw(s)),
            ):
                button = QPushButton(label)
                button.setToolTip(tip)
                button.setAutoDefault(False)
                button.setAccessibleName(f"{label.rstrip('.')}: {SHORT_LABELS[scope]}")
                button.clicked.connect(handler)
                button.setVisible(editable)
                store[scope] = button
                buttons.addWidget(button)
            grid.addWidget(self.chips[scope], row, 0, Qt.AlignmentFlag.AlignVCenter)
            grid.addLayout(text, row, 1)
            grid.addLayout(buttons, row, 2)

        self.recorded_by = QLineEdit(login_name())
        self.recorded_by.setMaxLength(60)
        self.recorded_by.setPlaceholderText("Your name")
        self.recorded_by.setEnabled(editable)
        who = QHBoxLayout()
        who.addWidget(QLabel("Recorded by"))
        who.addWidget(self.recorded_by, 1)
        who.addWidget(_label("Your login name; change it when you record for a colleague.",
                             "muted"), 2)

        self.history = QTableWidget(0, 5)
        self.history.setObjectName("consentHistory")
        self.history.setHorizontalHeaderLabels(
            ["Recorded", "Scope", "Answer", "Recorded by", "Withdrawn"])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setMinimumHeight(self.fontMetrics().height() * 7)

        self.problem = _label("", "hint")
        self.problem.setObjectName("consentProblem")
        self.problem.hide()
        note = _label(NOT_UNDOABLE if editable else
                      "This workspace is open read-only: consent can be looked at, not "
                      "recorded.", "muted")
        note.setObjectName("consentNote")
        small = note.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        note.setFont(small)
        buttons_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons_box.rejected.connect(self.reject)
        self.close_button = buttons_box.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)

        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addSpacing(4)
        column.addLayout(grid)
        column.addSpacing(4)
        column.addLayout(who)
        column.addWidget(self.problem)
        column.addSpacing(6)
        column.addWidget(_label("History", "section"))
        column.addWidget(self.history, 1)
        column.addWidget(note)
        column.addWidget(buttons_box)
        self.refresh()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Start on Close, never on a button that records or withdraws something."""
        super().showEvent(event)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- what is shown ------------------------------------------------------------------------

    def refresh(self) -> None:
        state = self._ws.privacy.consent_state(self.case_id)
        for scope, s in state.items():
            self.chips[scope].set_status(s.status)
            self.states[scope].setText(state_words(s)[:1].upper() + state_words(s)[1:])
            self.give_buttons[scope].setEnabled(s.status != "given")
            self.refuse_buttons[scope].setEnabled(s.status not in ("given", "not given"))
            self.withdraw_buttons[scope].setEnabled(s.granted)
        records = list(reversed(self._ws.privacy.consents(self.case_id)))
        self.history.setRowCount(len(records))
        for row, c in enumerate(records):
            cells = [day(c.recorded_at), SHORT_LABELS.get(c.kind, c.kind),
                     "given" if c.given else "not given", c.recorded_by or "",
                     day(c.withdrawn_at) if c.withdrawn_at else ""]
            for column, text in enumerate(cells):
                self.history.setItem(row, column, QTableWidgetItem(text))

    # -- recording ------------------------------------------------------------------------

    def _who(self) -> str | None:
        return self.recorded_by.text().strip() or None

    def record(self, scope: str, *, given: bool) -> None:
        """Record the family's answer for ``scope`` today."""
        self._try(lambda: self._ws.add_consent(self.case_id, kind=scope, given=given,
                                               recorded_by=self._who()))

    def ask_withdraw(self, scope: str) -> QMessageBox:
        """Ask before withdrawing: what it stops, and that it cannot be undone."""
        box = QMessageBox(QMessageBox.Icon.Question, "Withdraw Consent",
                          f"Withdraw the family's consent to {SCOPES[scope]} "
                          f"(case {self.case_code})?", QMessageBox.StandardButton.NoButton,
                          self)
        box.setObjectName("withdrawQuestion")
        box.setInformativeText(
            f"From now on vigtool stops {WITHDRAW_STOPS[scope]}. This is recorded in the "
            "consent history and the audit log and cannot be undone; if the family agrees "
            "again later, record their consent again.")
        withdraw = box.addButton("Withdraw Consent", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def answered() -> None:
            if box.clickedButton() is withdraw:
                self.withdraw(scope)

        box.finished.connect(answered)
        box.open()
        return box

    def withdraw(self, scope: str) -> None:
        """Withdraw consent to ``scope`` now (no question: ``ask_withdraw`` asks)."""
        self._try(lambda: self._ws.withdraw_consent(self.case_id, kind=scope,
                                                    recorded_by=self._who()))

    def _try(self, change: Callable[[], object]) -> None:
        try:
            change()
        except VigtoolError as exc:
            text = str(exc)
            self.problem.setText(text[:1].upper() + text[1:])
            self.problem.show()
        else:
            self.problem.hide()
        self.refresh()


def open_consent_dialog(parent: QWidget, workspace: Workspace, case_id: int) -> ConsentDialog:
    """Open a case's consent window-modal; it deletes itself once closed."""
    dialog = ConsentDialog(workspace, case_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog


def ask_filming_consent(parent: QWidget, workspace: Workspace, case_id: int,
                        then: Callable[[], object], failed: Callable[[str], object]
                        ) -> QMessageBox:
    """Before importing film into a case with no consent to filming in force: ask whether
    the family agreed, and if so record it and call ``then`` (the import); ``failed``
    gets the line when the consent could not be recorded."""
    case = workspace.caseload.case(case_id)
    state = workspace.privacy.consent_state(case_id)["filming"]
    who = login_name()
    box = QMessageBox(QMessageBox.Icon.Question, "Consent to Filming",
                      "Has the family agreed to be filmed?", QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("filmingConsentQuestion")
    known = {"withdrawn": f"The family withdrew their consent to filming on "
                          f"{day(state.since)}. ",
             "not given": "The family's answer on record is that they did not agree to "
                          "filming. "}.get(state.status, "")
    box.setInformativeText(
        f"Case {case.code} has no consent to filming in force. {known}"
        f"Record their consent to filming (today, by {who or 'you'}) and import the film? "
        "Without it nothing is imported.")
    yes = box.addButton("Record Consent and Import", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Don't Import", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

    def answered() -> None:
        if box.clickedButton() is not yes:
            failed("Nothing was imported: no consent to filming is recorded for "
                   f"case {case.code}")
            return
        try:
            workspace.add_consent(case_id, kind="filming", given=True)
        except VigtoolError as exc:
            failed(str(exc))
            return
        then()

    box.finished.connect(answered)
    box.open()
    return box


def _label(text: str, role: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    return label
