"""Self-Assessment: the trainee looks back at their own shared review of one cycle.

Which principles they used well with the parent, which they want to develop,
a few words for each. It travels in the supervision package and shows in the
practitioner's record. The principles are the codebook's, by name; saving is
one undo step ("Self-Assessment"). GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from vigtool.codebook import Codebook
from vigtool.domain.records import SelfAssessment
from vigtool.errors import VigtoolError
from vigtool.gui.case_marks import day
from vigtool.workspace import Workspace

INTRO = ("Look back at your shared review of this cycle: the principles you used well in "
         "guiding the parent, and those you want to develop. Your supervisor sees this "
         "with your package.")
NOTES = {"used_well": "What went well, e.g. “I waited for her to notice her baby's smile”",
         "to_develop": "What you want to try, e.g. “Ask one open question, then wait”"}


class PrincipleList(QWidget):
    """A heading, one check box per principle and a box for a few words."""

    def __init__(self, heading: str, codebook: Codebook, placeholder: str) -> None:
        super().__init__()
        title = QLabel(heading)
        title.setProperty("role", "section")
        self.boxes: dict[str, QCheckBox] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(title)
        for code in codebook.codes:
            box = QCheckBox(code.label)
            box.setToolTip(code.description)
            self.boxes[code.id] = box
            column.addWidget(box)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(placeholder)
        self.note.setAccessibleName(f"{heading}: a few words")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 4 + 16)
        column.addSpacing(4)
        column.addWidget(self.note)

    def set(self, ids: Sequence[str], note: str) -> None:
        for code_id, box in self.boxes.items():
            box.setChecked(code_id in ids)
        self.note.setPlainText(note)

    def chosen(self) -> list[str]:
        return [code_id for code_id, box in self.boxes.items() if box.isChecked()]


class SelfAssessmentDialog(QDialog):
    """One case's cycles; the page of the chosen cycle, saved with Save (undoable)."""

    def __init__(self, workspace: Workspace, case_id: int, cycle: int, codebook: Codebook,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("selfAssessmentDialog")
        self.setWindowTitle("Self-Assessment")
        self._ws = workspace
        self.case_id = case_id
        case = workspace.caseload.case(case_id)
        heading = QLabel(f"Your shared review with {case.code}")
        heading.setProperty("role", "section")
        intro = QLabel(INTRO)
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        self.cycle = QComboBox()
        cycles = sorted({c.number for c in workspace.caseload.cycles(case_id)} | {cycle})
        for number in cycles:
            self.cycle.addItem(f"Cycle {number}", number)
        self.cycle.setCurrentIndex(self.cycle.findData(cycle))
        self.cycle.currentIndexChanged.connect(lambda _i: self._load())
        self.when = QLabel()
        self.when.setProperty("role", "muted")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Cycle", self.cycle)
        form.addRow("", self.when)
        self.used_well = PrincipleList("Used well", codebook, NOTES["used_well"])
        self.to_develop = PrincipleList("To develop", codebook, NOTES["to_develop"])
        lists = QGridLayout()
        lists.setHorizontalSpacing(24)
        lists.addWidget(self.used_well, 0, 0)
        lists.addWidget(self.to_develop, 0, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setProperty("primary", True)
        self.save_button.setEnabled(not workspace.read_only)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.problem = QLabel()
        self.problem.setProperty("role", "hint")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        column = QVBoxLayout(self)
        column.addWidget(heading)
        column.addWidget(intro)
        column.addLayout(form)
        column.addLayout(lists)
        column.addWidget(self.problem)
        column.addWidget(self.buttons)
        self._load()

    def chosen_cycle(self) -> int:
        return int(self.cycle.currentData())

    def _load(self) -> None:
        found: SelfAssessment | None = self._ws.supervision.self_assessment(
            self.case_id, self.chosen_cycle())
        self.used_well.set(found.used_well if found else (), found.used_well_note if found else "")
        self.to_develop.set(found.to_develop if found else (),
                            found.to_develop_note if found else "")
        self.when.setText(f"Last saved {day(found.updated_at)}" if found else "Not written yet")

    def save(self) -> None:
        try:
            self._ws.supervision.set_self_assessment(
                self.case_id, self.chosen_cycle(), used_well=self.used_well.chosen(),
                used_well_note=self.used_well.note.toPlainText(),
                to_develop=self.to_develop.chosen(),
                to_develop_note=self.to_develop.note.toPlainText())
        except VigtoolError as exc:
            self.problem.setText(str(exc)[:1].upper() + str(exc)[1:])
            self.problem.setVisible(True)
            return
        self.accept()


def open_self_assessment(parent: QWidget, workspace: Workspace, case_id: int, cycle: int,
                         codebook: Codebook) -> SelfAssessmentDialog:
    dialog = SelfAssessmentDialog(workspace, case_id, cycle, codebook, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog
