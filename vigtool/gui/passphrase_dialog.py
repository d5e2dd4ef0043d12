"""Asking for a package's passphrase: twice to make a package, once to open one.

The fields never show what is typed. vigtool never stores a passphrase, and
the dialog says so, with the one rule that keeps a package safe: the
passphrase goes to the other person another way (by phone, in person),
never with the file. The length rule is the package module's
(``vigtool.packages``), checked here only to say it before anything runs.
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

NEVER_STORED = ("vigtool never stores the passphrase. Give it to the other person another "
                "way (by phone or in person), never with the file.")
ASK_SENDER = "Ask the person who sent the package for its passphrase; vigtool never stores it."


def min_passphrase() -> int:
    from vigtool.packages import MIN_PASSPHRASE  # the packages load when first used

    return MIN_PASSPHRASE


class PassphraseFields(QWidget):
    """A passphrase field (and, to make a package, a second one to confirm it), a line
    saying what is wrong, and the line that it is never stored."""

    def __init__(self, *, confirm: bool, form: QFormLayout | None = None,
                 parent: QWidget | None = None) -> None:
        """``form``: put the fields in the caller's form (lined up with its rows)."""
        super().__init__(parent)
        self.confirming = confirm
        self.first = QLineEdit()
        self.first.setObjectName("passphrase")
        self.second = QLineEdit()
        self.second.setObjectName("passphraseAgain")
        for field, name in ((self.first, "Passphrase"), (self.second, "Passphrase again")):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(name)
            field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
            field.setMinimumWidth(field.fontMetrics().horizontalAdvance("0") * 30)
        own = form is None
        form = QFormLayout() if form is None else form
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Passphrase", self.first)
        if confirm:
            form.addRow("Again", self.second)
            self.first.setPlaceholderText(f"At least {min_passphrase()} characters, "
                                          "e.g. a few words")
        self.second.setVisible(confirm)
        self.problem = QLabel()
        self.problem.setObjectName("passphraseProblem")
        self.problem.setProperty("role", "muted")
        self.problem.setWordWrap(True)
        self.stored = QLabel(NEVER_STORED if confirm else ASK_SENDER)
        self.stored.setObjectName("passphraseNeverStored")
        self.stored.setProperty("role", "hint")
        self.stored.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        if own:
            column.addLayout(form)
        column.addWidget(self.problem)
        column.addWidget(self.stored)
        self.first.textChanged.connect(self.check)
        self.second.textChanged.connect(self.check)

    def passphrase(self) -> str:
        return self.first.text()

    def check(self) -> bool:
        """Whether the passphrase will do; says why not (quietly, while typing)."""
        text, least = self.first.text(), min_passphrase()
        problem = ""
        if not text:
            problem = " "  # nothing typed yet: nothing to say
        elif self.confirming and len(text) < least:
            problem = f"At least {least} characters ({len(text)} so far)."
        elif self.confirming and self.second.text() != text:
            problem = "Type the same passphrase again to be sure of it."
        self.problem.setText(problem.strip())
        return not problem

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()


class PassphraseDialog(QDialog):
    """Once, to open a package: the passphrase and nothing else."""

    def __init__(self, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle("Open Supervision Package")
        what = QLabel(f"The passphrase of {file_name}")
        what.setProperty("role", "section")
        what.setTextFormat(Qt.TextFormat.PlainText)
        self.fields = PassphraseFields(confirm=False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.setProperty("primary", True)
        self.open_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.fields.first.textChanged.connect(
            lambda _t: self.open_button.setEnabled(self.fields.check()))
        column = QVBoxLayout(self)
        column.addWidget(what)
        column.addWidget(self.fields)
        column.addWidget(self.buttons)

    def passphrase(self) -> str:
        return self.fields.passphrase()
