"""A section that folds away to one line, so a panel fits a laptop screen.

Folded, the header still says what is inside ("Serve and return · 4 turns").
A fold opens by itself when there is room (``auto``), until the user opens
or closes it by hand; from then on it stays as they left it. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget


class _ElidedLabel(QLabel):
    """One line that shortens itself with "..." instead of widening the panel."""

    clicked = Signal()

    def __init__(self, role: str) -> None:
        super().__init__()
        self.setProperty("role", role)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.full = ""

    def set_full_text(self, text: str) -> None:
        self.full = text
        self._elide()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(
            self.full, Qt.TextElideMode.ElideRight, max(self.width(), 10)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class Fold(QWidget):
    toggled = Signal(bool)  # the user opened (True) or closed (False) it

    def __init__(self, title: str, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._open = False
        self.auto = True  # False once the user has opened or closed it
        self.body = body
        self.header = QToolButton()
        self.header.setAutoRaise(True)
        self.header.setAccessibleName(title)
        self.header.setToolTip(f"Show or hide: {title}")
        self.header.clicked.connect(self._clicked)
        self.title = QLabel(title)
        self.title.setProperty("role", "section")
        self.summary = _ElidedLabel("muted")
        for text in (self.title, self.summary):
            text.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title.mousePressEvent = lambda event: self._clicked()  # type: ignore[method-assign]
        self.summary.clicked.connect(self._clicked)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.header)
        row.addWidget(self.title)
        row.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(body)
        self.set_open(False)

    @property
    def is_open(self) -> bool:
        return self._open

    def set_open(self, opened: bool) -> None:
        self._open = opened
        self.header.setArrowType(Qt.ArrowType.DownArrow if opened else Qt.ArrowType.RightArrow)
        self.body.setVisible(opened)
        self.summary.setVisible(not opened)

    def set_summary(self, text: str) -> None:
        """A few words shown after the title while folded."""
        words = " ".join(text.split())
        self.summary.set_full_text(f"· {words}" if words else "")
        self.summary.setToolTip(words)

    def _clicked(self) -> None:
        self.auto = False
        self.set_open(not self._open)
        self.toggled.emit(self._open)
