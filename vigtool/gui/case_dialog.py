"""New Case and Case Details: a family's code name, helping question, and the child's name.

The dialog makes (or changes) the case itself, through ``ws.caseload``, and
stays open with the reason in plain words when the workspace refuses (a code
already used, or a code with the child's name in it), so nothing typed is
lost. Dialogs are opened window-modal with ``open()``, never ``exec()``: the
caller gets the case in a callback, and tests can fill the real dialog.
GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.records import PRONOUNS, Case
from vigtool.errors import VigtoolError
from vigtool.workspace import Workspace

CODE_HELP = ("A code name for this family (a pseudonym) such as FAM-07: never their real "
             "name. It names the files you export.")
QUESTION_HELP = ("What the parent would like help with, in their own words. "
                 "It opens the family's summary.")
CHILD_HELP = ("Only used in the words vigtool suggests (\"You waited, and Mia smiled\"). "
              "Never in file names or in the names of exports.")
QUESTION_EXAMPLE = "I'd like to understand why he cries when I put him down."
NO_PRONOUN = "none (use the name)"


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
        self.setMinimumWidth(460)

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
        super().accept()

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
