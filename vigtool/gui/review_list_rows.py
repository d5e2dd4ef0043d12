"""How one clip of the Review list is drawn: its still, place, title, words and question.

A delegate rather than a widget per row, so dragging rows to reorder them is
Qt's own list behaviour and a redraw after each move costs nothing. The
still's picture comes from ``StillPictures`` (decoded off the GUI thread);
until it arrives the row shows an empty frame. GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from vigtool.gui.still_pictures import StillPictures

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
PICTURE_HEIGHT = 54
_PAD = 8
_GAP = 8
WORD_LINES = 3
QUESTION_LINES = 2


@dataclass(frozen=True)
class ClipRow:
    """What one row shows, read once from the Workspace when the list is rebuilt."""

    moment_id: int
    recording_id: int
    place: int
    title: str
    film: str  # the recording's original name (the review runs across recordings)
    seconds: float | None
    words: str
    question: str
    pause_frame: int
    has_still: bool
    caption: str

    @property
    def about(self) -> str:
        length = f" · {self.seconds:.1f} s" if self.seconds is not None else ""
        return f"{self.film}{length}"

    @property
    def pause(self) -> str:
        if self.has_still:
            return "pauses on its still" + (f": “{self.caption}”" if self.caption else "")
        return "pauses on its last frame"


def wrapped(text: str, metrics: QFontMetrics, width: int, max_lines: int) -> list[str]:
    """``text`` broken into at most ``max_lines`` lines of ``width`` px, the last one
    ending in "..." if the text goes on (so a row has a fixed height)."""
    words = text.split()
    lines: list[str] = []
    line = ""
    for n, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if metrics.horizontalAdvance(candidate) <= width or not line:
            line = candidate
            continue
        lines.append(line)
        if len(lines) == max_lines:
            rest = " ".join([lines.pop(), *words[n:]])
            lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
            return lines
        line = word
    if line:
        lines.append(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width))
    return lines


class ClipRowDelegate(QStyledItemDelegate):
    def __init__(self, pictures: StillPictures | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pictures = pictures

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        bold, italic = QFont(option.font), QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        italic.setItalic(True)
        return option.font, bold, italic

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(200, _PAD + self._body_top(line) + (WORD_LINES + QUESTION_LINES) * line + _PAD)

    @staticmethod
    def _body_top(line: int) -> int:
        """Where the words start, below the title and the picture."""
        return line + 4 + max(PICTURE_HEIGHT, 3 * line) + 6

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, ClipRow):
            return
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_role = (QPalette.ColorRole.HighlightedText if selected
                     else QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if selected:
            muted = palette.color(QPalette.ColorRole.HighlightedText)
        plain, bold, italic = self._fonts(option)
        line = QFontMetrics(plain).lineSpacing()
        box = option.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        painter.save()

        left, flags = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignVCenter
        painter.setPen(palette.color(text_role))
        painter.setFont(bold)
        title = f"{row.place}. {row.title or 'Untitled moment'}"
        painter.drawText(QRect(box.left(), box.top(), box.width(), line), left | flags,
                         QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight,
                                                       box.width()))
        picture = QRect(box.left(), box.top() + line + 4, round(PICTURE_HEIGHT * 16 / 9),
                        PICTURE_HEIGHT)
        self._paint_picture(painter, picture, row, palette)
        side = QRect(picture.right() + _GAP, picture.top(),
                     box.right() - picture.right() - _GAP, PICTURE_HEIGHT)
        painter.setFont(plain)
        painter.setPen(muted)
        metrics = QFontMetrics(plain)
        top = side.top()
        lines = [metrics.elidedText(row.about, Qt.TextElideMode.ElideRight, side.width()),
                 *wrapped(row.pause, metrics, side.width(), 2)]
        for text in lines:
            painter.drawText(QRect(side.left(), top, side.width(), line), left | flags, text)
            top += line

        top = box.top() + self._body_top(line)
        painter.setPen(palette.color(text_role))
        words = row.words or "No words for the parent yet"
        if not row.words:
            painter.setPen(muted)
        for text in wrapped(words, metrics, box.width(), WORD_LINES):
            painter.drawText(QRect(box.left(), top, box.width(), line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            top += line
        top = box.top() + self._body_top(line) + WORD_LINES * line
        painter.setFont(italic)
        painter.setPen(muted)
        for text in wrapped(f"“{row.question}”", QFontMetrics(italic), box.width(),
                            QUESTION_LINES):
            painter.drawText(QRect(box.left(), top, box.width(), line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            top += line
        painter.restore()

    def _paint_picture(self, painter: QPainter, rect: QRect, row: ClipRow,
                       palette: QPalette) -> None:
        image = None
        if self._pictures is not None:
            image = self._pictures.picture(row.recording_id, row.pause_frame, PICTURE_HEIGHT)
        painter.fillRect(rect, palette.color(QPalette.ColorRole.Mid))
        if image is None:
            return
        scaled = image.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, scaled.width(), scaled.height())
        target.moveCenter(rect.center())
        painter.drawImage(target, image)
