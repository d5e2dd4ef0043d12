"""Export dialog: choose what to make for the family or the record, then it runs in the background.

The choices are described in a practitioner's words ("Clips for the review",
"Session summary for the family"); the work runs off the GUI thread with a
progress bar and Cancel, and a cancel leaves no partial file.
GUI thread only.
"""

from __future__ import annotations

from pathlib import Path

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

from vigtool.exports.naming import reel_name, safe_code
from vigtool.exports.request import ExportKind, ExportRequest

# (kind, audience, label, file suffix or "" for a folder)
CHOICES: tuple[tuple[ExportKind, str, str, str], ...] = (
    ("clips", "family", "Clips chosen for the review (MP4 with sound)", ""),
    ("reel", "family", "One highlight film of the chosen clips", ".mp4"),
    ("stills", "family", "Stills of the chosen clips, with their words", ""),
    ("summary", "family", "Session summary for the family (PDF)", ".pdf"),
    ("summary", "family", "Session summary for the family (web page)", ".html"),
    ("summary", "practitioner", "Practitioner's record (PDF)", ".pdf"),
    ("csv", "practitioner", "Moments as a spreadsheet (CSV)", ".csv"),
    ("json", "practitioner", "Everything as data (JSON)", ".json"),
    ("eaf", "practitioner", "ELAN annotation file (.eaf)", ""),
    ("vtt", "practitioner", "Subtitles of the moments (WebVTT)", ""),
)


class ExportDialog(QDialog):
    def __init__(self, default_folder: Path, case_code: str, cycle: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export · {case_code} cycle {cycle}")
        self._case_code = case_code
        self._cycle = cycle
        form = QFormLayout(self)
        self.what = QComboBox()
        for _, _, label, _ in CHOICES:
            self.what.addItem(label)
        form.addRow("Make", self.what)
        self.scope = QComboBox()
        self.scope.addItems([f"Cycle {cycle}", "All cycles"])
        form.addRow("From", self.scope)
        self.captions = QComboBox()
        self.captions.addItems(["No words on the clips", "Words as subtitles",
                                "Words written into the picture"])
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

    def _update_options(self) -> None:
        kind = CHOICES[self.what.currentIndex()][0]
        for widget in (self.captions, self.pad, self.fade):
            widget.setEnabled(kind == "clips")
        self.titles.setEnabled(kind == "reel")

    def request(self, case_id: int) -> ExportRequest:
        kind, audience, _, suffix = CHOICES[self.what.currentIndex()]
        cycle = self._cycle if self.scope.currentIndex() == 0 else None
        folder = Path(self.folder.text()).expanduser()
        if kind == "reel":
            out = folder / reel_name(self._case_code, cycle)
        elif suffix:
            stem = f"{safe_code(self._case_code)}{f'-c{cycle}' if cycle else ''}"
            label = "record" if audience == "practitioner" and kind == "summary" else kind
            out = folder / f"{stem}-{label}{suffix}"
        else:
            out = folder
        captions = ("none", "soft", "burn")[self.captions.currentIndex()]
        return ExportRequest(
            kind=kind, case_id=case_id, cycle=cycle, out=out,
            captions=captions,  # type: ignore[arg-type]
            pad_ms=self.pad.value(), fade_ms=self.fade.value(),
            title_cards=self.titles.isChecked(),
            audience=audience,  # type: ignore[arg-type]
        )


def reveal(path: Path) -> None:
    """Open the folder holding ``path`` in the system's file browser."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path if path.is_dir() else path.parent)))
