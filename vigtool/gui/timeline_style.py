"""Every colour, pen, brush, font and sprite the timeline draws with.

Built once per palette, font and codebook (``TimelineStyle``), because
allocating a QColor or QBrush per moment per paint is what makes peers'
timelines stutter. Turn markers and the review star are drawn once per screen
scale into small sprites, so a paint only blits them. A moment's title is
drawn in black or white, whichever reads better on every stripe of its block,
on a light or dark plate when neither reads well enough alone. A turn marker is
numbered ``actor * 3 + kind`` (indices into ``TURN_ACTORS`` and
``TURN_KINDS``). GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

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
READABLE_CONTRAST = 4.5  # WCAG AA for normal text
_DARK_TEXT = QColor(20, 20, 20)
_LIGHT_TEXT = QColor(255, 255, 255)


def luminance(colour: QColor) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(top: QColor, ground: QColor) -> QColor:
    """``top`` (with its alpha) painted over an opaque ``ground``."""
    return _mix(ground, top, top.alphaF())


def title_look(colours: Sequence[QColor]) -> tuple[QColor, QColor | None]:
    """The title's colour on a block of these stripes, and the plate to put under it
    when no plain colour reads on all of them (e.g. white on yellow)."""
    worst = {text.rgb(): min(contrast(text, c) for c in colours)
             for text in (_DARK_TEXT, _LIGHT_TEXT)}
    text = _DARK_TEXT if worst[_DARK_TEXT.rgb()] >= worst[_LIGHT_TEXT.rgb()] else _LIGHT_TEXT
    if worst[text.rgb()] >= READABLE_CONTRAST:
        return text, None
    plate = QColor(255, 255, 255, 215) if text == _DARK_TEXT else QColor(0, 0, 0, 170)
    return text, plate


class BlockLook(NamedTuple):
    brush: QBrush
    border: QPen
    title: QPen
    plate: QBrush | None  # under the title, when the stripes need one


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
        self.still_edge = QPen(QColor(30, 30, 30), 3.0)
        self.still_line = QPen(QColor(255, 255, 255), 1.0)
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
        self._sig: dict[tuple[str, ...], BlockLook] = {}
        self._sprites: dict[tuple[int, float], QPixmap] = {}

    def still_sprite(self, dpr: float) -> QPixmap:
        """A small framed picture marking a still, drawn once per screen scale."""
        return self._sprite(-2, dpr, _draw_still)

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

    def block(self, signature: tuple[str, ...]) -> BlockLook:
        """Fill, border, title pen and title plate for a block showing these codes.
        Several codes become horizontal stripes through one gradient brush that
        scales to any block."""
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
            text, plate = title_look(colours)
            cached = BlockLook(brush, border, QPen(text), QBrush(plate) if plate else None)
            self._sig[signature] = cached
        return cached


def _draw_still(p: QPainter) -> None:
    """A white photo with a dark frame and a hill, readable on any block colour."""
    frame = QRectF(0.8, 1.8, SPRITE - 1.6, SPRITE - 3.6)
    p.setPen(QPen(QColor(30, 30, 30), 1.1))
    p.setBrush(QColor(255, 255, 255))
    p.drawRoundedRect(frame, 1.2, 1.2)
    hill = QPainterPath(QPointF(2.2, 8.2))
    hill.lineTo(QPointF(4.6, 5.0))
    hill.lineTo(QPointF(6.4, 7.0))
    hill.lineTo(QPointF(7.4, 6.0))
    hill.lineTo(QPointF(8.8, 8.2))
    hill.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(30, 30, 30))
    p.drawPath(hill)
    p.drawEllipse(QPointF(7.6, 4.0), 0.9, 0.9)


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
