"""Words under the picture (the review's question, a still's caption), never over it.

A band of its own below the video: it never hides the baby, and it never cuts
words off. The text wraps; if it needs more than two lines the letters
shrink, down to a floor that stays easy to read from a sofa; past that the
band grows and the picture gives up the room. Its height is kept while it is
empty, so the picture does not jump when a question appears. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

FLOOR_PX = 18  # the smallest letters a question is shown in
LINES = 2  # lines a question fits in before its letters shrink
_PAD = 8
_SIDE = 24  # room at each side, so long words never run to the edge of the screen


def largest_px(height: int) -> int:
    """Letter size for a band on a screen area ``height`` pixels tall (30 px at 720)."""
    return max(FLOOR_PX + 4, min(40, height // 24))


def fit_px(text: str, width: int, largest: int, family: QFont) -> int:
    """The largest letter size, down to FLOOR_PX, at which ``text`` fits LINES lines."""
    for px in range(largest, FLOOR_PX - 1, -1):
        font = _font(family, px)
        if _text_height(text, width, font) <= LINES * QFontMetrics(font).lineSpacing():
            return px
    return FLOOR_PX


def _font(family: QFont, px: int) -> QFont:
    font = QFont(family)
    font.setPixelSize(px)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def _text_height(text: str, width: int, font: QFont) -> int:
    flags = int(Qt.AlignmentFlag.AlignHCenter) | int(Qt.TextFlag.TextWordWrap)
    return QFontMetrics(font).boundingRect(QRect(0, 0, max(1, width), 100_000), flags,
                                           text).height()


class WordsBand(QLabel):
    """Large, wrapped words on the dark ground, sized to fit whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewQuestion")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setContentsMargins(_SIDE, 0, _SIDE, 0)
        self._area_height = 720
        self._fit()

    def set_area_height(self, height: int) -> None:
        """The height of the screen area the band is part of (sets the largest letters)."""
        if height != self._area_height:
            self._area_height = height
            self._fit()

    def set_words(self, text: str) -> None:
        self.setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def _fit(self) -> None:
        largest = largest_px(self._area_height)
        width = self.contentsRect().width()
        px = fit_px(self.text(), width, largest, self.font()) if self.text() else largest
        font = _font(self.font(), px)
        self.setFont(font)
        reserved = LINES * QFontMetrics(_font(self.font(), largest)).lineSpacing()
        needed = _text_height(self.text(), width, font) if self.text() else 0
        margins = self.contentsMargins()
        self.setFixedHeight(max(reserved, needed) + 2 * _PAD + margins.top() + margins.bottom())
