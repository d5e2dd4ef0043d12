"""Making a supervision package: which case (and cycle), where to save it, the passphrase.

One dialog for both kinds: the trainee's package of a cycle ("case": their
own cases) and the supervisor's comments sent back ("comments": the cases
that came from a trainee's package). The default file name says nothing
about the family (``vigtool.packages.suggested_name``). A case whose family
has not consented to supervision cannot be packaged: the dialog says so in
one line, with a Consent... button, and Make stays off until it is
recorded. The work itself runs in the caller's background job. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigtool.errors import ConsentMissing
from vigtool.gui.consent_dialog import open_consent_dialog
from vigtool.gui.passphrase_dialog import PassphraseFields
from vigtool.workspace import Workspace

PACKAGE_FILTER = "Supervision packages (*.vigpack)"
FOLDER_KEY = "supervision/folder"
CASE_KIND, COMMENTS_KIND = "case", "comments"
WHAT = {
    CASE_KIND: ("Make Supervision Package",
                "One file for your supervisor: the cycle's chosen clips of the family film and "
                "of your shared review, their stills, your moments and notes, the parent's "
                "words, goals and your self-assessment. Encrypted with a passphrase."),
    COMMENTS_KIND: ("Send Comments Back",
                    "A small file for the trainee: your comments and replies, and your own "
                    "coding of their clips, at the frames of their films. Encrypted with a "
                    "passphrase."),
}


@dataclass(frozen=True)
class PackageChoice:
    kind: str
    case_id: int
    cycle: int | None  # None for comments
    out: Path
    passphrase: str


def package_folder(settings: QSettings | None) -> Path:
    """Where the last package was saved (else the home folder)."""
    saved = settings.value(FOLDER_KEY) if settings is not None else None
    folder = Path(str(saved)) if saved else Path.home()
    return folder if folder.is_dir() else Path.home()


def consent_line(ws: Workspace, case_id: int) -> str | None:
    """The one line saying why this case cannot be packaged, or None when it can."""
    try:
        ws.privacy.require_consent(case_id, "supervision", "make a supervision package")
    except ConsentMissing as exc:
        return str(exc)[:1].upper() + str(exc)[1:] + "."
    return None


class PackageDialog(QDialog):
    def __init__(self, workspace: Workspace, kind: str, case_id: int | None,
                 cycle: int | None, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packageDialog")
        title, words = WHAT[kind]
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self._ws = workspace
        self.kind = kind
        self._settings = settings
        intro = QLabel(words)
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        self.case = QComboBox()
        for case in workspace.caseload.cases():
            if bool(case.supervisee) == (kind == COMMENTS_KIND):
                shown = f"{case.code} (from {case.supervisee})" if case.supervisee and \
                    case.supervisee not in case.code else case.code
                self.case.addItem(shown, case.id)
        if case_id is not None and self.case.findData(case_id) >= 0:
            self.case.setCurrentIndex(self.case.findData(case_id))
        self.cycle = QComboBox()
        self._wanted_cycle = cycle
        self.out = QLineEdit()
        self.out.setObjectName("packageFile")
        from vigtool.packages import suggested_name  # the packages load when first used

        self.out.setText(str(package_folder(settings) / suggested_name(kind)))
        choose = QPushButton("Choose...")
        choose.setAutoDefault(False)
        choose.clicked.connect(self._choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.out, 1)
        file_row.addWidget(choose)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Case", self.case)
        if kind == CASE_KIND:
            form.addRow("Cycle", self.cycle)
        form.addRow("Save as", file_row)
        self.consent = QFrame()
        self.consent.setObjectName("supervisionConsentMissing")
        self.consent_text = QLabel()
        self.consent_text.setProperty("role", "hint")
        self.consent_text.setWordWrap(True)
        self.consent_button = QPushButton("Consent...")
        self.consent_button.setAutoDefault(False)
        self.consent_button.clicked.connect(self._open_consent)
        consent_row = QHBoxLayout(self.consent)
        consent_row.setContentsMargins(0, 0, 0, 0)
        consent_row.addWidget(self.consent_text, 1)
        consent_row.addWidget(self.consent_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(self.consent)  # about the case: under it, before the passphrase
        self.passphrase = PassphraseFields(confirm=True, form=form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.make_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.make_button.setText("Make Package" if kind == CASE_KIND else "Send Comments")
        self.make_button.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(form)
        column.addWidget(self.passphrase)
        column.addWidget(self.buttons)
        self.case.currentIndexChanged.connect(lambda _i: self._case_chosen())
        for field in (self.passphrase.first, self.passphrase.second, self.out):
            field.textChanged.connect(lambda _t: self._update())
        self._case_chosen()

    def case_id(self) -> int | None:
        data = self.case.currentData()
        return int(data) if data is not None else None

    def _case_chosen(self) -> None:
        case_id = self.case_id()
        self.cycle.clear()
        if case_id is not None:
            numbers = sorted({r.cycle for r in self._ws.library.recordings(case_id)})
            for number in numbers:
                self.cycle.addItem(f"Cycle {number}", number)
            wanted = self._wanted_cycle if self._wanted_cycle in numbers else (
                numbers[-1] if numbers else None)
            if wanted is not None:
                self.cycle.setCurrentIndex(self.cycle.findData(wanted))
        self._update()

    def _update(self) -> None:
        case_id = self.case_id()
        line = consent_line(self._ws, case_id) if case_id is not None else (
            "There is no case to package here." if self.kind == CASE_KIND else
            "There is no trainee's case here: open their supervision package first.")
        if self.kind == CASE_KIND and case_id is not None and line is None and \
                self.cycle.count() == 0:
            line = "This case has no film yet: import the family film of a cycle first."
        self.consent.setVisible(line is not None)
        self.consent_text.setText(line or "")
        self.consent_button.setVisible(line is not None and case_id is not None and
                                       "consent" in line.lower())
        passphrase_ok = self.passphrase.check()
        self.make_button.setEnabled(line is None and passphrase_ok and
                                    bool(self.out.text().strip()))

    def _open_consent(self) -> None:
        case_id = self.case_id()
        if case_id is not None:
            dialog = open_consent_dialog(self, self._ws, case_id)
            dialog.finished.connect(lambda _r: self._update())

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.out.text(),
                                              PACKAGE_FILTER)
        if name:
            self.out.setText(name if name.endswith(".vigpack") else name + ".vigpack")

    def choice(self) -> PackageChoice | None:
        case_id = self.case_id()
        if case_id is None:
            return None
        cycle = self.cycle.currentData() if self.kind == CASE_KIND else None
        out = Path(self.out.text().strip()).expanduser()
        if self._settings is not None:
            self._settings.setValue(FOLDER_KEY, str(out.parent))
        return PackageChoice(self.kind, case_id, None if cycle is None else int(cycle), out,
                             self.passphrase.passphrase())


def ask_package(parent: QWidget, workspace: Workspace, kind: str, case_id: int | None,
                cycle: int | None, settings: QSettings | None,
                then: Callable[[PackageChoice], object]) -> PackageDialog:
    """Open the dialog window-modal; ``then`` gets the choice once accepted."""
    dialog = PackageDialog(workspace, kind, case_id, cycle, settings, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

    def accepted() -> None:
        choice = dialog.choice()
        dialog.passphrase.clear()  # not kept in a widget longer than needed
        if choice is not None:
            then(choice)

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog
