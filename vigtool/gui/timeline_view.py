"""The timeline widget: lanes of tagged moments over a frame-exact ruler.

It only shows what it is given and reports what the user asks for, through
signals; the main window glues it to the Workspace. That keeps one drag of an
edge to one ``momentEdited`` (one undo step) and the widget testable alone.

Painting is layered for speed: lanes, labels, ruler, filmstrip, sound and turn markers are
drawn into a pixmap keyed by (size, zoom, scroll, content version); moments (with their
stills) and the extra lanes (``timeline_lanes``) are drawn live on top, culled to the
repainted columns; the playhead repaints only its old and new columns.
Everything here runs on the GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from vigtool.analysis.records import Suggestion
from vigtool.codebook import Codebook
from vigtool.domain.records import Moment, Still, Turn
from vigtool.domain.timebase import FrameTimes
from vigtool.gui import timeline_paint as paint
from vigtool.gui import timeline_tips as tips
from vigtool.gui.timeline_comments import LockedMoments, Thread
from vigtool.gui.timeline_geometry import (
    LABEL_WIDTH,
    THUMBNAIL_REACH_MS,
    UNTAGGED_KEY,
    Lane,
    LaneKind,
    LaneSpans,
    Viewport,
    build_lane_spans,
    hit_test,
    layout_lanes,
    maximum_height,
    minimum_height,
    moment_ms,
    ruler_ticks,
)
from vigtool.gui.timeline_lanes import ExtraLanes, region_rects

ZOOM_STEP = 2.0
WHEEL_ZOOM_STEP = 1.25  # per wheel notch


@dataclass
class _EdgeDrag:
    moment_id: int
    edge: Literal["start", "end"]
    start: int
    end: int
    grab_offset: float  # pointer x minus edge x at the press, so the edge does not jump
    preview: tuple[int, int]


class TimelineView(QWidget):
    """Lanes (one per codebook group, then Untagged), a Turns lane, a filmstrip and
    the sound, under a ruler; a Supervision lane of comments and a Suggestions lane of
    suggested moments when there are any (or asked for). GUI thread only."""

    seekRequested = Signal(int)  # frame
    momentClicked = Signal(int)  # moment id
    momentEdited = Signal(int, int, int)  # moment id, start frame, end frame (inclusive)
    edgeDragged = Signal(int)  # while an edge is dragged: the frame it would trim to
    zoomChanged = Signal(float)  # frames per pixel
    commentClicked = Signal(int)  # comment id, clicked in the Supervision lane
    suggestionClicked = Signal(object)  # (start_ms, end_ms), clicked in the Suggestions lane

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setAccessibleName("Timeline")
        self._vp = Viewport()
        self._times: FrameTimes | None = None
        self._codebook: Codebook | None = None
        self._group_of_code: dict[str, str] = {}
        self._lane_codes: dict[str, tuple[str, ...]] = {}
        self._moments: dict[int, Moment] = {}
        self._titles: dict[int, str] = {}
        self._spans: dict[str, LaneSpans] = {}
        self._signatures: list[tuple[str, ...]] = []
        self._turns: list[Turn] = []
        self._turn_ms = np.zeros(0, dtype=np.int64)
        self._turn_kind = np.zeros(0, dtype=np.int64)  # actor * 3 + kind
        self._stills: list[Still] = []
        self._still_ms = np.zeros(0, dtype=np.int64)
        self._empty: frozenset[str] = frozenset()
        self._selected: int | None = None
        self._playhead = 0
        self._following = True
        self._filmstrip = paint.Filmstrip()
        self._sound: paint.SoundTrack | None = None
        self._drag: _EdgeDrag | None = None
        self._scrub_frame: int | None = None
        self._bg: QPixmap | None = None
        self._bg_key: tuple[object, ...] = ()
        self._bg_version = 0
        self._style = paint.TimelineStyle(self.palette(), self.font(), None)
        self._lanes: tuple[Lane, ...] = layout_lanes(self.height(), [])
        self._extra = ExtraLanes()
        self.comments, self.suggestions = self._extra.comments, self._extra.suggestions
        self._locked = LockedMoments()  # moments from a package, drawn hatched

    # -- public API ---------------------------------------------------------------------------

    def set_recording(self, times: FrameTimes, fps: float) -> None:
        """Show a recording: whole film in view, no thumbnails or sound until they arrive."""
        self._times = times
        self._vp.set_times(times, fps)
        self._vp.set_width(self._track_width())
        self._filmstrip, self._sound = paint.Filmstrip(), None
        self._playhead = 0
        self._following = True
        self._rebuild_spans()
        self._set_turn_arrays()
        self._set_still_array()
        self._changed_background()
        self.zoomChanged.emit(self._vp.frames_per_px)

    def set_codebook(self, codebook: Codebook) -> None:
        self._codebook = codebook
        self._group_of_code = {c.id: c.group for c in codebook.codes}
        self._lane_codes = {g.id: tuple(c.id for c in codebook.codes if c.group == g.id)
                            for g in codebook.groups}
        self._style = paint.TimelineStyle(self.palette(), self.font(), codebook)
        self._relayout()
        self.updateGeometry()
        self._rebuild_spans()
        self._changed_background()

    def set_moments(self, moments: Sequence[Moment]) -> None:
        self._moments = {m.id: m for m in moments}
        self._titles = {m.id: m.title for m in moments}
        if self._drag is not None and self._drag.moment_id not in self._moments:
            self._drag = None
        self._rebuild_spans()
        self.update()

    def shown_moments(self) -> tuple[Moment, ...]:
        """The moments the view is drawing now, by start (what a person sees)."""
        return tuple(sorted(self._moments.values(), key=lambda m: (m.start_frame, m.id)))

    def set_stills(self, stills: Sequence[Still]) -> None:
        """The recording's stills: each is marked on the moments it lies in."""
        self._stills = sorted(stills, key=lambda s: (s.frame, s.id))
        self._set_still_array()
        self.update()

    def shown_stills(self) -> tuple[int, ...]:
        """The frames of the stills the view is drawing now."""
        return tuple(s.frame for s in self._stills)

    def set_turns(self, turns: Sequence[Turn]) -> None:
        self._turns = sorted(turns, key=lambda t: (t.frame, t.id))
        self._set_turn_arrays()
        self._changed_background()

    def set_comments(self, threads: Sequence[Thread], *, lane: bool = False) -> None:
        """The recording's comments, each with its replies (``lane``: show the lane even
        when there are none)."""
        self._extra_changed(self.comments.set(threads, lane))

    def set_suggestions(self, suggestions: Sequence[Suggestion], *, lane: bool,
                        selected: tuple[int, int] | None = None, status: str = "") -> None:
        """The Suggestions lane (``lane``: even when empty): what it shows and says."""
        self._extra_changed(self.suggestions.set(suggestions, lane, selected, status))

    def set_selected_comment(self, comment_id: int | None) -> None:
        self.comments.selected = comment_id
        self.update()

    def set_selected(self, moment_id: int | None) -> None:
        if moment_id == self._selected:
            return
        old, self._selected = self._selected, moment_id
        for mid in (old, moment_id):
            rect = self._moment_rect(mid)
            if rect is not None:
                self.update(rect)

    def set_playhead(self, frame: int) -> None:
        """Move the playhead, repainting just its old and new columns; while following,
        scroll (a page at a time) to keep it in view."""
        if self._times is None:
            return
        frame = min(max(frame, 0), self._vp.frame_count - 1)
        if frame == self._playhead:
            return
        old_rect = self._playhead_rect()
        self._playhead = frame
        x = self._vp.frame_x(frame)
        if 0 <= x < self._vp.width:
            self._following = True
        elif self._following and self._vp.reveal_x(x):
            self.update()
            return
        for rect in (old_rect, self._playhead_rect()):
            if not rect.isEmpty():
                self.update(rect)

    def set_following(self, following: bool) -> None:
        """Following is switched off by scrolling away by hand and back on by seeking
        in the timeline, by zooming, or here (e.g. when playback starts)."""
        self._following = following
        if following and self._times is not None and self._vp.reveal_x(
            self._vp.frame_x(self._playhead)
        ):
            self.update()

    def add_thumbnail(self, frame: int, image: QImage) -> None:
        """Add one filmstrip image (as a worker delivers it) and repaint just its slots."""
        if self._times is None or image.isNull():
            return
        self._filmstrip.add(frame, image)
        lane = self._lane(LaneKind.THUMBNAILS)
        if lane is None:
            return
        reach = self._filmstrip.slot_px(lane) + THUMBNAIL_REACH_MS / self._vp.ms_per_px
        x = self._vp.frame_x(frame)
        x_lo, x_hi = max(0.0, x - reach), min(float(self._vp.width), x + reach)
        if x_hi < 0 or x_lo > self._vp.width:
            return
        if self._bg is not None and self._bg_key == self._background_key():
            painter = QPainter(self._bg)
            self._filmstrip.paint(painter, self._style, lane, self._lane_brush(lane), self._vp,
                                  LABEL_WIDTH, x_lo, x_hi, self.devicePixelRatioF())
            painter.end()
        else:
            self._bg_key = ()
        self.update(QRect(int(LABEL_WIDTH + x_lo), lane.top, int(x_hi - x_lo) + 2, lane.height))

    def set_waveform(self, mins: np.ndarray, maxs: np.ndarray, bucket_ms: int) -> None:
        """Sound levels per ``bucket_ms`` (-1..1); reduced per pixel column at each zoom."""
        self._sound = paint.SoundTrack(mins, maxs, bucket_ms)
        self._changed_background()

    def frames_per_pixel(self) -> float:
        return self._vp.frames_per_px

    def frame_x(self, frame: int) -> float:
        """Widget x of the left edge of ``frame`` at the current zoom and scroll."""
        return LABEL_WIDTH + self._vp.frame_x(frame)

    def visible_frames(self) -> tuple[int, int]:
        """First and last frame in view (e.g. to fetch thumbnails for what is on screen)."""
        return self._vp.frame_at_x(0), self._vp.frame_at_x(self._vp.width - 1)

    def zoom_in(self) -> None:
        self._zoom(lambda anchor: self._vp.zoom_by(ZOOM_STEP, anchor))

    def zoom_out(self) -> None:
        self._zoom(lambda anchor: self._vp.zoom_by(1 / ZOOM_STEP, anchor))

    def zoom_to_fit(self) -> None:
        self._zoom(lambda anchor: self._vp.fit())

    def zoom_to_frames(self, frames_per_pixel: float) -> None:
        self._zoom(lambda anchor: self._vp.zoom_to_frames(frames_per_pixel, anchor))

    # -- Qt events ------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        """Every lane at its largest, empty moment lanes thin: taller is only bigger blocks."""
        return QSize(1000, maximum_height(self._groups(), self._empty)
                     + self._extra.extra_height())

    def minimumSizeHint(self) -> QSize:
        groups = len(self._codebook.groups) if self._codebook else 0
        return QSize(LABEL_WIDTH + 200, minimum_height(groups) + self._extra.extra_height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        before = self._vp.frames_per_px
        self._relayout()
        self._vp.set_width(self._track_width())
        if self._times is not None and self._vp.frames_per_px != before:
            self.zoomChanged.emit(self._vp.frames_per_px)
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange,
                            QEvent.Type.StyleChange):
            self._style = paint.TimelineStyle(self.palette(), self.font(), self._codebook)
            self._changed_background()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure_background()
        p = QPainter(self)
        if self._bg is not None:
            p.drawPixmap(0, 0, self._bg)  # Qt clips this to the repainted region
        if self._times is None:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        bottom = self._lanes[-1].bottom
        track = QRect(LABEL_WIDTH, 0, self.width() - LABEL_WIDTH, bottom)
        for rect in region_rects(event.region()):
            area = rect.intersected(track)
            if not area.isEmpty():
                p.save()
                p.setClipRect(area)
                self._paint_moments(p, float(area.left()), float(area.right() + 1))
                self._locked.paint(p, self._lanes, self._spans, self._moments, self._vp,
                                   LABEL_WIDTH, area.left(), area.right() + 1, paint.BLOCK_INSET)
                p.restore()
        p.setClipRect(track)
        self._extra.paint(p, self._style, self._lanes, self._vp, LABEL_WIDTH, self.width())
        ruler = self._lanes[0]
        if self._drag is not None:
            s, e = self._drag.preview
            frame = s if self._drag.edge == "start" else e
            x = self._vp.frame_x(s) if self._drag.edge == "start" else self._vp.frame_end_x(e)
            text = f"frame {frame}  ·  {e - s + 1} frames"
            paint.paint_bubble(p, self._style, LABEL_WIDTH + x, ruler, text,
                               LABEL_WIDTH, self.width())
        x = self._vp.frame_x(self._playhead)
        paint.paint_playhead(p, self._style, LABEL_WIDTH + x,
                             self._vp.frame_end_x(self._playhead) - x, ruler, bottom)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._times is None:
            super().mousePressEvent(event)
            return
        x, y = event.position().x() - LABEL_WIDTH, event.position().y()
        if x < 0:
            return
        lane = self._lane_at(y)
        if self._extra.click(self._vp, lane, x, self.commentClicked, self.suggestionClicked):
            return
        if lane is not None and lane.holds_moments:
            hit = hit_test(self._spans.get(lane.key, LaneSpans.empty()), self._vp, x,
                           prefer=self._selected)
            if hit is not None and (hit.part == "body" or self._moments[hit.moment_id].locked):
                self.momentClicked.emit(hit.moment_id)
                return
            if hit is not None:
                m = self._moments[hit.moment_id]
                edge_x = (self._vp.frame_x(m.start_frame) if hit.part == "start"
                          else self._vp.frame_end_x(m.end_frame))
                edge: Literal["start", "end"] = "start" if hit.part == "start" else "end"
                self._drag = _EdgeDrag(hit.moment_id, edge, m.start_frame, m.end_frame,
                                       x - edge_x, (m.start_frame, m.end_frame))
                return
        self._following = True
        self._scrub_frame = None
        self._scrub_to(x)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x() - LABEL_WIDTH
        if self._drag is not None:
            self._drag_to(x)
        elif self._scrub_frame is not None:
            self._scrub_to(x)
        else:
            self._update_cursor(x, event.position().y())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._scrub_frame = None
        drag, self._drag = self._drag, None
        if drag is None:
            return
        self._drag_to_update(drag.preview, (drag.start, drag.end))
        if drag.preview != (drag.start, drag.end):
            self.momentEdited.emit(drag.moment_id, *drag.preview)
        else:
            self.momentClicked.emit(drag.moment_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._drag is not None:
            drag, self._drag = self._drag, None
            self._drag_to_update(drag.preview, (drag.start, drag.end))
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self._times is None:
            return
        angle = event.angleDelta()
        notches = (angle.y() or angle.x()) / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            anchor = event.position().x() - LABEL_WIDTH
            self._zoom(lambda _: self._vp.zoom_by(WHEEL_ZOOM_STEP**notches, anchor))
        else:
            pixels = event.pixelDelta()
            step = (pixels.y() or pixels.x()) if not pixels.isNull() else (
                notches * self._vp.width / 8)
            if self._vp.scroll_to(self._vp.scroll_px - step):
                self._following = False
                self.update()
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self._tooltip(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    # -- painting -------------------------------------------------------------------------------

    def _background_key(self) -> tuple[object, ...]:
        return (self.width(), self.height(), self.devicePixelRatioF(), self._vp.ms_per_px,
                self._vp.scroll_px, self._bg_version)

    def _changed_background(self) -> None:
        self._bg_version += 1
        self.update()

    def _ensure_background(self) -> None:
        key = self._background_key()
        if self._bg is not None and key == self._bg_key:
            return
        dpr = self.devicePixelRatioF()
        self._bg = QPixmap(QSize(round(self.width() * dpr), round(self.height() * dpr)))
        self._bg.setDevicePixelRatio(dpr)
        self._bg.fill(self._style.labels.color())
        self._bg_key = key
        p = QPainter(self._bg)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint.paint_lanes(p, self._style, self._lanes, self.width(), LABEL_WIDTH, self._lane_codes)
        if self._times is None:
            p.end()
            return
        ruler = ruler_ticks(self._vp)
        grid_top = self._lanes[1].bottom
        paint.paint_ruler(p, self._style, ruler, self._lanes[0], grid_top,
                          self._lanes[-1].bottom, LABEL_WIDTH, self.width(),
                          frame_grid=self._vp.frame_px >= 8)
        for lane in self._lanes:
            if lane.kind is LaneKind.THUMBNAILS:
                self._filmstrip.paint(p, self._style, lane, self._lane_brush(lane), self._vp,
                                      LABEL_WIDTH, 0.0, float(self._vp.width), dpr)
            elif lane.kind is LaneKind.AUDIO and self._sound is not None:
                self._sound.paint(p, self._style, lane, self._vp, LABEL_WIDTH, dpr)
            elif lane.kind is LaneKind.TURNS and len(self._turn_ms):
                paint.paint_turn_lane(p, self._style, lane, self._vp, LABEL_WIDTH,
                                      self._turn_ms, self._turn_kind, dpr)
        p.end()

    def _lane_brush(self, lane: Lane) -> QBrush:
        return self._style.lane_brush(self._lanes.index(lane), lane)

    def _paint_moments(self, p: QPainter, x_lo: float, x_hi: float) -> None:
        drag_id = self._drag.moment_id if self._drag is not None else None
        dpr = self.devicePixelRatioF()
        for lane in self._lanes:
            spans = self._spans.get(lane.key)
            if spans is None or not lane.holds_moments:
                continue
            paint.paint_moment_lane(p, self._style, lane, spans, self._signatures, self._vp,
                                    LABEL_WIDTH, x_lo, x_hi, drag_id, self._titles, self._turn_ms,
                                    self._still_ms, dpr)
        focus = drag_id if drag_id is not None else self._selected
        if focus is None or focus not in self._moments:
            return
        m = self._moments[focus]
        s, e = self._drag.preview if self._drag is not None else (m.start_frame, m.end_frame)
        t0, t1 = moment_ms(self._vp, s, e)
        x0, x1 = LABEL_WIDTH + self._vp.ms_to_x(t0), LABEL_WIDTH + self._vp.ms_to_x(t1)
        for lane in self._lanes:
            spans = self._spans.get(lane.key)
            i = spans.index_of(focus) if spans is not None and lane.holds_moments else None
            if spans is None or i is None:
                continue
            top, h = lane.top + paint.BLOCK_INSET, lane.height - 2 * paint.BLOCK_INSET
            paint.paint_block(p, self._style, self._signatures[int(spans.signature[i])],
                              x0, max(x1, x0 + 2), top, h, m.title, m.selected_for_review,
                              (LABEL_WIDTH, self.width()),
                              paint.still_xs(self._still_ms, t0, t1, self._vp,
                                             LABEL_WIDTH - self._vp.scroll_px))
            paint.paint_selection(p, self._style, x0, x1, lane)

    # -- helpers --------------------------------------------------------------------------------

    def _track_width(self) -> int:
        return max(1, self.width() - LABEL_WIDTH)

    def _groups(self) -> list[tuple[str, str]]:
        return [(g.id, g.label) for g in self._codebook.groups] if self._codebook else []

    def _relayout(self) -> None:
        self._lanes = self._extra.layout(self.height(), self._groups(), self._empty)

    def _extra_changed(self, came_or_went: bool) -> None:
        if came_or_went:  # the lane came or went
            self.updateGeometry()
            self._relayout()
        self._changed_background()

    def _fit_lanes(self) -> None:
        """Thin the moment lanes that hold nothing; their height goes to those that do."""
        empty = frozenset(key for key, _ in self._groups()) | {UNTAGGED_KEY}
        empty = empty - {key for key, spans in self._spans.items() if len(spans)}
        if empty != self._empty:
            self._empty = empty
            self.updateGeometry()
            self._relayout()
            self._changed_background()

    def _lane(self, kind: LaneKind) -> Lane | None:
        return next((lane for lane in self._lanes if lane.kind is kind), None)

    def _lane_at(self, y: float) -> Lane | None:
        return next((lane for lane in self._lanes if lane.top <= y < lane.bottom), None)

    def _rebuild_spans(self) -> None:
        if self._times is None:
            self._spans, self._signatures = {}, []
            self._fit_lanes()
            return
        order = [c.id for c in self._codebook.codes] if self._codebook else []
        self._spans, self._signatures = build_lane_spans(
            list(self._moments.values()), self._vp, self._group_of_code, order)
        self._fit_lanes()

    def _set_still_array(self) -> None:
        if self._times is None:
            return
        frames = np.clip([s.frame for s in self._stills], 0, self._vp.frame_count - 1)
        self._still_ms = self._vp.boundaries_ms[frames.astype(np.int64)]

    def _set_turn_arrays(self) -> None:
        if self._times is None:
            return
        frames = np.clip([t.frame for t in self._turns], 0, self._vp.frame_count - 1)
        self._turn_ms = self._vp.boundaries_ms[frames.astype(np.int64)]
        self._turn_kind = np.array(
            [paint.TURN_ACTORS.index(t.actor) * 3 + paint.TURN_KINDS.index(t.kind)
             for t in self._turns],
            dtype=np.int64)

    def _zoom(self, change: Callable[[float | None], bool]) -> None:
        if self._times is None:
            return
        playhead_x = self._vp.frame_x(self._playhead)
        anchor = playhead_x if 0 <= playhead_x < self._vp.width else None
        if change(anchor):
            self._following = True
            self.zoomChanged.emit(self._vp.frames_per_px)
            self.update()

    def _playhead_rect(self) -> QRect:
        if self._times is None:
            return QRect()
        x = LABEL_WIDTH + round(self._vp.frame_x(self._playhead))
        width = self._vp.frame_end_x(self._playhead) - self._vp.frame_x(self._playhead)
        extra = int(np.ceil(width)) if width >= 4 else 0
        rect = QRect(x - 7, 0, 15 + extra, self._lanes[-1].bottom)
        return rect.intersected(QRect(LABEL_WIDTH, 0, self.width() - LABEL_WIDTH, self.height()))

    def _moment_rect(self, moment_id: int | None) -> QRect | None:
        m = self._moments.get(moment_id) if moment_id is not None else None
        if m is None or self._times is None:
            return None
        return self._span_rect(m.start_frame, m.end_frame)

    def _span_rect(self, start: int, end: int, pad: int = 16) -> QRect:
        t0, t1 = moment_ms(self._vp, start, end)
        x0 = int(LABEL_WIDTH + self._vp.ms_to_x(t0)) - pad
        x1 = int(LABEL_WIDTH + self._vp.ms_to_x(t1)) + pad
        return QRect(x0, 0, x1 - x0, self.height())

    def _scrub_to(self, x: float) -> None:
        frame = self._vp.frame_at_x(x)
        if frame != self._scrub_frame:
            self._scrub_frame = frame
            self.seekRequested.emit(frame)

    def _drag_to(self, x: float) -> None:
        assert self._drag is not None
        drag = self._drag
        boundary = self._vp.boundary_at_x(x - drag.grab_offset)
        last = self._vp.frame_count - 1
        if drag.edge == "start":
            preview = (min(max(boundary, 0), drag.end), drag.end)
        else:
            preview = (drag.start, min(max(boundary - 1, drag.start), last))
        if preview != drag.preview:
            old, drag.preview = drag.preview, preview
            self._drag_to_update(old, preview)
            self.edgeDragged.emit(preview[0] if drag.edge == "start" else preview[1])

    def _drag_to_update(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        self.update(self._span_rect(*a, pad=90).united(self._span_rect(*b, pad=90)))

    def _update_cursor(self, x: float, y: float) -> None:
        lane = self._lane_at(y)
        edge = False
        if x >= 0 and lane is not None and lane.holds_moments:
            hit = hit_test(self._spans.get(lane.key, LaneSpans.empty()), self._vp, x,
                           prefer=self._selected)
            edge = hit is not None and hit.part != "body" and \
                not self._moments[hit.moment_id].locked
        if edge:
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.unsetCursor()

    def _tooltip(self, pos: QPoint) -> str:
        lane = self._lane_at(pos.y())
        x = pos.x() - LABEL_WIDTH
        if lane is None or self._times is None:
            return ""
        if x < 0:
            return tips.label_tip(lane, self._lane_codes.get(lane.key, ()), self._codebook)
        if lane.holds_moments:
            hit = hit_test(self._spans.get(lane.key, LaneSpans.empty()), self._vp, x,
                           prefer=self._selected)
            label = tips.code_labeller(self._codebook, self._group_of_code)
            return "" if hit is None else tips.moment_tip(self._moments[hit.moment_id],
                                                          self._vp, self._stills, x, label)
        if lane.kind is LaneKind.TURNS:
            return tips.turn_tip(self._turns, self._turn_ms, self._vp, x)
        return self._extra.tooltip(self._vp, lane, x)

