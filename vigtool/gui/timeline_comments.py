"""Supervision on the timeline: the Supervision lane of comments, and package moments.

A comment on one frame is a pin (a small speech bubble over that frame), a
comment on a span is a bar across it; each shows how many replies it has.
The lane is there while the recording has comments, or is one a supervisor
comments on (a clip from a package, a shared-review film); otherwise the
timeline keeps its room for the moments. Moments that came in a supervision
package are read-only: they are drawn hatched, and their tooltip names who
coded them.

``CommentMarks`` only draws what it is given and answers what is under the
pointer; ``TimelineView`` asks it where the lane goes, paints it and reports
a click on a comment through its ``commentClicked`` signal. GUI thread only.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from vigtool.domain.clock import ruler_time
from vigtool.domain.records import Comment, Moment
from vigtool.gui.timeline_geometry import (
    Lane,
    LaneKind,
    LaneSpans,
    Viewport,
    layout_lanes,
    moment_ms,
)
from vigtool.gui.timeline_style import TimelineStyle

LANE_HEIGHT = 26
LANE_LABEL = "Supervision"
PIN_WIDTH = 18.0  # a pin's bubble; a span narrower than this is drawn as a pin
HIT_SLACK = 3.0
INSET = 4
LOCKED_HATCH = QColor(20, 20, 20, 120)

Thread = tuple[Comment, Sequence[Comment]]


@dataclass(frozen=True)
class CommentMark:
    """One comment as the lane shows it."""

    comment_id: int
    start_frame: int
    end_frame: int
    replies: int
    author: str
    text: str

    @property
    def pin(self) -> bool:
        return self.start_frame == self.end_frame


def lane_tip() -> str:
    return (f"<b>{LANE_LABEL}</b><br>Comments on this film: a pin is one frame, a bar a "
            "span; the number is its replies. Click one to read its thread.")


class CommentMarks:
    """The comments the Supervision lane shows, which one is selected, and whether the lane
    is there at all. GUI thread only."""

    def __init__(self) -> None:
        self.marks: tuple[CommentMark, ...] = ()
        self.selected: int | None = None
        self.shown = False

    # -- what is shown ------------------------------------------------------------------------

    def set(self, threads: Iterable[Thread], lane: bool) -> bool:
        """Show these comments (each with its replies); the lane is there when ``lane``
        or when there is any comment. True when the lane came or went."""
        self.marks = tuple(sorted(
            (CommentMark(c.id, c.start_frame, c.end_frame, len(replies), c.author, c.text)
             for c, replies in threads),
            key=lambda m: (m.start_frame, -m.end_frame, m.comment_id)))
        if self.selected not in {m.comment_id for m in self.marks}:
            self.selected = None
        shown, self.shown = self.shown, lane or bool(self.marks)
        return shown != self.shown

    def extra_height(self) -> int:
        return LANE_HEIGHT if self.shown else 0

    def layout(self, height: int, groups: Sequence[tuple[str, str]],
               empty: Collection[str]) -> tuple[Lane, ...]:
        """The timeline's lanes, with the Supervision lane under the film strip when shown
        (it takes its height from the others)."""
        if not self.shown:
            return layout_lanes(height, groups, empty)
        lanes = layout_lanes(max(0, height - LANE_HEIGHT), groups, empty)
        at = next((i + 1 for i, lane in enumerate(lanes) if lane.kind is LaneKind.THUMBNAILS), 1)
        lane = Lane(LaneKind.SUPERVISION, LaneKind.SUPERVISION.value, LANE_LABEL,
                    lanes[at - 1].bottom, LANE_HEIGHT)
        below = tuple(replace(x, top=x.top + LANE_HEIGHT) for x in lanes[at:])
        return (*lanes[:at], lane, *below)

    # -- drawing ------------------------------------------------------------------------------

    def _rect(self, mark: CommentMark, vp: Viewport, lane: Lane, left: int) -> QRectF:
        t0, t1 = moment_ms(vp, mark.start_frame, mark.end_frame)
        x0, x1 = left + vp.ms_to_x(t0), left + vp.ms_to_x(t1)
        top, h = lane.top + INSET - 1, lane.height - 2 * INSET
        if mark.pin or x1 - x0 < PIN_WIDTH:
            centre = (x0 + x1) / 2
            return QRectF(centre - PIN_WIDTH / 2, top, PIN_WIDTH, h - 3)
        return QRectF(x0, top, x1 - x0, h)

    def paint(self, p: QPainter, style: TimelineStyle, lane: Lane, vp: Viewport, left: int,
              right: int) -> None:
        """Bars first, then pins over them; the selected comment last, ringed."""
        order = sorted(self.marks, key=lambda m: (m.comment_id == self.selected, m.pin))
        fill, text = style.bubble, style.bubble_text
        for mark in order:
            rect = self._rect(mark, vp, lane, left)
            if rect.right() < left - PIN_WIDTH or rect.left() > right + PIN_WIDTH:
                continue
            rect = QRectF(max(rect.left(), left - 8.0), rect.top(),
                          min(rect.right(), right + 8.0) - max(rect.left(), left - 8.0),
                          rect.height())
            p.setPen(QPen(fill.color().darker(130), 1.0))
            p.setBrush(fill)
            if mark.pin or rect.width() <= PIN_WIDTH:
                p.drawPath(_bubble(rect))
                words = str(mark.replies) if mark.replies else ""
            else:
                p.drawRoundedRect(rect, 3, 3)
                badge = f"  {mark.replies}" if mark.replies else ""
                words = style.small_metrics.elidedText(
                    f"{mark.author}: {mark.text}".replace("\n", " "),
                    Qt.TextElideMode.ElideRight, max(0.0, rect.width() - 10
                                                     - style.small_metrics.horizontalAdvance(
                                                         badge))) + badge
            if words:
                p.setFont(style.small)
                p.setPen(text)
                align = (Qt.AlignmentFlag.AlignCenter if mark.pin or rect.width() <= PIN_WIDTH
                         else Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
                p.drawText(rect.adjusted(5 if not mark.pin else 0, 0, 0, 0), int(align), words)
            if mark.comment_id == self.selected:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(style.highlight)
                p.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 4, 4)

    # -- what is under the pointer ------------------------------------------------------------

    def at(self, vp: Viewport, lane: Lane, x: float) -> int | None:
        """The comment drawn at track x (the topmost: pins over bars, the selected over
        all), or None."""
        found: list[CommentMark] = []
        for mark in self.marks:
            rect = self._rect(mark, vp, lane, 0)
            if rect.left() - HIT_SLACK <= x <= rect.right() + HIT_SLACK:
                found.append(mark)
        if not found:
            return None
        return max(found, key=lambda m: (m.comment_id == self.selected, m.pin,
                                         -abs(self._rect(m, vp, lane, 0).center().x() - x)))\
            .comment_id

    def tooltip(self, vp: Viewport, lane: Lane, x: float) -> str:
        comment_id = self.at(vp, lane, x)
        mark = next((m for m in self.marks if m.comment_id == comment_id), None)
        if mark is None:
            return ""
        hours = vp.duration_ms >= 3_600_000
        t0, _ = moment_ms(vp, mark.start_frame, mark.end_frame)
        where = (f"frame {mark.start_frame}" if mark.pin
                 else f"frames {mark.start_frame}–{mark.end_frame}")
        replies = {0: "no replies yet", 1: "1 reply"}.get(mark.replies,
                                                          f"{mark.replies} replies")
        text = html.escape(mark.text if len(mark.text) <= 300 else mark.text[:299] + "…")
        return (f"<b>{html.escape(mark.author)}</b> at {ruler_time(t0, hours=hours, fraction=True)}"
                f" ({where})<br>{text}<br><i>{replies}; click to read the thread</i>")


def _bubble(rect: QRectF) -> QPainterPath:
    """A speech bubble whose tail points down at the frame (the rect's centre)."""
    path = QPainterPath()
    body = QRectF(rect.left(), rect.top(), rect.width(), rect.height() - 3)
    path.addRoundedRect(body, 4, 4)
    tail = QPainterPath()
    cx = rect.center().x()
    tail.moveTo(QPointF(cx - 4, body.bottom() - 1))
    tail.lineTo(QPointF(cx, rect.bottom() + 2))
    tail.lineTo(QPointF(cx + 4, body.bottom() - 1))
    tail.closeSubpath()
    return path.united(tail)


# -- moments from a package: hatched, read-only ----------------------------------------------


class LockedMoments:
    """Draws a hatch over moments that came in a supervision package. The locked ids are
    worked out again only when the view is given a new set of moments."""

    def __init__(self) -> None:
        self._source: object = None
        self._ids = np.zeros(0, dtype=np.int64)

    def _locked(self, moments: Mapping[int, Moment]) -> np.ndarray:
        if moments is not self._source:
            self._source = moments
            self._ids = np.array(sorted(m.id for m in moments.values() if m.locked),
                                 dtype=np.int64)
        return self._ids

    def paint(self, p: QPainter, lanes: Sequence[Lane], spans: Mapping[str, LaneSpans],
              moments: Mapping[int, Moment], vp: Viewport, left: int, x_lo: float,
              x_hi: float, inset: int) -> None:
        locked = self._locked(moments)
        if not len(locked):
            return
        brush = QBrush(LOCKED_HATCH, Qt.BrushStyle.BDiagPattern)
        p.setPen(Qt.PenStyle.NoPen)
        for lane in lanes:
            found = spans.get(lane.key)
            if found is None or not lane.holds_moments:
                continue
            index = found.overlapping(vp.x_to_ms(x_lo - left - 1), vp.x_to_ms(x_hi - left + 1))
            index = index[np.isin(found.ids[index], locked)]
            for i in index.tolist():
                x0 = left + vp.ms_to_x(float(found.start_ms[i]))
                x1 = left + vp.ms_to_x(float(found.end_ms[i]))
                x0, x1 = max(x0, x_lo - 2), min(x1, x_hi + 2)
                if x1 > x0:
                    p.fillRect(QRectF(x0 + 1, lane.top + inset + 1, x1 - x0 - 2,
                                      lane.height - 2 * inset - 2), brush)


def locked_note(moment: Moment) -> str:
    """A line for a moment's tooltip saying it came in a package (or nothing)."""
    if not moment.locked:
        return ""
    who = html.escape(moment.coder) if moment.coder else "the trainee"
    return f"<br><i>Coded by {who}; it came in a supervision package, so read-only here</i>"
