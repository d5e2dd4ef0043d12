"""Ask which case and cycle a new video belongs to. GUI thread only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

UNFILED = "Unfiled"
VIDEO_FILTER = "Videos (*.mp4 *.m4v *.mov *.avi *.mkv *.webm *.mts *.m2ts *.ts *.3gp *.mpg *.mpeg)"


class ImportDialog(QDialog):
    def __init__(
        self, video: Path, case_codes: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import video")
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{video.name}</b>"))
        self.case = QComboBox(self)
        self.case.setEditable(True)
        self.case.addItems(case_codes or [UNFILED])
        self.case.setToolTip("A pseudonymous case code, never the family's name")
        form.addRow("Case", self.case)
        self.cycle = QSpinBox(self)
        self.cycle.setRange(1, 12)
        form.addRow("Cycle", self.cycle)
        note = QLabel("The video is copied into the workspace, so the original can be "
                      "deleted from the camera.")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def case_code(self) -> str:
        return self.case.currentText().strip() or UNFILED
