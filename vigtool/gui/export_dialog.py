"""Export dialog: choose what to make for the family or the record, then it runs in the background.

The choices are described in a practitioner's words ("Clips for the review",
"Session summary for the family"); the work runs off the GUI thread with a
progress bar and Cancel, and a cancel leaves no partial file.
Each combo box item carries its typed value as item data, so what the dialog
asks for never depends on the order of the items. GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from vigtool.exports.naming import file_name, reel_name
from vigtool.exports.request import ExportKind, ExportRequest

Audience = Literal["family", "practitioner"]
Captions = Literal["none", "soft", "burn"]


@dataclass(frozen=True)
class ExportChoice:
    """One thing the dialog can make, as the practitioner reads it in the list."""

    kind: ExportKind
    audience: Audience
    label: str
    suffix: str = ""  # the file's suffix; "" writes files into the chosen folder


CHOICES: tuple[ExportChoice, ...] = (
    ExportChoice("clips", "family", "Clips chosen for the review (MP4 with sound)"),
    ExportChoice("reel", "family", "One highlight film of the chosen clips", ".mp4"),
    ExportChoice("stills", "family", "Stills of the chosen clips, with their words"),
    ExportChoice("summary", "family", "Session summary for the family (PDF)", ".pdf"),
    ExportChoice("summary", "family", "Session summary for the family (web page)", ".html"),
    ExportChoice("summary", "practitioner", "Practitioner's record (PDF)", ".pdf"),
    ExportChoice("csv", "practitioner", "Moments as a spreadsheet (CSV)", ".csv"),
    ExportChoice("json", "practitioner", "Everything as data (JSON)", ".json"),
    ExportChoice("eaf", "practitioner", "ELAN annotation file (.eaf)"),
    ExportChoice("vtt", "practitioner", "Subtitles of the moments (WebVTT)"),
)

CAPTION_CHOICES: tuple[tuple[str, Captions], ...] = (
    ("No words on the clips", "none"),
    ("Words as subtitles", "soft"),
    ("Words written into the picture", "burn"),
)


@dataclass(frozen=True)
class ExportOptions:
    """Everything chosen in the dialog, before it becomes a request for one case."""

    choice: ExportChoice
    cycle: int | None  # None: every cycle of the case
    folder: Path
    captions: Captions = "none"
    pad_ms: int = 0
    fade_ms: int = 0
    title_cards: bool = True

    def output(self, case_code: str) -> Path:
        """Where the export goes: named by case code and cycle, never by a family's name."""
        choice = self.choice
        if choice.kind == "reel":
            return self.folder / reel_name(case_code, self.cycle)
        if not choice.suffix:
            return self.folder
        return self.folder / file_name(case_code, self.cycle, choice.kind, choice.suffix,
                                       audience=choice.audience)

    def request(self, case_id: int, case_code: str) -> ExportRequest:
        return ExportRequest(
            kind=self.choice.kind, case_id=case_id, cycle=self.cycle,
            out=self.output(case_code), captions=self.captions, pad_ms=self.pad_ms,
            fade_ms=self.fade_ms, title_cards=self.title_cards, audience=self.choice.audience,
        )


class ExportDialog(QDialog):
    def __init__(self, default_folder: Path, case_code: str, cycle: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export · {case_code} cycle {cycle}")
        self._case_code = case_code
        form = QFormLayout(self)
        self.what = QComboBox()
        for choice in CHOICES:
            self.what.addItem(choice.label, userData=choice)
        form.addRow("Make", self.what)
        self.scope = QComboBox()
        self.scope.addItem(f"Cycle {cycle}", userData=cycle)
        self.scope.addItem("All cycles", userData=None)
        form.addRow("From", self.scope)
        self.captions = QComboBox()
        for label, captions in CAPTION_CHOICES:
            self.captions.addItem(label, userData=captions)
        form.addRow("Clip words", self.captions)
        self.pad = QSpinBox()
        self.pad.setRange(0, 5000)
        self.pad.setSingleStep(250)
        self.pad.setSuffix(" ms")
        form.addRow("Extra before/after", self.pad)
        self.fade = QSpinBox()
        self.fade.setRange(0, 2000)
        self.fade.setSingleStep(100)
        self.fade.setSuffix(" ms")
        form.addRow("Fade in/out", self.fade)
        self.titles = QCheckBox("Title card before each clip")
        self.titles.setChecked(True)
        form.addRow("", self.titles)
        self.folder = QLineEdit(str(default_folder))
        browse = QPushButton("Choose...")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Into folder", row)
        note = QLabel("File names use the case code, cycle and order, never a family's name.")
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.what.currentIndexChanged.connect(self._update_options)
        self._update_options()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export into", self.folder.text())
        if folder:
            self.folder.setText(folder)

    @property
    def choice(self) -> ExportChoice:
        """What is chosen under "Make"."""
        choice = self.what.currentData()
        assert isinstance(choice, ExportChoice)
        return choice

    def _update_options(self) -> None:
        kind = self.choice.kind
        for widget in (self.captions, self.pad, self.fade):
            widget.setEnabled(kind == "clips")
        self.titles.setEnabled(kind == "reel")

    def options(self) -> ExportOptions:
        """What the dialog shows now, as one value."""
        return ExportOptions(
            choice=self.choice,
            cycle=cast("int | None", self.scope.currentData()),
            folder=Path(self.folder.text()).expanduser(),
            captions=cast(Captions, self.captions.currentData()),
            pad_ms=self.pad.value(),
            fade_ms=self.fade.value(),
            title_cards=self.titles.isChecked(),
        )

    def request(self, case_id: int) -> ExportRequest:
        return self.options().request(case_id, self._case_code)


def reveal(path: Path) -> None:
    """Open the folder holding ``path`` in the system's file browser."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path if path.is_dir() else path.parent)))
