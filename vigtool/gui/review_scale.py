"""The parent's scale on the closing page: one big, touch-friendly button per point.

The question is the measure's own wording for the family ("Thinking about
your question, how confident do you feel now?"), what the two ends mean is
written under them, and the answer chosen is said in words as well as
shown, so nothing depends on colour. Every tap is saved at once as the
parent's rating for this cycle (one undo step each); "Leave it blank" takes
it back, and "You can skip this" says it is theirs to give or not.

Keyboard: Tab to the scale, then a digit (1 then 0 quickly for 10), Left
and Right, Home and End; Delete or Backspace leaves it blank. While the
scale has the focus those keys are its own, not the review's. GUI thread only.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigtool.domain.measures import Measure
from vigtool.errors import VigtoolError
from vigtool.gui.words import _
from vigtool.workspace import Workspace

TWO_DIGITS_S = 1.0  # "1" then "0" within this long is 10
POINT_ROOM = 96  # at most this wide per point (a button and the gap after it)
_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End,
         Qt.Key.Key_Delete, Qt.Key.Key_Backspace, *(getattr(Qt.Key, f"Key_{d}")
                                                      for d in range(10))}

STYLE = """
#scalePicker { border: 2px solid transparent; border-radius: 14px; }
#scalePicker:focus { border: 2px solid #F0A36F; }
QPushButton[scale="point"] {
    min-width: 52px; min-height: 60px; padding: 0px;
    font-size: 24px; font-weight: 600; color: #F5F2EC;
    background-color: #2A2C30; border: 3px solid #4A4D53; border-radius: 14px;
}
QPushButton[scale="point"]:hover { background-color: #35383D; }
QPushButton[scale="point"]:checked {  /* the same border width: choosing never moves a thing */
    color: #FFFFFF; background-color: #C8602F; border-color: #FFE2CC;
}
QLabel#scaleQuestion { font-size: 24px; color: #F5F2EC; padding: 10px 0px 0px 8px; }
QLabel#scaleSkip { font-size: 17px; color: #C9C3B8; padding-left: 8px; }
QLabel[scale="end"] { font-size: 17px; color: #C9C3B8; }
QLabel#scaleAnswer { font-size: 20px; color: #F5F2EC; }
QPushButton#scaleClear {
    min-height: 40px; font-size: 16px; color: #C9C3B8; background-color: transparent;
    border: 1px solid #4A4D53; border-radius: 10px; padding: 2px 14px;
}
"""


class ScalePicker(QFrame):
    """One button per point of ``measure``; ``chosen`` says the new value (None: blank)."""

    chosen = Signal(object)

    def __init__(self, measure: Measure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scalePicker")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_(measure.family_wording))
        self.measure = measure
        self._typed = ""
        self._typed_at = 0.0
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)  # so a tap on the chosen point can leave it blank
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 6, 6, 6)
        row.setSpacing(8)
        self.buttons: dict[int, QPushButton] = {}
        for value in measure.values:
            button = QPushButton(str(value))
            button.setProperty("scale", "point")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row takes the keys
            button.setAccessibleName(str(value))
            self.group.addButton(button, value)
            row.addWidget(button, 1)
            self.buttons[value] = button
        self.group.idClicked.connect(self._clicked)

    def value(self) -> int | None:
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)

    def set_value(self, value: int | None) -> None:
        """Show ``value`` as chosen, without saying so (the workspace already has it)."""
        for v, button in self.buttons.items():
            button.setChecked(v == value)

    def choose(self, value: int | None) -> None:
        if value is not None and value not in self.measure.values:
            return
        if value != self.value():
            self.set_value(value)
            self.chosen.emit(value)

    def _clicked(self, value: int) -> None:
        """A tap on a point chooses it; a tap on the chosen one leaves it blank."""
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        chosen = value if self.buttons[value].isChecked() else None  # already toggled
        self.set_value(chosen)
        self.chosen.emit(chosen)

    def event(self, event: QEvent) -> bool:
        # The review's window shortcuts (Left, Right, End...) would take these keys first.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in _KEYS and not event.modifiers() & ~(
                    Qt.KeyboardModifier.KeypadModifier):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, current = event.key(), self.value()
        low, high = self.measure.min, self.measure.max
        if key == Qt.Key.Key_Left:
            self.choose(low if current is None else max(low, current - 1))
        elif key == Qt.Key.Key_Right:
            self.choose(low if current is None else min(high, current + 1))
        elif key == Qt.Key.Key_Home:
            self.choose(low)
        elif key == Qt.Key.Key_End:
            self.choose(high)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.choose(None)
        elif event.text().isdigit() and len(event.text()) == 1:
            self._digit(event.text())
        else:
            super().keyPressEvent(event)

    def _digit(self, digit: str) -> None:
        now = time.monotonic()
        both = self._typed + digit
        if self._typed and now - self._typed_at <= TWO_DIGITS_S and int(both) in \
                self.measure.values:
            self._typed = ""
            self.choose(int(both))
            return
        self._typed, self._typed_at = digit, now
        self.choose(int(digit))


class ScaleQuestion(QWidget):
    """A measure's question for the parent, its scale and its answer in words; saves
    the parent's rating of ``cycle`` as it is chosen."""

    problem = Signal(str)

    def __init__(self, workspace: Workspace, case_id: int, cycle: int, measure: Measure,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scaleQuestionBlock")
        self.setStyleSheet(STYLE)
        self._ws, self._case_id, self._cycle, self.measure = workspace, case_id, cycle, measure
        self.question = QLabel(_(measure.family_wording))
        self.question.setObjectName("scaleQuestion")
        self.question.setWordWrap(True)
        skip = QLabel(_("You can skip this."))
        skip.setObjectName("scaleSkip")
        self.picker = ScalePicker(measure)
        self.picker.chosen.connect(self._save)
        self.picker.setEnabled(not workspace.read_only)
        ends = QHBoxLayout()
        ends.setContentsMargins(8, 0, 8, 0)
        for text, align in ((f"{measure.min}: {_(measure.min_label)}" if measure.min_label
                             else "", Qt.AlignmentFlag.AlignLeft),
                            (f"{measure.max}: {_(measure.max_label)}" if measure.max_label
                             else "", Qt.AlignmentFlag.AlignRight)):
            label = QLabel(text)
            label.setProperty("scale", "end")
            label.setAlignment(align)
            ends.addWidget(label, 1)
        self.answer = QLabel()
        self.answer.setObjectName("scaleAnswer")
        self.clear = QPushButton(_("Leave it blank"))
        self.clear.setObjectName("scaleClear")
        self.clear.clicked.connect(lambda: self.picker.choose(None))
        answer_row = QHBoxLayout()
        answer_row.setContentsMargins(8, 0, 0, 0)
        answer_row.addWidget(self.answer)
        answer_row.addSpacing(16)
        answer_row.addWidget(self.clear)
        answer_row.addStretch(1)
        # The points and what their ends mean stay together, never wider than the
        # buttons need, so "0: Not yet" sits under the 0 on a wide screen too.
        scale = QWidget()
        scale.setMaximumWidth(POINT_ROOM * len(measure.values))
        scale_layout = QVBoxLayout(scale)
        scale_layout.setContentsMargins(0, 0, 0, 0)
        scale_layout.setSpacing(4)
        scale_layout.addWidget(self.picker)
        scale_layout.addLayout(ends)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.question)
        layout.addWidget(skip)
        layout.addWidget(scale)
        layout.addLayout(answer_row)
        self.refresh()

    def refresh(self) -> None:
        rating = self._ws.measures.rating_at(self._case_id, self._cycle, self.measure.id)
        self.picker.set_value(None if rating is None else rating.value)
        self._say(None if rating is None else rating.value)

    def _say(self, value: int | None) -> None:
        self.answer.setText("" if value is None else _("Your answer today: %(n)d") % {"n": value})
        self.answer.setVisible(value is not None)
        self.clear.setVisible(value is not None and not self._ws.read_only)

    def _save(self, value: int | None) -> None:
        try:
            if value is None:
                found = self._ws.measures.rating_at(self._case_id, self._cycle,
                                                    self.measure.id)
                if found is not None:
                    self._ws.measures.delete_rating(found.id)
            else:
                self._ws.add_rating(self._case_id, cycle=self._cycle, value=value,
                                    measure=self.measure.id, rated_by="parent")
        except VigtoolError as exc:
            self.problem.emit(str(exc))
            self.refresh()
            return
        self._say(value)


def scale_questions(workspace: Workspace, case_id: int, cycle: int) -> list[ScaleQuestion]:
    """A question for each measure asked at the end of every shared review."""
    try:
        measures = workspace.measures.measures()
    except VigtoolError:
        return []  # the kept measures cannot be read: the Scaling dialog says why
    return [ScaleQuestion(workspace, case_id, cycle, m) for m in measures
            if m.asked("each-cycle")]
