"""A one-paragraph field that wraps instead of hiding its words off the edge.

The closing page shows the parent's helping question and the goals in large
letters; a QLineEdit would scroll a long sentence out of sight. This field
wraps, grows to fit its words (up to a limit, then scrolls), and Return
confirms it (``confirmed``) instead of starting a new line; leaving it
confirms too (``editingFinished``). GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QSizePolicy, QWidget

MAX_LINES = 6


class WrappingField(QPlainTextEdit):
    confirmed = Signal()  # Return was pressed
    editingFinished = Signal()  # Return, or the focus left the field

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setPlainText(text)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.textChanged.connect(self._fit)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        if text != self.toPlainText():
            self.setPlainText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirmed.emit()
            self.editingFinished.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        content = 0.0
        block = self.document().firstBlock()
        while block.isValid():
            content += self.blockBoundingRect(block).height()
            block = block.next()
        spacing = self.fontMetrics().lineSpacing()
        content = max(float(spacing), min(content, float(MAX_LINES * spacing)))
        margins = self.contentsMargins()
        frame = 2 * self.document().documentMargin() + margins.top() + margins.bottom()
        height = int(content + frame) + 3
        if height != self.height():
            self.setFixedHeight(height)
