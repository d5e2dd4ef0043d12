"""Case > Goals...: the goals agreed with the family, cycle by cycle, and which they reached.

Each goal is a tick box with the goal in the family's words and the day it was
reached; ticking saves at once as one undo step ("Goal Reached", today unless
another day is chosen), unticking is "Goal Not Reached", and Ctrl+Z here takes
back the last tick. The ending (File > Export, "The ending") celebrates the goals
reached. The goals themselves are written on the shared review's closing page.
Follows the workspace through the bridge, so an undo made elsewhere shows here.
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.records import Goal
from vigtool.errors import VigtoolError
from vigtool.gui.bridge import WorkspaceBridge
from vigtool.workspace import Changes, Workspace

INTRO = ("The goals agreed with the family at each shared review. Tick a goal once the family "
         "has reached it: the ending celebrates the goals they reached.")
NO_GOALS = ("No goals yet: they are written with the family on the shared review's closing "
            "page (What to look for next time).")
OUR_EDITS = ("Goal Reached", "Goal Not Reached")


class GoalsDialog(QDialog):
    def __init__(self, workspace: Workspace, case_id: int, bridge: WorkspaceBridge | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goalsDialog")
        self._ws, self.case_id = workspace, case_id
        self.setWindowTitle(f"Goals · {workspace.caseload.case(case_id).code}")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.empty = QLabel(NO_GOALS)
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(1, 1)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.empty)
        column.addLayout(self.grid)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        self.problem = QLabel()
        self.problem.setObjectName("goalsProblem")
        self.problem.setProperty("role", "hint")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.ticks: dict[int, QCheckBox] = {}
        self.days: dict[int, QDateEdit] = {}
        self._bridged = bridge is not None
        if bridge is not None:
            bridge.changed.connect(self._changed)
        self.load()
        self.resize(640, 460)

    def load(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.ticks.clear()
        self.days.clear()
        goals = [g for g in self._ws.review.goals(self.case_id) if g.text.strip()]
        self.empty.setVisible(not goals)
        row, cycle = 0, None
        for goal in sorted(goals, key=lambda g: (g.cycle, g.id)):
            if goal.cycle != cycle:
                cycle = goal.cycle
                heading = QLabel(f"Cycle {cycle}")
                heading.setProperty("role", "section")
                self.grid.addWidget(heading, row, 0, 1, 2, Qt.AlignmentFlag.AlignBottom)
                if row == 0:
                    when = QLabel("Reached on")
                    when.setProperty("role", "muted")
                    self.grid.addWidget(when, row, 2, Qt.AlignmentFlag.AlignBottom)
                row += 1
            self._goal_row(goal, row)
            row += 1

    def _goal_row(self, goal: Goal, row: int) -> None:
        tick = QCheckBox()
        tick.setObjectName(f"goalReached-{goal.id}")
        tick.setAccessibleName(f"Reached: {goal.text}")
        tick.setChecked(goal.reached_on is not None)
        text = QLabel(goal.text)
        text.setWordWrap(True)
        text.setBuddy(tick)
        day = QDateEdit()
        day.setObjectName(f"goalReachedOn-{goal.id}")
        day.setCalendarPopup(True)
        day.setDisplayFormat("d MMM yyyy")
        day.setMaximumDate(QDate.currentDate().addYears(1))
        day.setAccessibleName(f"Reached on: {goal.text}")
        day.setDate(QDate.fromString(goal.reached_on, Qt.DateFormat.ISODate)
                    if goal.reached_on else QDate.currentDate())
        policy = day.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the column keeps its width
        day.setSizePolicy(policy)
        day.setVisible(goal.reached_on is not None)
        day.setEnabled(not self._ws.read_only)
        tick.setEnabled(not self._ws.read_only)
        tick.toggled.connect(lambda on, g=goal.id: self.set_reached(g, on))
        day.dateChanged.connect(lambda _d, g=goal.id: self._day_changed(g))
        self.ticks[goal.id], self.days[goal.id] = tick, day
        self.grid.addWidget(tick, row, 0, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(text, row, 1)
        self.grid.addWidget(day, row, 2, Qt.AlignmentFlag.AlignTop)

    def set_reached(self, goal_id: int, reached: bool) -> None:
        """Save a tick (the day shown, today by default) or an untick; one undo step."""
        day = self.days[goal_id].date().toString(Qt.DateFormat.ISODate) if reached else None
        self._save(goal_id, day)

    def _day_changed(self, goal_id: int) -> None:
        if self.ticks[goal_id].isChecked():
            self.set_reached(goal_id, True)

    def _save(self, goal_id: int, day: str | None) -> None:
        try:
            self._ws.review.set_goal_reached(goal_id, day)
        except VigtoolError as exc:
            self.say(str(exc))
            return
        self.say("")
        self.days[goal_id].setVisible(day is not None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+Z here (a key, not a shortcut, so it never competes with the main window's
        Undo, which is out of reach while this dialog is open) takes back the last tick."""
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_last_tick()
            event.accept()
            return
        super().keyPressEvent(event)

    def undo_last_tick(self) -> None:
        """Ctrl+Z: take back the last tick, if the last edit was one (nothing else)."""
        if self._ws.undo_name in OUR_EDITS:
            self._ws.undo()
            if not self._bridged:  # no bridge to tell us: show it now
                self.refresh()

    def refresh(self) -> None:
        """Show the goals as stored (after an undo or an edit made elsewhere)."""
        goals = [g for g in self._ws.review.goals(self.case_id) if g.text.strip()]
        if {g.id for g in goals} != set(self.ticks):
            self.load()
            return
        for goal in goals:
            tick, day = self.ticks.get(goal.id), self.days.get(goal.id)
            if tick is None or day is None:
                self.load()
                return
            tick.blockSignals(True)
            tick.setChecked(goal.reached_on is not None)
            tick.blockSignals(False)
            day.blockSignals(True)
            if goal.reached_on:
                day.setDate(QDate.fromString(goal.reached_on, Qt.DateFormat.ISODate))
            day.blockSignals(False)
            day.setVisible(goal.reached_on is not None)

    def _changed(self, changes: Changes) -> None:
        if changes.touches("goals"):
            self.refresh()

    def say(self, text: str) -> None:
        self.problem.setText(text[:1].upper() + text[1:])
        self.problem.setVisible(bool(text))


def open_goals_dialog(parent: QWidget, workspace: Workspace, case_id: int,
                      bridge: WorkspaceBridge | None = None) -> GoalsDialog:
    dialog = GoalsDialog(workspace, case_id, bridge, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    return dialog
