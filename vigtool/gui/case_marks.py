"""A case's consent and retention at a glance: small painted chips, a badge, and their words.

Each consent scope is a round chip with its letter (F filming, R shared
review, S supervision, I intervision, T training, K keep clips): filled when
the family gave consent, crossed through when they did not or withdrew it,
a dashed ring when nobody has asked yet. Shape and letter carry the meaning,
never colour alone, and the chips are painted in the palette's text colours
when drawn, so they follow every theme switch. A case's retention shows as a
worded badge ("Due", "Soon", "Purged") at the right of its row. The words
for tooltips and screen readers come from the same states. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from vigtool.domain.consent import SCOPES, SHORT_LABELS, ScopeState
from vigtool.domain.retention import Retention
from vigtool.gui.theme import PaintedIcon, current_theme, theme_colours

SCOPE_LETTERS: dict[str, str] = {
    "filming": "F",
    "shared-review": "R",
    "supervision": "S",
    "intervision": "I",
    "training": "T",
    "keep-clips": "K",
}
"""One letter per scope, drawn inside its chip (the order of ``SCOPES``)."""

BADGE_WORDS: dict[str, str] = {"due": "Due", "soon": "Soon", "purged": "Purged"}
"""The retention badge's word for each status that has one."""

Status = str  # "given", "not given", "withdrawn" or "not asked"
_Slot = QPersistentModelIndex | QModelIndex


def day(iso: str | None) -> str:
    """An ISO date or time as the day a person reads ("29 Nov 2026")."""
    if not iso:
        return ""
    try:
        when = (datetime.fromisoformat(iso).astimezone() if "T" in iso
                else date.fromisoformat(iso[:10]))
    except ValueError:
        return iso[:10]
    return f"{when.day} {when:%b %Y}"


def state_words(state: ScopeState) -> str:
    """"given on 29 Nov 2026 (recorded by ana)" and the like."""
    if state.status == "not asked":
        return "not asked yet"
    when = f" on {day(state.since)}" if state.since else ""
    who = f" (recorded by {state.recorded_by})" if state.recorded_by else ""
    return f"{state.status}{when}{who}"


def consent_lines(states: Mapping[str, ScopeState]) -> list[str]:
    """One line per scope: "Filming: given on 29 Nov 2026 (recorded by ana)"."""
    return [f"{SHORT_LABELS[s]}: {state_words(states[s])}" for s in SCOPES if s in states]


def consent_sentence(states: Mapping[str, ScopeState]) -> str:
    """The consent in one sentence for a screen reader: given, refused, withdrawn, not asked."""
    groups: dict[str, list[str]] = {}
    for scope in SCOPES:
        if scope in states:
            groups.setdefault(states[scope].status, []).append(SHORT_LABELS[scope].lower())
    parts = [f"{status}: {', '.join(names)}" for status, names in groups.items()]
    return "Consent " + "; ".join(parts) + "." if parts else "No consent recorded."


def retention_words(retention: Retention) -> str:
    """The retention line without the case code, for a tooltip."""
    line = retention.line("")
    return line.split(": ", 1)[1] if ": " in line else line


# -- painting ------------------------------------------------------------------------------


def chip_colours(palette: QPalette, *, selected: bool = False, enabled: bool = True
                 ) -> tuple[QColor, QColor]:
    """(ink, ground) for chips on an ordinary or a selected row."""
    group = QPalette.ColorGroup.Active if enabled else QPalette.ColorGroup.Disabled
    if selected:
        return (palette.color(group, QPalette.ColorRole.HighlightedText),
                palette.color(group, QPalette.ColorRole.Highlight))
    return (palette.color(group, QPalette.ColorRole.Text),
            palette.color(group, QPalette.ColorRole.Base))


def paint_chip(painter: QPainter, box: QRectF, letter: str, status: Status,
               ink: QColor, ground: QColor) -> None:
    """One scope's chip in ``box`` (a square): filled, crossed through, or a dashed ring."""
    side = min(box.width(), box.height())
    circle = QRectF(0, 0, side - 2, side - 2)
    circle.moveCenter(box.center())
    width = max(1.2, side / 12)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(max(7, round(side * 0.52)))
    painter.setFont(font)
    if status == "given":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        painter.drawEllipse(circle)
        painter.setPen(ground)
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, letter)
    else:
        pen = QPen(ink, width)
        if status == "not asked":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(circle)
        if status == "not asked":
            painter.setPen(ink)
            painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, letter)
        else:  # not given or withdrawn: struck through, the letter kept clear of the stroke
            painter.setPen(QPen(ink, width * 1.8, Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap))
            inset = side * 0.13
            painter.drawLine(QPointF(circle.right() - inset, circle.top() + inset),
                             QPointF(circle.left() + inset, circle.bottom() - inset))
            glyph = QPainterPath()
            metrics = QFontMetricsF(font)
            glyph.addText(circle.center().x() - metrics.horizontalAdvance(letter) / 2,
                          circle.center().y() + (metrics.ascent() - metrics.descent()) / 2,
                          font, letter)
            painter.strokePath(glyph, QPen(ground, max(1.5, side / 9), Qt.PenStyle.SolidLine,
                                           Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            painter.fillPath(glyph, ink)
    painter.restore()


def chip_grid(rect: QRectF, count: int, columns: int = 3) -> list[QRectF]:
    """Square boxes for ``count`` chips in rows of ``columns``, centred in ``rect``."""
    rows = max(1, -(-count // columns))
    gap = max(2.0, min(rect.width(), rect.height()) / 10)
    side = min((rect.width() - gap * (columns - 1)) / columns, (rect.height() - gap * (rows - 1))
               / rows)
    left = rect.x() + (rect.width() - (side * columns + gap * (columns - 1))) / 2
    top = rect.y() + (rect.height() - (side * rows + gap * (rows - 1))) / 2
    return [QRectF(left + (i % columns) * (side + gap), top + (i // columns) * (side + gap),
                   side, side) for i in range(count)]


class ConsentChipsIcon(PaintedIcon):
    """The six scopes' chips in two rows of three, as an icon (the browser's case rows)."""

    def __init__(self, statuses: Sequence[Status]) -> None:
        super().__init__()
        self._statuses = tuple(statuses)

    def clone(self) -> QIconEngine:
        return ConsentChipsIcon(self._statuses)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ink, ground = chip_colours(QApplication.palette(), selected=mode == QIcon.Mode.Selected,
                                   enabled=mode != QIcon.Mode.Disabled)
        boxes = chip_grid(QRectF(rect).adjusted(2, 1, -2, -1), len(self._statuses))
        for box, letter, status in zip(boxes, SCOPE_LETTERS.values(), self._statuses,
                                       strict=False):
            paint_chip(painter, box, letter, status, ink, ground)


def consent_icon(states: Mapping[str, ScopeState]) -> QIcon:
    return QIcon(ConsentChipsIcon([states[s].status for s in SCOPES]))


class ChipView(QWidget):
    """One scope's chip as a widget (the consent dialog), repainted in the current palette."""

    def __init__(self, scope: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scope = scope
        self._letter = SCOPE_LETTERS[scope]
        self._status: Status = "not asked"
        side = self.fontMetrics().height() + 8
        self.setFixedSize(side, side)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_status(self, status: Status) -> None:
        self._status = status
        self.setAccessibleName(f"{SHORT_LABELS[self._scope]}: {status}")
        self.update()

    @property
    def status(self) -> Status:
        return self._status

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        painter = QPainter(self)
        ink, ground = chip_colours(self.palette(), enabled=self.isEnabled())
        paint_chip(painter, QRectF(self.rect()), self._letter, self._status, ink, ground)
        painter.end()


class BadgeDelegate(QStyledItemDelegate):
    """Draws an item as usual, with a worded badge at its right when ``role`` holds a status."""

    def __init__(self, role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = role

    def _badge(self, index: _Slot) -> str:
        status = index.data(self._role)
        return BADGE_WORDS.get(str(status), "") if status else ""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Slot) -> QSize:
        size = super().sizeHint(option, index)
        word = self._badge(index)
        if word:
            size.setWidth(size.width() + _badge_width(option, word) + 8)
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Slot) -> None:
        word = self._badge(index)
        if not word:
            super().paint(painter, option, index)
            return
        width = _badge_width(option, word)
        narrow = QStyleOptionViewItem(option)
        narrow.rect = option.rect.adjusted(0, 0, -(width + 10), 0)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:  # the row's highlight runs under the badge too
            painter.fillRect(option.rect, option.palette.color(QPalette.ColorRole.Highlight))
        super().paint(painter, narrow, index)
        pill = QRectF(option.rect.right() - width - 4, 0, width, option.fontMetrics.height() + 4)
        pill.moveTop(option.rect.top() + (option.rect.height() - pill.height()) / 2)
        paint_badge(painter, pill, word, str(index.data(self._role)), option.font)


def _badge_width(option: QStyleOptionViewItem, word: str) -> int:
    return option.fontMetrics.horizontalAdvance(word) + 14


def badge_colours(status: str) -> tuple[QColor, QColor, QColor]:
    """(ground, text, border) of the badge for a retention status, from the current theme."""
    app = QApplication.instance()
    name = current_theme(app) if isinstance(app, QApplication) else None
    c = theme_colours(name or "light")
    if status == "due":
        return QColor(c.warning), QColor(c.warning_text), QColor(c.warning_border)
    if status == "soon":
        return QColor(c.hint), QColor(c.hint_text), QColor(c.hint_border)
    return QColor(c.base), QColor(c.muted), QColor(c.border)


def paint_badge(painter: QPainter, pill: QRectF, word: str, status: str, font: QFont) -> None:
    ground, text, border = badge_colours(status)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(border, 1))
    painter.setBrush(ground)
    radius = pill.height() / 2
    painter.drawRoundedRect(pill.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(text)
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, word)
    painter.restore()
