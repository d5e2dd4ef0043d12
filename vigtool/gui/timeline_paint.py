"""Drawing the timeline: the cached background (lanes, labels, ruler, filmstrip,
sound, turns) and the live layer (moment blocks and their stills, selection, drag
preview, playhead).

Split from the widget so each part stays readable; every function here only
draws what it is given, with the pens, brushes and fonts of a ``TimelineStyle``
(``timeline_style``). This module is the widget's one drawing API, so it also
names the style and the turn-marker numbering the widget uses. GUI thread only.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPixmap,
)

from vigtool.gui.timeline_columns import (
    covered_runs,
    sparse_markers,
    thumbnail_slots,
    waveform_columns,
)
from vigtool.gui.timeline_geometry import (
    Lane,
    LaneKind,
    LaneSpans,
    Ruler,
    Viewport,
)
from vigtool.gui.timeline_style import SPRITE, TURN_ACTORS, TURN_KINDS, TimelineStyle

__all__ = [
    "BLOCK_BUDGET",
    "BLOCK_INSET",
    "MIN_BLOCK_PX",
    "TURN_ACTORS",
    "TURN_KINDS",
    "Filmstrip",
    "SoundTrack",
    "TimelineStyle",
    "paint_block",
    "paint_bubble",
    "paint_lanes",
    "paint_moment_lane",
    "paint_playhead",
    "paint_ruler",
    "paint_selection",
    "paint_turn_lane",
    "still_xs",
]

BLOCK_INSET = 4  # px between a block and its lane's top and bottom
MIN_BLOCK_PX = 4.0  # narrower moments are merged per pixel column
BLOCK_BUDGET = 250  # more separate blocks than this in one lane and all are merged


# -- background (cached in a pixmap by the widget) ------------------------------------------


def paint_lanes(
    p: QPainter, style: TimelineStyle, lanes: Sequence[Lane], width: int, left: int,
    lane_codes: Mapping[str, Sequence[str]],
) -> None:
    """Lane backgrounds, separators and the label column."""
    for n, lane in enumerate(lanes):
        p.fillRect(QRectF(left, lane.top, width - left, lane.height), style.lane_brush(n, lane))
    p.fillRect(QRectF(0, 0, left, lanes[-1].bottom), style.labels)
    p.setPen(style.separator)
    for lane in lanes:
        p.drawLine(QLineF(0, lane.bottom - 0.5, width, lane.bottom - 0.5))
    p.drawLine(QLineF(left - 0.5, 0, left - 0.5, lanes[-1].bottom))
    for lane in lanes:
        codes = lane_codes.get(lane.key, ())
        text_left = 10.0
        if codes:
            inset = min(6.0, lane.height / 5)
            chip = (lane.height - 2 * inset) / len(codes)
            for i, colour in enumerate(style.colours(codes)):
                p.fillRect(QRectF(8, lane.top + inset + i * chip, 4, chip), colour)
            text_left = 18.0
        if lane.kind is not LaneKind.RULER:
            _paint_label(p, style, lane, QRectF(text_left, lane.top + 1, left - text_left - 6,
                                                lane.height - 2))


def _paint_label(p: QPainter, style: TimelineStyle, lane: Lane, rect: QRectF) -> None:
    """A lane's name: in the body font for a lane holding moments, else small and quiet;
    a name too long for one line wraps onto two small lines where the lane is tall
    enough, and is shortened with "..." only where it is not."""
    main = lane.holds_moments and not lane.empty
    font, metrics = (style.font, style.metrics) if main else (style.small, style.small_metrics)
    flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
    p.setPen(style.text if main else style.muted)
    if metrics.horizontalAdvance(lane.label) > rect.width():
        if rect.height() >= 2 * metrics.lineSpacing():
            p.setFont(font)
            p.drawText(rect, int(flags | Qt.TextFlag.TextWordWrap), lane.label)
            return
        font, metrics = style.small, style.small_metrics
        if rect.height() >= 2 * metrics.lineSpacing():
            p.setFont(font)
            p.drawText(rect, int(flags | Qt.TextFlag.TextWordWrap), lane.label)
            return
    p.setFont(font)
    label = metrics.elidedText(lane.label, Qt.TextElideMode.ElideRight, rect.width())
    p.drawText(rect, int(flags), label)


def paint_ruler(
    p: QPainter, style: TimelineStyle, ruler: Ruler, lane: Lane, grid_top: int,
    lanes_bottom: int, left: int, width: int, frame_grid: bool,
) -> None:
    """Timecode on the top row, frame numbers under it at frame zoom, and faint
    grid lines from ``grid_top`` down through the lanes so a block's time can be read off."""
    p.save()
    p.setClipRect(QRectF(left, 0, width - left, lanes_bottom))
    bottom = lane.bottom - 0.5
    p.setPen(style.grid)
    lines = [QLineF(left + t.x + 0.5, grid_top, left + t.x + 0.5, lanes_bottom)
             for t in ruler.major]
    if frame_grid:
        lines += [QLineF(left + x + 0.5, grid_top, left + x + 0.5, lanes_bottom)
                  for x in ruler.frame_edges]
    p.drawLines(lines)
    p.setPen(style.tick)
    ticks = [QLineF(left + t.x + 0.5, lane.top + 3, left + t.x + 0.5, bottom) for t in ruler.major]
    ticks += [QLineF(left + x + 0.5, bottom - 5, left + x + 0.5, bottom) for x in ruler.minor]
    ticks += [QLineF(left + x + 0.5, bottom - 3, left + x + 0.5, bottom) for x in ruler.frame_edges]
    p.drawLines(ticks)
    p.setFont(style.small)
    p.setPen(style.text)
    ascent = style.small_metrics.ascent()
    for tick in ruler.major:
        p.drawText(QPointF(left + tick.x + 4, lane.top + 2 + ascent), tick.label)
    p.setPen(style.muted)
    for tick in ruler.frame_labels:
        w = style.small_metrics.horizontalAdvance(tick.label)
        p.drawText(QPointF(left + tick.x - w / 2, bottom - 4), tick.label)
    p.restore()
    p.setFont(style.small)
    p.setPen(style.muted)
    p.drawText(QPointF(10, lane.top + 2 + ascent), "Time")
    if ruler.frame_labels:
        p.drawText(QPointF(10, bottom - 4), "Frame")


class Filmstrip:
    """Thumbnails as they arrive, drawn as fixed slots along the Film lane.

    Images are shrunk once on arrival and scaled to the lane's device size once
    per size, so a repaint only blits. GUI thread only (QPixmap).
    """

    def __init__(self) -> None:
        self.frames: list[int] = []
        self._images: list[QImage] = []
        self._scaled: dict[int, QPixmap] = {}
        self._aspect = 16 / 9

    def add(self, frame: int, image: QImage) -> None:
        if not self._images:
            self._aspect = max(0.5, min(3.0, image.width() / max(1, image.height())))
        small = image.scaledToHeight(min(image.height(), 96),
                                     Qt.TransformationMode.SmoothTransformation)
        i = bisect.bisect_left(self.frames, frame)
        if i < len(self.frames) and self.frames[i] == frame:
            self._images[i] = small
            self._scaled.pop(frame, None)
        else:
            self.frames.insert(i, frame)
            self._images.insert(i, small)

    def slot_px(self, lane: Lane) -> float:
        return float(round((lane.height - 6) * self._aspect) + 2)

    def paint(self, p: QPainter, style: TimelineStyle, lane: Lane, brush: QBrush, vp: Viewport,
              left: int, x_lo: float, x_hi: float, dpr: float) -> None:
        """Fill and draw the slots meeting track x [x_lo, x_hi) (also to patch one in)."""
        slot = self.slot_px(lane)
        start = math.floor((x_lo + vp.scroll_px) / slot) * slot - vp.scroll_px
        area = QRectF(left + start, lane.top, x_hi - start + slot, lane.height - 1)
        p.save()
        p.setClipRect(area.intersected(QRectF(left, lane.top, vp.width, lane.height)))
        p.fillRect(area, brush)
        frames_ms = vp.boundaries_ms[np.asarray(self.frames, dtype=np.int64)]
        height = round((lane.height - 6) * dpr)
        for x, i in thumbnail_slots(frames_ms, vp, slot, x_lo, x_hi):
            pixmap = self._scaled.get(self.frames[i])
            if pixmap is None or pixmap.height() != height:
                pixmap = QPixmap.fromImage(self._images[i].scaled(
                    round(height * self._aspect), height,
                    Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                    Qt.TransformationMode.SmoothTransformation))
                self._scaled[self.frames[i]] = pixmap
            target = QRectF(left + x + 1, lane.top + 3, slot - 2, lane.height - 6)
            p.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
        p.restore()


class SoundTrack:
    """The waveform, reduced to pixel columns once per zoom level (whole film when
    that is under 2**18 columns, else just what is on screen)."""

    def __init__(self, mins: np.ndarray, maxs: np.ndarray, bucket_ms: int) -> None:
        self._mins = np.asarray(mins, dtype=np.float64)
        self._maxs = np.asarray(maxs, dtype=np.float64)
        self._bucket = max(1, int(bucket_ms))
        self._cache: dict[float, tuple[np.ndarray, np.ndarray]] = {}

    def paint(self, p: QPainter, style: TimelineStyle, lane: Lane, vp: Viewport, left: int,
              dpr: float) -> None:
        ms_per_col = vp.ms_per_px / dpr
        width, first = round(vp.width * dpr), round(vp.scroll_px * dpr)
        columns = self._cache.get(ms_per_col)
        total = int(vp.duration_ms / ms_per_col) + 1
        if columns is None and total <= 1 << 18:
            if len(self._cache) > 8:
                self._cache.clear()
            columns = waveform_columns(self._mins, self._maxs, self._bucket, ms_per_col, 0, total)
            self._cache[ms_per_col] = columns
        if columns is not None:
            lo, hi = columns[0][first:first + width], columns[1][first:first + width]
        else:
            lo, hi = waveform_columns(self._mins, self._maxs, self._bucket, ms_per_col, first,
                                      width)
        image = _waveform_image(lo, hi, round((lane.height - 4) * dpr), style.wave)
        image.setDevicePixelRatio(dpr)
        p.drawImage(QRectF(left, lane.top + 2, len(lo) / dpr, lane.height - 4), image)


def _waveform_image(lo: np.ndarray, hi: np.ndarray, height: int, colour: QColor) -> QImage:
    """Rasterise per-column sound levels (-1..1) with numpy, one device pixel per
    column: much faster than a line per column through QPainter."""
    width = len(lo)
    mid = (height - 1) / 2
    top = np.minimum(np.nan_to_num(mid - np.clip(hi, -1, 1) * mid, nan=mid), mid - 0.5)
    bottom = np.maximum(np.nan_to_num(mid - np.clip(lo, -1, 1) * mid, nan=mid), mid + 0.5)
    rows = np.arange(height, dtype=np.float64)[:, None] + 0.5
    inside = (rows >= top[None, :]) & (rows <= bottom[None, :]) & ~np.isnan(lo)[None, :]
    argb = np.zeros((height, width), dtype=np.uint32)
    argb[inside] = colour.rgba()
    return QImage(argb.data, width, height, width * 4, QImage.Format.Format_ARGB32).copy()


def paint_turn_lane(p: QPainter, style: TimelineStyle, lane: Lane, vp: Viewport, left: int,
                    turn_ms: np.ndarray, turn_kind: np.ndarray, dpr: float) -> None:
    """Child markers a little above the middle, adult ones below, so a chain reads as a
    zig-zag; dense stretches keep one marker per actor per 9 px. Each marker is one
    blit of a sprite."""
    t0, t1 = vp.visible_ms(-6, vp.width + 6)
    lo, hi = np.searchsorted(turn_ms, (t0, t1))
    xs = turn_ms[lo:hi] / vp.ms_per_px - vp.scroll_px
    kinds = turn_kind[lo:hi]
    keep = sparse_markers(xs, kinds // 3, 9.0)
    half, mid = SPRITE / 2, lane.top + lane.height / 2
    for x, kind in zip((left + np.round(xs[keep]) + 0.5).tolist(), kinds[keep].tolist(),
                       strict=True):
        y = mid - 3.5 if kind < 3 else mid + 3.5
        p.drawPixmap(QPointF(x - half, y - half), style.turn_sprite(kind, dpr))


# -- live layer --------------------------------------------------------------------------------


def paint_moment_lane(
    p: QPainter, style: TimelineStyle, lane: Lane, spans: LaneSpans,
    signatures: Sequence[tuple[str, ...]], vp: Viewport, left: int, x_lo: float, x_hi: float,
    skip_id: int | None, titles: Mapping[int, str], turn_ms: np.ndarray, still_ms: np.ndarray,
    dpr: float,
) -> None:
    """The moments of one lane between x_lo and x_hi (widget x). Blocks too narrow
    to see, or too many to draw one by one, are merged into pixel-column runs."""
    index = spans.overlapping(vp.x_to_ms(x_lo - left - 1), vp.x_to_ms(x_hi - left + 1))
    if skip_id is not None and len(index):
        index = index[spans.ids[index] != skip_id]
    if not len(index):
        return
    offset = left - vp.scroll_px
    x0 = spans.start_ms[index] / vp.ms_per_px + offset
    x1 = spans.end_ms[index] / vp.ms_per_px + offset
    wide = (x1 - x0) >= MIN_BLOCK_PX
    if np.count_nonzero(wide) > BLOCK_BUDGET:
        wide[:] = False
    top, h = lane.top + BLOCK_INSET, lane.height - 2 * BLOCK_INSET
    narrow = ~wide
    if narrow.any():
        col0 = int(np.floor(x_lo))
        sigs = spans.signature[index]
        for sig in np.unique(sigs[narrow]).tolist():
            pick = narrow & (sigs == sig)
            runs = covered_runs(x0[pick] - col0, x1[pick] - col0, int(np.ceil(x_hi)) - col0)
            brush = style.block(signatures[sig])[0]
            for a, b in runs.tolist():
                p.fillRect(QRectF(col0 + a, top + 1, b - a, h - 2), brush)
        review = narrow & spans.review[index]
        if review.any():  # the moments chosen for review stay findable at any zoom
            centres = (x0[review] + x1[review]) / 2
            star = style.star_sprite(dpr)
            for x in centres[sparse_markers(centres, np.zeros(len(centres), np.int64), 10.0)]:
                p.drawPixmap(QPointF(float(x) - SPRITE / 2, top - 3), star)
    ticks: list[QLineF] = []
    for i, a, b in zip(index[wide].tolist(), x0[wide].tolist(), x1[wide].tolist(), strict=True):
        paint_block(p, style, signatures[int(spans.signature[i])], a, b, top, h,
                    titles.get(int(spans.ids[i]), ""), bool(spans.review[i]),
                    (left, left + vp.width),
                    still_xs(still_ms, int(spans.start_ms[i]), int(spans.end_ms[i]), vp, offset))
        j0, j1 = np.searchsorted(turn_ms, (spans.start_ms[i], spans.end_ms[i]))
        for t in turn_ms[j0:j1].tolist():
            tx = round(t / vp.ms_per_px + offset) + 0.5
            ticks.append(QLineF(tx, top + h - 6, tx, top + h - 1.5))
    if ticks:
        p.setPen(style.tick_pen)
        p.drawLines(ticks)


def still_xs(still_ms: np.ndarray, t0: int, t1: int, vp: Viewport, offset: float) -> list[float]:
    """Widget x of the stills in [t0, t1) ms (one moment's frames), pixel-centred."""
    j0, j1 = np.searchsorted(still_ms, (t0, t1))
    return [round(t / vp.ms_per_px + offset) + 0.5 for t in still_ms[j0:j1].tolist()]


def paint_block(
    p: QPainter, style: TimelineStyle, signature: tuple[str, ...], x0: float, x1: float,
    top: float, h: float, title: str, review: bool, track: tuple[float, float],
    stills: Sequence[float] = (),
) -> None:
    """One moment as a rounded block (striped when it has several of the lane's codes),
    with its title kept in view when the block runs off the left of the track.

    Each still (widget x) is a dark-edged white line down the block, broken around
    the title, with a small picture on the block's top edge (turns are ticks along
    the bottom, so the two never look alike)."""
    brush, border, title_pen, plate = style.block(signature)
    x0, x1 = round(max(x0, track[0] - 8)), round(min(x1, track[1] + 8))  # no huge coordinates
    rect = QRectF(x0 + 0.5, top + 0.5, max(1.0, x1 - x0 - 1.0), h - 1)
    p.setBrush(brush)
    p.setPen(border)
    p.drawRoundedRect(rect, 3, 3)
    text_right = rect.right() - 4
    if review:  # inside the top-right corner, or on top of a narrow block
        star = style.star_sprite(p.device().devicePixelRatioF())
        inside = rect.width() >= 14
        x = rect.right() - SPRITE - 1 if inside else rect.center().x() - SPRITE / 2
        p.drawPixmap(QPointF(x, rect.top() + (1 if inside else -4)), star)
        text_right -= 12
    text_left = max(rect.left(), track[0]) + 5
    label: QRectF | None = None  # where the title's letters are
    if title and text_right - text_left >= 30 and h >= style.small_metrics.height():
        area = QRectF(text_left, rect.top(), text_right - text_left, rect.height())
        text = style.small_metrics.elidedText(title, Qt.TextElideMode.ElideRight, area.width())
        text_h = style.small_metrics.height()
        label = QRectF(area.left() - 3, area.center().y() - text_h / 2 - 1,
                       min(style.small_metrics.horizontalAdvance(text) + 6, area.width() + 3),
                       text_h + 2)
    _paint_still_lines(p, style, stills, top + 4, top + h - 1, label)
    if label is not None:
        if plate is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(plate)
            p.drawRoundedRect(label, 2, 2)
        p.setFont(style.small)
        p.setPen(title_pen)
        p.drawText(area, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text)
    if stills:
        picture = style.still_sprite(p.device().devicePixelRatioF())
        for x in stills:
            p.drawPixmap(QPointF(x - SPRITE / 2, top - 3), picture)


def _paint_still_lines(p: QPainter, style: TimelineStyle, xs: Sequence[float], y0: float,
                       y1: float, gap: QRectF | None) -> None:
    """The stills' lines from y0 to y1, leaving ``gap`` (the title) clear."""
    lines: list[QLineF] = []
    for x in xs:
        if gap is not None and gap.left() <= x <= gap.right():
            lines += [QLineF(x, y0, x, max(y0, gap.top())),
                      QLineF(x, min(y1, gap.bottom()), x, y1)]
        else:
            lines.append(QLineF(x, y0, x, y1))
    for pen in (style.still_edge, style.still_line):
        p.setPen(pen)
        p.drawLines([line for line in lines if line.length() > 0.5])


def paint_selection(p: QPainter, style: TimelineStyle, x0: float, x1: float, lane: Lane) -> None:
    top, h = lane.top + BLOCK_INSET, lane.height - 2 * BLOCK_INSET
    rect = QRectF(round(x0) - 1, top - 1.5, max(3.0, round(x1) - round(x0) + 2), h + 3)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(style.highlight)
    p.drawRoundedRect(rect, 4, 4)


def paint_bubble(p: QPainter, style: TimelineStyle, x: float, lane: Lane, text: str,
                 left: int, width: int) -> None:
    """A small dark label on the ruler, e.g. the frame an edge is being dragged to."""
    w = style.small_metrics.horizontalAdvance(text) + 10
    h = style.small_metrics.height() + 4
    bx = min(max(x - w / 2, left + 1), width - w - 1)
    rect = QRectF(bx, lane.top + (lane.height - h) / 2, w, h)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(style.bubble)
    p.drawRoundedRect(rect, 3, 3)
    p.setFont(style.small)
    p.setPen(style.bubble_text)
    p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)


def paint_playhead(p: QPainter, style: TimelineStyle, x: float, frame_w: float,
                   ruler: Lane, bottom: int) -> None:  # frame_w: this frame's width (VFR)
    """A crisp 1 px red line with a handle on the ruler; at frame zoom the current
    frame is also tinted, so it is clear which frame the line stands for."""
    px = round(x)
    if frame_w >= 4:
        p.fillRect(QRectF(px, ruler.bottom, round(frame_w), bottom - ruler.bottom),
                   style.playhead_band)
    p.fillRect(QRectF(px, ruler.top, 1, bottom - ruler.top), style.playhead)
    handle = QPainterPath()
    cx, y = px + 0.5, ruler.bottom - 12.0
    handle.moveTo(cx - 5.5, y)
    handle.lineTo(cx + 5.5, y)
    handle.lineTo(cx + 5.5, y + 6)
    handle.lineTo(cx, y + 11.5)
    handle.lineTo(cx - 5.5, y + 6)
    handle.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(style.playhead)
    p.drawPath(handle)
