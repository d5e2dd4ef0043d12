"""New Case and Case Details: a family's code name, helping question, the child's name,
what the family consented to, and when the raw film is due to be deleted.

The dialog makes (or changes) the case itself, through ``ws.caseload``, and
stays open with the reason in plain words when the workspace refuses (a code
already used, or a code with the child's name in it), so nothing typed is
lost. New Case records the consents ticked (given today); Case Details opens
the case's full consent (``consent_dialog``) and sets its own retention date
or leaves it to the service default. Dialogs are opened window-modal with
``open()``, never ``exec()``: the caller gets the case in a callback, and tests
can fill the real dialog.
GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.consent import SCOPES, SHORT_LABELS
from vigtool.domain.records import PRONOUNS, Case
from vigtool.errors import VigtoolError
from vigtool.gui.case_marks import day
from vigtool.gui.consent_dialog import open_consent_dialog
from vigtool.workspace import Workspace

CODE_HELP = ("A code name for this family (a pseudonym) such as FAM-07: never their real "
             "name. It names the files you export.")
QUESTION_HELP = ("What the parent would like help with, in their own words. "
                 "It opens the family's summary.")
CHILD_HELP = ("Only used in the words vigtool suggests (\"You waited, and Mia smiled\"). "
              "Never in file names or in the names of exports.")
QUESTION_EXAMPLE = "I'd like to understand why he cries when I put him down."
NO_PRONOUN = "none (use the name)"
CONSENT_HELP = ("Tick what the family agreed to today: each is recorded with the date and "
                "your login name. The rest can be recorded later (Case > Consent).")


class CaseDialog(QDialog):
    """New Case when ``case`` is None, otherwise that case's details.

    ``saved`` is the case as stored once the dialog was accepted.
    """

    def __init__(self, workspace: Workspace, case: Case | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseDialog")
        self._ws = workspace
        self._case = case
        self.saved: Case | None = None
        self.setWindowTitle("New Case" if case is None else f"Case Details: {case.code}")
        self.setMinimumWidth(520)

        self.code = QLineEdit(case.code if case else "")
        self.code.setPlaceholderText("FAM-07")
        self.code.setMaxLength(40)
        self.question = QPlainTextEdit(case.helping_question if case else "")
        self.question.setPlaceholderText(QUESTION_EXAMPLE)
        self.question.setTabChangesFocus(True)
        self.question.setFixedHeight(self.question.fontMetrics().lineSpacing() * 3 + 16)
        self.child_name = QLineEdit(case.child_name if case else "")
        self.child_name.setPlaceholderText("First name only")
        self.child_name.setMaxLength(40)
        self.pronoun = QComboBox()
        for pronoun in PRONOUNS:
            self.pronoun.addItem(pronoun, pronoun)
        self.pronoun.addItem(NO_PRONOUN, "")
        self.pronoun.setCurrentIndex(self.pronoun.findData(case.pronoun if case else ""))
        self.problem = QLabel("")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setObjectName("caseProblem")
        self.problem.setProperty("role", "hint")
        self.problem.setWordWrap(True)
        self.problem.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Case code", self.code)
        form.addRow("", _help(CODE_HELP))
        form.addRow("Helping question", self.question)
        form.addRow("", _help(QUESTION_HELP))
        form.addRow("Child's first name", self.child_name)
        form.addRow("Pronoun", self.pronoun)
        form.addRow("", _help(CHILD_HELP))
        self.consent_ticks: dict[str, QCheckBox] = {}
        if case is None:
            form.addRow("Consent given", self._consent_ticks())
            form.addRow("", _help(CONSENT_HELP))
        else:
            self.consent_summary = _help("")
            self.consent_button = QPushButton("Consent...")
            self.consent_button.setAutoDefault(False)
            self.consent_button.clicked.connect(
                lambda: open_consent_dialog(self, workspace, case.id).finished.connect(
                    self._show_consent))
            row = QHBoxLayout()
            row.addWidget(self.consent_summary, 1)
            row.addWidget(self.consent_button, 0, Qt.AlignmentFlag.AlignTop)
            form.addRow("Consent", row)
            self._show_consent()
        self.retention_own: QRadioButton | None = None
        if case is not None:  # a new case follows the service default until filmed
            form.addRow("Delete raw film", self._retention_choice())
            form.addRow("", self.retention_hint)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText("Add Case" if case is None else "Save")
        self.save_button.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.code.textChanged.connect(self._update_save)
        self._update_save()

        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.problem)
        column.addWidget(self.buttons)

    def _consent_ticks(self) -> QWidget:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for n, (scope, what) in enumerate(SCOPES.items()):
            tick = QCheckBox(SHORT_LABELS[scope])
            tick.setToolTip(what[:1].upper() + what[1:])
            self.consent_ticks[scope] = tick
            grid.addWidget(tick, n // 3, n % 3)
        box = QWidget()
        box.setLayout(grid)
        return box

    def _show_consent(self) -> None:
        if self._case is None:
            return
        state = self._ws.privacy.consent_state(self._case.id)
        parts = []
        for status in ("given", "withdrawn", "not given"):
            names = [SHORT_LABELS[k].lower() for k, s in state.items() if s.status == status]
            if names:
                parts.append(f"{status[:1].upper()}{status[1:]}: {', '.join(names)}.")
        self.consent_summary.setText(" ".join(parts) or "Nothing recorded yet.")

    def _retention_choice(self) -> QWidget:
        months = self._ws.privacy.retention_months
        self.retention_default = QRadioButton(f"Service default ({months} month"
                                              f"{'s' if months != 1 else ''} after the last "
                                              "filming)")
        self.retention_own = QRadioButton("On this date")
        self.retention_date = QDateEdit()
        self.retention_date.setCalendarPopup(True)
        self.retention_date.setDisplayFormat("d MMMM yyyy")
        group = QButtonGroup(self)
        group.addButton(self.retention_default)
        group.addButton(self.retention_own)
        own = self._case.retention_until if self._case else None
        start = date.fromisoformat(own) if own else date.today() + timedelta(days=60)
        self.retention_date.setDate(QDate(start.year, start.month, start.day))
        (self.retention_own if own else self.retention_default).setChecked(True)
        self.retention_hint = _help("")
        for signal in (self.retention_own.toggled, self.retention_date.dateChanged):
            signal.connect(self._update_retention)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.retention_own)
        row.addWidget(self.retention_date)
        row.addStretch(1)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.retention_default)
        column.addLayout(row)
        box = QWidget()
        box.setLayout(column)
        self._update_retention()
        return box

    def chosen_retention(self) -> str | None:
        """The case's own retention date (ISO), or None for the service default."""
        if self.retention_own is None or not self.retention_own.isChecked():
            return None
        return self.retention_date.date().toString(Qt.DateFormat.ISODate)

    def _update_retention(self) -> None:
        assert self.retention_own is not None
        assert self._case is not None
        self.retention_date.setEnabled(self.retention_own.isChecked())
        if self.retention_own.isChecked():
            self.retention_hint.setText("vigtool warns at start-up as this date comes near.")
            return
        current = self._ws.privacy.retention(self._case.id)
        if current.status == "purged":
            text = "The raw film has been deleted."
        elif self._case.retention_until is None and current.until:
            text = f"By the default, the raw film is due to be deleted by {day(current.until)}."
        else:
            text = "The default date counts from the last day the family was filmed."
        self.retention_hint.setText(text)

    def _update_save(self) -> None:
        self.save_button.setEnabled(bool(self.code.text().strip()))

    def accept(self) -> None:
        """Save the case; on a refusal say why and stay open."""
        code = self.code.text().strip()
        question = self.question.toPlainText().strip()
        child = self.child_name.text().strip()
        pronoun = str(self.pronoun.currentData())
        if child and child.casefold() in code.casefold():
            self._refuse("Please choose a code without the child's name in it: "
                         "the code names the files you export.")
            return
        try:
            if self._case is None:
                self.saved = self._ws.caseload.add_case(code, question, child_name=child,
                                                        pronoun=pronoun)
            else:
                self.saved = self._ws.caseload.update_case(
                    self._case.id, code=code, helping_question=question, child_name=child,
                    pronoun=pronoun)
        except VigtoolError as exc:
            self._refuse(_sentence(str(exc)))
            return
        try:
            self._save_governance(self.saved)
        except VigtoolError as exc:  # the case is saved; say what was not, and stay
            self._case = self.saved
            self._refuse(_sentence(str(exc)))
            return
        super().accept()

    def _save_governance(self, case: Case) -> None:
        """The consents ticked (New Case) and the retention date, once the case exists."""
        for scope, tick in self.consent_ticks.items():
            if tick.isChecked():
                self._ws.add_consent(case.id, kind=scope, given=True)
                tick.setChecked(False)  # recorded: not again if the dialog stays open
        until = self.chosen_retention()
        if until != case.retention_until:
            self._ws.privacy.set_retention_until(case.id, until)
            self.saved = self._ws.caseload.case(case.id)

    def _refuse(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        self.code.setFocus(Qt.FocusReason.OtherFocusReason)
        self.code.selectAll()


def open_case_dialog(
    parent: QWidget, workspace: Workspace, case_id: int | None = None,
    then: Callable[[Case], object] | None = None,
) -> CaseDialog:
    """Open New Case (``case_id`` None) or a case's details, window-modal; ``then`` gets
    the saved case. The dialog deletes itself once closed."""
    case = workspace.caseload.case(case_id) if case_id is not None else None
    dialog = CaseDialog(workspace, case, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    if then is not None:
        dialog.accepted.connect(lambda: then(dialog.saved) if dialog.saved else None)
    dialog.open()
    return dialog


def _help(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setProperty("role", "muted")
    label.setWordWrap(True)
    return label


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
