"""The timeline's maths, with no Qt: where a frame is drawn, what the ruler says,
which moments a pixel touches.

Kept free of Qt so every rule here (VFR-safe positions, zoom limits, edge
snapping, hit testing) is tested in microseconds without a display; the
per-pixel-column reductions used when painting live in ``timeline_columns``,
the ruler's time format in ``vigtool.domain.clock``. Positions come from each
frame's millisecond time, never from ``n / fps``: a phone's
variable-frame-rate film puts frame ``n`` where it is really shown. "x" is in
logical pixels from the left edge of the track area (the part of the widget
right of the lane labels).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

from vigtool.domain.clock import ruler_time
from vigtool.domain.records import Moment
from vigtool.domain.timebase import FrameTimes

IntArray = npt.NDArray[np.int64]

FRAME_PX_AT_MAX_ZOOM = 12.0  # the finest zoom shows every frame at least this wide
EDGE_TOLERANCE_PX = 5.0
LABEL_WIDTH = 120  # the fixed lane-label column
THUMBNAIL_REACH_MS = 15_000  # zoomed in, a slot shows the nearest thumbnail this close


class Viewport:
    """Zoom and horizontal scroll of the track area.

    Zoom is held as milliseconds per pixel because x comes from time;
    "frames per pixel" (the widget's API) is derived from the nominal frame
    rate. Scroll is a whole number of pixels into the film so that blocks,
    ticks and cached backgrounds land on the same pixel grid at every scroll.
    """

    def __init__(self) -> None:
        self._bounds: IntArray = np.array([0, 1000], dtype=np.int64)
        self.frame_ms = 1000.0 / 30.0
        self._finest_ms = self.frame_ms
        self.width = 1
        self.ms_per_px = 1000.0
        self.scroll_px = 0
        self.fitted = True

    # -- setup ---------------------------------------------------------------------------

    def set_times(self, times: FrameTimes, fps: float) -> None:
        """Adopt a recording's frame times and show the whole film."""
        self._bounds = np.array((*times.starts_ms, times.end_ms), dtype=np.int64)
        durations = np.diff(self._bounds)
        self.frame_ms = 1000.0 / fps if fps > 0 else float(np.mean(durations))
        # A VFR film's short frames must still reach the minimum width at full zoom.
        self._finest_ms = max(1.0, min(self.frame_ms, float(np.percentile(durations, 5))))
        self.fit()

    def set_width(self, width: int) -> None:
        self.width = max(1, int(width))
        if self.fitted:
            self.fit()
        else:
            self._set_zoom(self.ms_per_px, anchor_x=0.0)

    # -- facts ---------------------------------------------------------------------------

    @property
    def frame_count(self) -> int:
        return len(self._bounds) - 1

    @property
    def duration_ms(self) -> int:
        return int(self._bounds[-1])

    @property
    def boundaries_ms(self) -> IntArray:
        """Frame ``n`` covers ``[boundaries_ms[n], boundaries_ms[n + 1])``."""
        return self._bounds

    @property
    def min_ms_per_px(self) -> float:
        return self._finest_ms / FRAME_PX_AT_MAX_ZOOM

    @property
    def max_ms_per_px(self) -> float:
        return max(self.duration_ms / self.width, self.min_ms_per_px)

    @property
    def frames_per_px(self) -> float:
        return self.ms_per_px / self.frame_ms

    @property
    def min_frames_per_px(self) -> float:
        return self.min_ms_per_px / self.frame_ms

    @property
    def max_frames_per_px(self) -> float:
        return self.max_ms_per_px / self.frame_ms

    @property
    def frame_px(self) -> float:
        """Width of a nominal frame at this zoom."""
        return self.frame_ms / self.ms_per_px

    @property
    def content_px(self) -> int:
        return math.ceil(self.duration_ms / self.ms_per_px)

    @property
    def max_scroll_px(self) -> int:
        return max(0, self.content_px - self.width)

    # -- zoom and scroll (each returns whether anything changed) -------------------------

    def fit(self) -> bool:
        changed = self._set_zoom(self.max_ms_per_px, anchor_x=0.0)
        self.fitted = True
        return changed

    def zoom_to_frames(self, frames_per_px: float, anchor_x: float | None = None) -> bool:
        return self._set_zoom(frames_per_px * self.frame_ms, anchor_x)

    def zoom_by(self, factor: float, anchor_x: float | None = None) -> bool:
        """factor > 1 zooms in; the time under ``anchor_x`` (default: the centre) stays put."""
        return self._set_zoom(self.ms_per_px / factor, anchor_x)

    def _set_zoom(self, ms_per_px: float, anchor_x: float | None) -> bool:
        anchor = self.width / 2 if anchor_x is None else anchor_x
        anchor_ms = self.x_to_ms(anchor)
        before = (self.ms_per_px, self.scroll_px)
        self.ms_per_px = min(max(ms_per_px, self.min_ms_per_px), self.max_ms_per_px)
        self.fitted = self.ms_per_px >= self.max_ms_per_px
        self.scroll_px = self._clamp_scroll(round(anchor_ms / self.ms_per_px - anchor))
        return before != (self.ms_per_px, self.scroll_px)

    def scroll_to(self, px: float) -> bool:
        before = self.scroll_px
        self.scroll_px = self._clamp_scroll(round(px))
        return before != self.scroll_px

    def _clamp_scroll(self, px: int) -> int:
        return min(max(0, px), self.max_scroll_px)

    def reveal_x(self, x: float, margin: float = 0.0) -> bool:
        """Scroll so x is on screen: a small overrun pages on (x lands near the left, as
        when following playback); a jump centres it."""
        if margin <= x < self.width - margin:
            return False
        if self.width - margin <= x < 2 * self.width:
            return self.scroll_to(self.scroll_px + x - self.width * 0.1)
        return self.scroll_to(self.scroll_px + x - self.width / 2)

    # -- mapping ---------------------------------------------------------------------------

    def ms_to_x(self, ms: float) -> float:
        return ms / self.ms_per_px - self.scroll_px

    def x_to_ms(self, x: float) -> float:
        return (x + self.scroll_px) * self.ms_per_px

    def frame_x(self, frame: int) -> float:
        """Left edge of a frame (clamped to the film)."""
        return self.ms_to_x(float(self._bounds[self._clamp_boundary(frame)]))

    def frame_end_x(self, frame: int) -> float:
        return self.ms_to_x(float(self._bounds[self._clamp_boundary(frame + 1)]))

    def frame_at_x(self, x: float) -> int:
        """The frame shown at x (times outside the film clamp to the first/last frame)."""
        index = int(np.searchsorted(self._bounds, self.x_to_ms(x), side="right")) - 1
        return min(max(index, 0), self.frame_count - 1)

    def boundary_at_x(self, x: float) -> int:
        """The frame boundary nearest x: 0 is the film's start, ``frame_count`` its end.
        Dragged edges snap to these, so a moment always spans whole frames."""
        ms = self.x_to_ms(x)
        right = int(np.searchsorted(self._bounds, ms, side="left"))
        if right <= 0:
            return 0
        if right > self.frame_count:
            return self.frame_count
        left = right - 1
        return left if ms - self._bounds[left] <= self._bounds[right] - ms else right

    def visible_ms(self, x0: float = 0.0, x1: float | None = None) -> tuple[float, float]:
        return self.x_to_ms(x0), self.x_to_ms(self.width if x1 is None else x1)

    def _clamp_boundary(self, index: int) -> int:
        return min(max(index, 0), self.frame_count)


# -- ruler -----------------------------------------------------------------------------------

# (major step, minor step) in ms; a major step is chosen so labels do not collide.
_STEPS: tuple[tuple[int, int], ...] = (
    (100, 20), (200, 50), (500, 100), (1000, 200), (2000, 500), (5000, 1000),
    (10_000, 2000), (15_000, 5000), (30_000, 5000), (60_000, 10_000), (120_000, 30_000),
    (300_000, 60_000), (600_000, 120_000), (900_000, 300_000), (1_800_000, 300_000),
    (3_600_000, 900_000), (7_200_000, 1_800_000), (14_400_000, 3_600_000),
)
_FRAME_LABEL_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500)
MIN_FRAME_TICK_PX = 3.0  # frame boundaries are ticked once frames are this wide


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Ruler:
    major: tuple[Tick, ...]
    minor: tuple[float, ...]
    frame_edges: tuple[float, ...]  # frame boundaries (only when frames are wide enough)
    frame_labels: tuple[Tick, ...]  # frame numbers, centred on their frame


def ruler_ticks(vp: Viewport, label_px: float = 84.0, minor_px: float = 6.0) -> Ruler:
    """Ticks for the visible span: the smallest step whose labels are ``label_px`` apart."""
    major, minor = next(
        ((a, b) for a, b in _STEPS if a / vp.ms_per_px >= label_px), _STEPS[-1]
    )
    t0, t1 = vp.visible_ms(-label_px, vp.width + label_px)
    hours = vp.duration_ms >= 3_600_000
    fraction = major < 1000
    first = max(0, math.floor(t0 / major))
    last = min(math.floor(t1 / major), vp.duration_ms // major)
    majors = tuple(
        Tick(vp.ms_to_x(k * major), ruler_time(k * major, hours=hours, fraction=fraction))
        for k in range(first, last + 1)
    )
    minors: tuple[float, ...] = ()
    if minor / vp.ms_per_px >= minor_px:
        minors = tuple(
            vp.ms_to_x(k * minor)
            for k in range(max(0, math.floor(t0 / minor)), math.floor(t1 / minor) + 1)
            if k * minor % major and k * minor <= vp.duration_ms
        )
    edges: tuple[float, ...] = ()
    labels: tuple[Tick, ...] = ()
    if vp.frame_px >= MIN_FRAME_TICK_PX:
        bounds = vp.boundaries_ms
        lo = max(0, int(np.searchsorted(bounds, t0, side="right")) - 1)
        hi = min(len(bounds), int(np.searchsorted(bounds, t1, side="right")) + 1)
        xs = bounds[lo:hi] / vp.ms_per_px - vp.scroll_px
        edges = tuple(xs.tolist())
        every = next((k for k in _FRAME_LABEL_STEPS if k * vp.frame_px >= 34), 1000)
        labels = tuple(
            Tick((xs[i] + xs[i + 1]) / 2, str(lo + i))
            for i in range(len(xs) - 1)
            if (lo + i) % every == 0
        )
    return Ruler(majors, minors, edges, labels)


# -- lanes -----------------------------------------------------------------------------------


class LaneKind(StrEnum):
    RULER = "ruler"
    THUMBNAILS = "thumbnails"
    GROUP = "group"
    UNTAGGED = "untagged"
    TURNS = "turns"
    AUDIO = "audio"
    SUPERVISION = "supervision"  # comments; placed by ``timeline_comments`` when shown
    SUGGESTIONS = "suggestions"  # suggested moments; placed by ``suggestions_lane`` when shown


UNTAGGED_KEY = "\x00untagged"  # cannot clash with a codebook group id (those are slugs)

# kind: (minimum, maximum) height; lanes grow evenly between the two with the widget.
# A moment lane with nothing in it is a thin EMPTY lane, so a laptop screen is not
# spent on blank rows.
_HEIGHTS: Mapping[LaneKind | Literal["empty"], tuple[int, int]] = {
    LaneKind.RULER: (28, 28),
    LaneKind.THUMBNAILS: (24, 34),
    LaneKind.GROUP: (20, 34),
    LaneKind.UNTAGGED: (18, 24),
    "empty": (14, 18),
    LaneKind.TURNS: (22, 22),
    LaneKind.AUDIO: (18, 26),
}


@dataclass(frozen=True)
class Lane:
    kind: LaneKind
    key: str  # group id, UNTAGGED_KEY, or the kind's name
    label: str
    top: int
    height: int
    empty: bool = False  # a moment lane with nothing in it (drawn thin and quiet)

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def holds_moments(self) -> bool:
        return self.kind in (LaneKind.GROUP, LaneKind.UNTAGGED)


def _plan(groups: Sequence[tuple[str, str]]) -> list[tuple[LaneKind, str, str]]:
    return [
        (LaneKind.RULER, LaneKind.RULER, ""),
        (LaneKind.THUMBNAILS, LaneKind.THUMBNAILS, "Film"),
        *((LaneKind.GROUP, gid, label) for gid, label in groups),
        (LaneKind.UNTAGGED, UNTAGGED_KEY, "Untagged"),
        (LaneKind.TURNS, LaneKind.TURNS, "Turns"),
        (LaneKind.AUDIO, LaneKind.AUDIO, "Sound"),
    ]


def _range(kind: LaneKind, key: str, empty: Collection[str]) -> tuple[int, int]:
    moments = kind in (LaneKind.GROUP, LaneKind.UNTAGGED)
    return _HEIGHTS["empty" if moments and key in empty else kind]


def layout_lanes(
    height: int, groups: Sequence[tuple[str, str]], empty: Collection[str] = ()
) -> tuple[Lane, ...]:
    """Lanes top to bottom: ruler, thumbnails, one per (group id, label), Untagged,
    Turns, Audio. Moment lanes whose key is in ``empty`` are thin. Extra height is
    shared evenly up to each lane's maximum; beyond that it goes to the moment lanes
    that hold moments."""
    plan = _plan(groups)
    ranges = [_range(kind, key, empty) for kind, key, _ in plan]
    low = sum(lo for lo, _ in ranges)
    room = sum(hi - lo for lo, hi in ranges)
    share = min(1.0, max(0.0, (height - low) / room)) if room else 0.0
    heights = [lo + int((hi - lo) * share) for lo, hi in ranges]
    holding = [i for i, (kind, key, _) in enumerate(plan)
               if kind in (LaneKind.GROUP, LaneKind.UNTAGGED)]
    growing = [i for i in holding if plan[i][1] not in empty] or holding
    spare = max(0, height - sum(heights))
    for n, i in enumerate(growing):
        heights[i] += spare // len(growing) + (1 if n < spare % len(growing) else 0)
    lanes: list[Lane] = []
    top = 0
    for (kind, key, label), h in zip(plan, heights, strict=True):
        lanes.append(Lane(kind, key, label, top, h,
                          kind in (LaneKind.GROUP, LaneKind.UNTAGGED) and key in empty))
        top += h
    return tuple(lanes)


def minimum_height(group_count: int) -> int:
    """The height every lane needs at its smallest, whatever it holds."""
    plan = _plan([(str(n), "") for n in range(group_count)])
    return sum(_range(kind, key, ())[0] for kind, key, _ in plan)


def maximum_height(groups: Sequence[tuple[str, str]], empty: Collection[str] = ()) -> int:
    """The height at which every lane is at its largest (the timeline's size hint)."""
    return sum(_range(kind, key, empty)[1] for kind, key, _ in _plan(groups))


# -- moments per lane ------------------------------------------------------------------------


@dataclass(frozen=True)
class LaneSpans:
    """The moments in one lane, sorted by start, as parallel arrays.

    ``reach_ms`` is the running maximum of ``end_ms``; it is sorted too, so the
    spans overlapping any time range are found with two binary searches even
    when moments overlap or one is very long.
    """

    ids: IntArray
    start_ms: IntArray
    end_ms: IntArray
    reach_ms: IntArray
    signature: IntArray  # index into the signature table: the lane's codes of this moment
    review: npt.NDArray[np.bool_]

    @classmethod
    def empty(cls) -> LaneSpans:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z, np.zeros(0, dtype=np.bool_))

    def __len__(self) -> int:
        return len(self.ids)

    def overlapping(self, t0: float, t1: float) -> IntArray:
        """Indices (in start order) of spans meeting the time range [t0, t1]."""
        lo = int(np.searchsorted(self.reach_ms, t0, side="left"))
        hi = int(np.searchsorted(self.start_ms, t1, side="right"))
        if hi <= lo:
            return np.zeros(0, dtype=np.int64)
        index = np.arange(lo, hi, dtype=np.int64)
        return index[self.end_ms[lo:hi] >= t0]

    def index_of(self, moment_id: int) -> int | None:
        hits = np.flatnonzero(self.ids == moment_id)
        return int(hits[0]) if len(hits) else None


def moment_ms(vp: Viewport, start_frame: int, end_frame: int) -> tuple[int, int]:
    """[start, end) ms of frames start..end inclusive, clamped to the film."""
    b = vp.boundaries_ms
    last = vp.frame_count - 1
    s = min(max(start_frame, 0), last)
    e = min(max(end_frame, s), last)
    return int(b[s]), int(b[e + 1])


def build_lane_spans(
    moments: Sequence[Moment],
    vp: Viewport,
    group_of_code: Mapping[str, str],
    code_order: Sequence[str],
) -> tuple[dict[str, LaneSpans], list[tuple[str, ...]]]:
    """Sort moments into lanes: a moment sits in every group lane where it has a code,
    and in Untagged when none of its codes is in the codebook. Returns the lanes
    and the table of code signatures (the codes, in codebook order, it shows in a lane)."""
    rank = {code: i for i, code in enumerate(code_order)}
    signatures: list[tuple[str, ...]] = []
    sig_index: dict[tuple[str, ...], int] = {}
    rows: dict[str, list[tuple[int, int, int, int, bool]]] = {}
    for m in moments:
        start, end = moment_ms(vp, m.start_frame, m.end_frame)
        per_lane: dict[str, list[str]] = {}
        for code in sorted({c for c in m.codes if c in group_of_code}, key=rank.__getitem__):
            per_lane.setdefault(group_of_code[code], []).append(code)
        if not per_lane:
            per_lane[UNTAGGED_KEY] = []
        for lane, codes in per_lane.items():
            sig = tuple(codes)
            if sig not in sig_index:
                sig_index[sig] = len(signatures)
                signatures.append(sig)
            rows.setdefault(lane, []).append(
                (start, end, m.id, sig_index[sig], m.selected_for_review)
            )
    lanes: dict[str, LaneSpans] = {}
    for lane, items in rows.items():
        items.sort(key=lambda r: (r[0], r[1], r[2]))
        table = np.array([r[:4] for r in items], dtype=np.int64)
        ends = table[:, 1].copy()
        lanes[lane] = LaneSpans(
            ids=table[:, 2].copy(),
            start_ms=table[:, 0].copy(),
            end_ms=ends,
            reach_ms=np.maximum.accumulate(ends),
            signature=table[:, 3].copy(),
            review=np.array([r[4] for r in items], dtype=np.bool_),
        )
    return lanes, signatures


# -- hit testing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    moment_id: int
    part: Literal["start", "end", "body"]


def hit_test(
    spans: LaneSpans,
    vp: Viewport,
    x: float,
    tolerance: float = EDGE_TOLERANCE_PX,
    prefer: int | None = None,
) -> Hit | None:
    """What a press at x grabs: the nearest edge within ``tolerance`` px (inside a
    block only up to a third of its width, so a narrow block keeps a body to click),
    else the topmost block under x. Ties go to ``prefer`` (the selected moment)."""
    index = spans.overlapping(vp.x_to_ms(x - tolerance), vp.x_to_ms(x + tolerance))
    best: tuple[float, int, Hit] | None = None
    body: Hit | None = None
    for i in index.tolist():
        mid = int(spans.ids[i])
        x0 = vp.ms_to_x(float(spans.start_ms[i]))
        x1 = vp.ms_to_x(float(spans.end_ms[i]))
        inner = min(tolerance, (x1 - x0) / 3)
        rank = 0 if mid == prefer else 1
        for part, d in (("start", x - x0), ("end", x1 - x)):
            if -tolerance <= d <= inner and (best is None or (abs(d), rank) < best[:2]):
                best = (abs(d), rank, Hit(mid, part))  # type: ignore[arg-type]
        if x0 <= x < x1 and (body is None or mid == prefer or body.moment_id != prefer):
            body = Hit(mid, "body")
    return best[2] if best is not None else body
