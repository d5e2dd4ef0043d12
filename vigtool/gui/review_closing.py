"""The end of a shared review: the parent's question, and what to look for next time.

Parent-facing and edited together: the helping question in the parent's own
words, and the goals agreed for the next film. Every change is saved at once.
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigtool.gui.words import _
from vigtool.workspace import Workspace


class ReviewClosing(QWidget):
    backRequested = Signal()

    def __init__(self, workspace: Workspace, case_id: int, cycle: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewClosing")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._ws = workspace
        self._case_id = case_id
        self._cycle = cycle
        heading = QLabel(_("What you wanted to understand"))
        heading.setProperty("role", "heading")
        self.question = QLineEdit()
        self.question.setObjectName("helpingQuestion")
        self.question.setPlaceholderText(_("Your question, in your own words"))
        self.question.editingFinished.connect(self._save_question)
        goals_heading = QLabel(_("What to look for next time"))
        goals_heading.setProperty("role", "heading")
        self.goal_rows = QVBoxLayout()
        self.new_goal = QLineEdit()
        self.new_goal.setObjectName("newGoal")
        self.new_goal.setPlaceholderText(_("Add something to look for…"))
        self.new_goal.returnPressed.connect(self._add_goal)
        back = QPushButton(_("◀  Back to the clips"))
        back.clicked.connect(self.backRequested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 30, 60, 30)
        layout.addWidget(heading)
        layout.addWidget(self.question)
        layout.addWidget(goals_heading)
        layout.addLayout(self.goal_rows)
        layout.addWidget(self.new_goal)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        case = self._ws.caseload.case(self._case_id)
        if not self.question.hasFocus():
            self.question.setText(case.helping_question)
        while self.goal_rows.count():
            item = self.goal_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for goal in self._ws.review.goals(self._case_id, self._cycle):
            edit = QLineEdit(goal.text)
            edit.setProperty("goal_id", goal.id)
            edit.editingFinished.connect(lambda e=edit: self._save_goal(e))
            self.goal_rows.addWidget(edit)

    def goal_texts(self) -> list[str]:
        return [g.text for g in self._ws.review.goals(self._case_id, self._cycle)]

    def _save_question(self) -> None:
        text = self.question.text().strip()
        if text != self._ws.caseload.case(self._case_id).helping_question:
            self._ws.update_case(self._case_id, helping_question=text)

    def _add_goal(self) -> None:
        text = self.new_goal.text().strip()
        if text:
            self._ws.add_goal(self._case_id, cycle=self._cycle, text=text)
            self.new_goal.clear()
            self.refresh()

    def _save_goal(self, edit: QLineEdit) -> None:
        goal_id = int(edit.property("goal_id"))
        text = edit.text().strip()
        if not text:
            self._ws.review.delete_goal(goal_id)
            self.refresh()
        else:
            self._ws.review.update_goal(goal_id, text=text)
