"""Every colour, pen, brush, font and sprite the timeline draws with.

Built once per palette, font and codebook (``TimelineStyle``), because
allocating a QColor or QBrush per moment per paint is what makes peers'
timelines stutter. Turn markers and the review star are drawn once per screen
scale into small sprites, so a paint only blits them. A turn marker is
numbered ``actor * 3 + kind`` (indices into ``TURN_ACTORS`` and
``TURN_KINDS``). GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGradient,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)

from vigtool.codebook import Codebook
from vigtool.domain.records import Actor, TurnKind
from vigtool.gui.timeline_geometry import Lane, LaneKind

PLAYHEAD_RED = "#D7263D"
REVIEW_GOLD = "#F2B705"
SPRITE = 11  # px square holding one turn marker or review star
TURN_ACTORS = (Actor.CHILD, Actor.ADULT)
TURN_KINDS = (TurnKind.INITIATIVE, TurnKind.RECEPTION, TurnKind.RESPONSE)
CHILD_COLOUR = "#C8553D"
ADULT_COLOUR = "#2F6690"


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def _star(radius: float) -> QPainterPath:
    path = QPainterPath()
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = np.pi / 2 + i * np.pi / 5
        point = QPointF(r * np.cos(angle), -r * np.sin(angle))
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    path.closeSubpath()
    return path


class TimelineStyle:
    """Every colour, pen, brush and font the timeline draws with. GUI thread only.

    Background and text come from the palette so light and dark themes both
    work; code colours come from the codebook.
    """

    def __init__(self, palette: QPalette, font: QFont, codebook: Codebook | None) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.Text)
        self.track = QBrush(base)
        self.track_alt = QBrush(_mix(base, window, 0.45))
        self.labels = QBrush(window)
        self.ruler = QBrush(_mix(window, base, 0.35))
        self.text = QPen(text)
        self.muted = QPen(_mix(text, base, 0.45))
        self.separator = QPen(_mix(base, text, 0.16), 0)
        self.grid = QPen(_mix(base, text, 0.07), 0)
        self.tick = QPen(_mix(base, text, 0.45), 0)
        self.wave = _mix(base, text, 0.42)
        self.highlight = QPen(palette.color(QPalette.ColorRole.Highlight), 2.0)
        self.highlight.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.playhead = QBrush(QColor(PLAYHEAD_RED))
        self.playhead_band = QBrush(QColor(215, 38, 61, 38))
        self.bubble = QBrush(_mix(text, base, 0.1))
        self.bubble_text = QPen(base)
        self.star = _star(4.8)
        self.star_brush = QBrush(QColor(REVIEW_GOLD))
        self.star_pen = QPen(QColor(REVIEW_GOLD).darker(160), 0.8)
        self.tick_pen = QPen(QColor(0, 0, 0, 110), 1.2)
        self.turn_brush = {Actor.CHILD: QBrush(QColor(CHILD_COLOUR)),
                           Actor.ADULT: QBrush(QColor(ADULT_COLOUR))}
        self.turn_pen = {a: QPen(b.color(), 1.4) for a, b in self.turn_brush.items()}
        self.turn_hole = QBrush(base)
        self.font = QFont(font)
        self.small = QFont(font)
        if font.pointSizeF() > 0:
            self.small.setPointSizeF(max(7.5, font.pointSizeF() * 0.85))
        else:  # a font sized in pixels (e.g. by a style sheet)
            self.small.setPixelSize(max(10, round(font.pixelSize() * 0.85)))
        self.metrics = QFontMetricsF(self.font)
        self.small_metrics = QFontMetricsF(self.small)
        self._colours = {c.id: QColor(c.colour) for c in codebook.codes} if codebook else {}
        self._neutral = _mix(base, text, 0.38)
        self._sig: dict[tuple[str, ...], tuple[QBrush, QPen, QPen]] = {}
        self._sprites: dict[tuple[int, float], QPixmap] = {}

    def star_sprite(self, dpr: float) -> QPixmap:
        """The review star, drawn once per screen scale so many are cheap to blit."""
        return self._sprite(-1, dpr, self._draw_star)

    def turn_sprite(self, kind: int, dpr: float) -> QPixmap:
        """The marker for turn kind ``actor * 3 + kind``, drawn once per screen scale."""
        return self._sprite(kind, dpr, lambda p: _draw_turn_marker(
            p, self, TURN_ACTORS[kind // 3], TURN_KINDS[kind % 3]))

    def _draw_star(self, p: QPainter) -> None:
        p.translate(SPRITE / 2, SPRITE / 2)
        p.setBrush(self.star_brush)
        p.setPen(self.star_pen)
        p.drawPath(self.star)

    def _sprite(self, key: int, dpr: float, draw: Callable[[QPainter], None]) -> QPixmap:
        sprite = self._sprites.get((key, dpr))
        if sprite is None:
            size = round(SPRITE * dpr)
            sprite = QPixmap(size, size)
            sprite.setDevicePixelRatio(dpr)
            sprite.fill(Qt.GlobalColor.transparent)
            p = QPainter(sprite)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            draw(p)
            p.end()
            self._sprites[(key, dpr)] = sprite
        return sprite

    def lane_brush(self, index: int, lane: Lane) -> QBrush:
        """Lanes alternate between two quiet tints so a block's row is easy to follow."""
        if lane.kind is LaneKind.RULER:
            return self.ruler
        return self.track_alt if index % 2 == 0 else self.track

    def colours(self, codes: Sequence[str]) -> list[QColor]:
        return [self._colours.get(c, self._neutral) for c in codes] or [self._neutral]

    def block(self, signature: tuple[str, ...]) -> tuple[QBrush, QPen, QPen]:
        """(fill, border, title text) for a block showing these codes. Several codes
        become horizontal stripes through one gradient brush that scales to any block."""
        cached = self._sig.get(signature)
        if cached is None:
            colours = self.colours(signature)
            if len(colours) == 1:
                brush = QBrush(colours[0])
            else:
                gradient = QLinearGradient(0, 0, 0, 1)
                gradient.setCoordinateMode(QGradient.CoordinateMode.ObjectMode)
                n = len(colours)
                for i, colour in enumerate(colours):
                    gradient.setColorAt(i / n, colour)
                    gradient.setColorAt((i + 1) / n - 1e-4, colour)
                brush = QBrush(gradient)
            border = QPen(colours[0].darker(150), 1.0)
            light = sum(c.lightnessF() for c in colours) / len(colours) > 0.55
            title = QPen(QColor(20, 20, 20) if light else QColor(255, 255, 255))
            cached = (brush, border, title)
            self._sig[signature] = cached
        return cached


def _draw_turn_marker(p: QPainter, style: TimelineStyle, actor: Actor, kind: TurnKind) -> None:
    """Child: circle; adult: square. Initiative filled, reception hollow,
    response hollow with a centre dot."""
    c = SPRITE / 2
    rect = QRectF(c - 4, c - 4, 8, 8)
    p.setBrush(style.turn_brush[actor] if kind is TurnKind.INITIATIVE else style.turn_hole)
    p.setPen(style.turn_pen[actor])
    if actor is Actor.CHILD:
        p.drawEllipse(rect)
    else:
        p.drawRoundedRect(rect.adjusted(0.3, 0.3, -0.3, -0.3), 1.2, 1.2)
    if kind is TurnKind.RESPONSE:
        p.setBrush(style.turn_brush[actor])
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QPointF(c, c), 1.6, 1.6)
