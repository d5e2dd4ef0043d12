"""The end of a shared review: the parent's question, and what to look for next time.

Parent-facing and edited together: the helping question in the parent's own
words, how confident they feel about it now on a big 0-10 scale they may
skip (``review_scale``: each measure asked every cycle), what they said about
the clips (read back to them, in their words), and the goals agreed for the
next film. Every change is saved when
Return is pressed or the field is left; the fields wrap, so a long question
reads whole. The parent's words about the review as a whole go in the
practitioner's panel beside this page (saved as a reflection on the cycle).
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from vigtool.errors import NotFound
from vigtool.gui.review_fields import WrappingField
from vigtool.gui.review_scale import scale_questions
from vigtool.gui.words import _
from vigtool.workspace import Workspace


class ReviewClosing(QWidget):
    backRequested = Signal()
    finishRequested = Signal()

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
        heading.setWordWrap(True)
        self.question = WrappingField()
        self.question.setObjectName("helpingQuestion")
        self.question.setPlaceholderText(_("Your question, in your own words"))
        self.question.editingFinished.connect(self._save_question)
        self.said_heading = QLabel(_("What you noticed today"))
        self.said_heading.setProperty("role", "heading")
        self.said_heading.setWordWrap(True)
        self.said = QLabel()
        self.said.setObjectName("reviewSaid")
        self.said.setWordWrap(True)
        self.said.setTextFormat(Qt.TextFormat.PlainText)
        goals_heading = QLabel(_("What to look for next time"))
        goals_heading.setProperty("role", "heading")
        goals_heading.setWordWrap(True)
        self.goal_rows = QVBoxLayout()
        self.goal_rows.setContentsMargins(0, 0, 0, 0)
        self.new_goal = WrappingField()
        self.new_goal.setObjectName("newGoal")
        self.new_goal.setPlaceholderText(_("Add something to look for…"))
        self.new_goal.confirmed.connect(self._add_goal)
        back = QPushButton(_("◀  Back to the clips"))
        back.clicked.connect(self.backRequested.emit)
        finish = QPushButton(_("Finish the review"))
        finish.setObjectName("reviewFinish")
        finish.setToolTip("Close the review and go back to the main window (Ctrl+W)")
        finish.clicked.connect(self.finishRequested.emit)

        body = QWidget()
        body.setObjectName("reviewClosingBody")
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 8, 0)
        body_layout.setSpacing(10)
        body_layout.addWidget(heading)
        body_layout.addWidget(self.question)
        self.scales = scale_questions(workspace, case_id, cycle)
        for scale in self.scales:
            body_layout.addWidget(scale)
        body_layout.addWidget(self.said_heading)
        body_layout.addWidget(self.said)
        body_layout.addWidget(goals_heading)
        body_layout.addLayout(self.goal_rows)
        body_layout.addWidget(self.new_goal)
        body_layout.addStretch(1)
        self.body_scroll = QScrollArea()
        self.body_scroll.setObjectName("reviewClosingScroll")
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_scroll.setWidget(body)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(finish)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.body_scroll, 1)
        self._layout.addLayout(row)
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        side = 60 if event.size().width() >= 1100 else 28
        self._layout.setContentsMargins(side, 12, side, 16)

    def refresh(self) -> None:
        case = self._ws.caseload.case(self._case_id)
        if not self.question.hasFocus():
            self.question.setText(case.helping_question)
        said = [f"“{r.text}”" for r in self._ws.review.reflections(self._case_id, self._cycle)
                if r.moment_id is not None]
        for scale in self.scales:
            scale.refresh()
        self.said.setText("\n".join(said))
        self.said_heading.setVisible(bool(said))
        self.said.setVisible(bool(said))
        while self.goal_rows.count():
            item = self.goal_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for goal in self._ws.review.goals(self._case_id, self._cycle):
            edit = WrappingField(goal.text)
            edit.setProperty("goal_id", goal.id)
            edit.editingFinished.connect(lambda e=edit: self._save_goal(e))
            self.goal_rows.addWidget(edit)

    def goal_texts(self) -> list[str]:
        return [g.text for g in self._ws.review.goals(self._case_id, self._cycle)]

    def save_now(self) -> None:
        """Store whatever is typed but not yet confirmed (the window is closing)."""
        self._save_question()
        self._add_goal()

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

    def _save_goal(self, edit: WrappingField) -> None:
        goal_id = int(edit.property("goal_id"))
        text = edit.text().strip()
        try:
            stored = self._ws.review.goal(goal_id).text
        except NotFound:  # undone from the main window: keep the words
            if text:
                self._ws.add_goal(self._case_id, cycle=self._cycle, text=text)
                self.refresh()
            return
        if not text:
            self._ws.review.delete_goal(goal_id)
            self.refresh()
        elif text != stored:
            self._ws.review.update_goal(goal_id, text=text)
