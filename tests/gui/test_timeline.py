"""The timeline: pure geometry (fast, no Qt) and the widget driven with the mouse."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from vigtool.codebook import Codebook, builtin_codebook
from vigtool.domain.records import Actor, Moment, Turn, TurnKind
from vigtool.domain.timebase import FrameTimes
from vigtool.gui.timeline_geometry import (
    FRAME_PX_AT_MAX_ZOOM,
    LABEL_WIDTH,
    UNTAGGED_KEY,
    LaneKind,
    Viewport,
    build_lane_spans,
    covered_runs,
    format_timecode,
    hit_test,
    layout_lanes,
    ruler_ticks,
    thumbnail_slots,
    waveform_columns,
)
from vigtool.gui.timeline_view import TimelineView


def cfr(frames: int, fps: float = 30.0) -> FrameTimes:
    starts = tuple(round(i * 1000 / fps) for i in range(frames))
    return FrameTimes(starts, round(frames * 1000 / fps))


VFR = FrameTimes((0, 33, 66, 130, 163, 240, 273, 306), 339)


def moment(mid: int, start: int, end: int, *codes: str, review: bool = False) -> Moment:
    return Moment(mid, 1, start, end, codes, f"Moment {mid}", "", "", "", review, None)


def viewport(times: FrameTimes, width: int = 1000, fps: float = 30.0) -> Viewport:
    vp = Viewport()
    vp.set_times(times, fps)
    vp.set_width(width)
    return vp


# -- geometry ------------------------------------------------------------------------------


@pytest.mark.parametrize("frames_per_px", [None, 1.0, 1 / 12])
def test_x_to_frame_to_x_round_trips(frames_per_px: float | None) -> None:
    times = cfr(30 * 60 * 5)
    vp = viewport(times)
    if frames_per_px is not None:
        vp.zoom_to_frames(frames_per_px)
        vp.scroll_to(vp.max_scroll_px // 3)
    for x in np.linspace(0, vp.width - 0.01, 257):
        frame = vp.frame_at_x(x)
        assert vp.frame_x(frame) <= x < vp.frame_end_x(frame)
        assert frame == times.ms_to_frame(vp.x_to_ms(x))
    if frames_per_px == 1 / 12:
        first = vp.frame_at_x(0) + 1
        for frame in range(first, first + 50):
            assert vp.frame_at_x(vp.frame_x(frame)) == frame
            assert vp.boundary_at_x(vp.frame_x(frame) + 3) == frame


def test_vfr_frames_sit_at_their_own_times() -> None:
    vp = viewport(VFR, width=113)  # whole film fits: 3 ms per px
    assert vp.ms_per_px == pytest.approx(3.0)
    assert vp.frame_x(3) == pytest.approx(130 / 3)  # not 3 * 33 ms
    assert vp.frame_end_x(4) == pytest.approx(240 / 3)
    assert vp.frame_at_x(129.9 / 3) == 2
    assert vp.frame_at_x(130 / 3) == 3
    assert vp.boundary_at_x(100 / 3) == 3  # 130 ms is nearer than 66 ms
    assert vp.boundary_at_x(97 / 3) == 2
    assert vp.boundary_at_x(10_000) == VFR.frame_count


def test_zoom_is_bounded_by_the_whole_film_and_twelve_pixel_frames() -> None:
    times = cfr(30 * 60 * 60)
    vp = viewport(times, width=1280)
    assert vp.fitted
    assert vp.content_px == vp.width
    vp.zoom_to_frames(1e-9)
    assert vp.frames_per_px == pytest.approx(vp.min_frames_per_px)
    widths = [vp.frame_end_x(f) - vp.frame_x(f) for f in range(1000, 1100)]
    assert min(widths) >= FRAME_PX_AT_MAX_ZOOM - 1e-9
    assert not vp.fitted
    vp.zoom_to_frames(1e9)
    assert vp.frames_per_px == pytest.approx(vp.max_frames_per_px)
    assert vp.fitted
    assert vp.scroll_px == 0


def test_zoom_keeps_the_time_under_the_anchor() -> None:
    vp = viewport(cfr(30 * 600))
    vp.zoom_by(8, anchor_x=300)
    before = vp.x_to_ms(300)
    vp.zoom_by(3, anchor_x=300)
    assert abs(vp.ms_to_x(before) - 300) <= 1.0


def test_reveal_pages_on_when_following_and_centres_after_a_jump() -> None:
    vp = viewport(cfr(30 * 600))
    vp.zoom_to_frames(1)
    assert vp.reveal_x(vp.width + 5)
    assert vp.ms_to_x(vp.x_to_ms(0)) == 0
    x = vp.frame_x(12_000)
    vp.reveal_x(x)
    assert abs(vp.frame_x(12_000) - vp.width / 2) <= 1


def test_timecodes() -> None:
    assert format_timecode(0, hours=False, fraction=False) == "00:00"
    assert format_timecode(61_500, hours=False, fraction=True) == "01:01.50"
    assert format_timecode(3_723_000, hours=True, fraction=False) == "1:02:03"
    assert format_timecode(3_723_000, hours=False, fraction=False) == "62:03"


def test_ruler_labels_do_not_crowd_and_show_frames_when_zoomed_in() -> None:
    vp = viewport(cfr(30 * 60 * 60), width=1280)
    whole = ruler_ticks(vp)
    assert len(whole.major) >= 4
    xs = [t.x for t in whole.major]
    assert min(np.diff(xs)) >= 84 - 1e-6
    assert whole.major[0].label == "0:00:00"
    assert not whole.frame_labels
    vp.zoom_to_frames(1e-9)  # all the way in
    vp.scroll_to(100_000)
    close = ruler_ticks(vp)
    assert close.frame_edges
    assert close.frame_labels
    assert "." in close.major[0].label  # sub-second steps show hundredths
    assert min(np.diff(close.frame_edges)) >= FRAME_PX_AT_MAX_ZOOM - 1e-6


def test_lanes_follow_the_codebook_and_fill_the_height() -> None:
    lanes = layout_lanes(260, [("attuned", "Attuned"), ("guidance", "Guidance")])
    kinds = [lane.kind for lane in lanes]
    assert kinds == [LaneKind.RULER, LaneKind.THUMBNAILS, LaneKind.GROUP, LaneKind.GROUP,
                     LaneKind.UNTAGGED, LaneKind.TURNS, LaneKind.AUDIO]
    assert lanes[2].key == "attuned"
    assert lanes[4].key == UNTAGGED_KEY
    assert lanes[-1].bottom == 260
    assert all(a.bottom == b.top for a, b in itertools.pairwise(lanes))


def test_moments_sit_in_every_lane_they_have_a_code_for() -> None:
    book = builtin_codebook("vig-principles")
    group = {c.id: c.group for c in book.codes}
    order = [c.id for c in book.codes]
    vp = viewport(cfr(3000))
    moments = [
        moment(1, 10, 40, "guiding", "being-attentive", "receiving-initiatives"),
        moment(2, 100, 120),
        moment(3, 200, 220, "no-such-code"),
    ]
    lanes, signatures = build_lane_spans(moments, vp, group, order)
    attuned = lanes["attuned"]
    assert attuned.ids.tolist() == [1]
    assert signatures[int(attuned.signature[0])] == ("being-attentive", "receiving-initiatives")
    assert lanes["guidance"].ids.tolist() == [1]
    assert lanes[UNTAGGED_KEY].ids.tolist() == [2, 3]
    assert attuned.start_ms[0] == vp.boundaries_ms[10]
    assert attuned.end_ms[0] == vp.boundaries_ms[41]  # end frame inclusive


def test_overlapping_finds_spans_behind_a_long_moment() -> None:
    vp = viewport(cfr(30 * 600))
    moments = [moment(1, 0, 15_000, "guiding"), moment(2, 100, 130, "guiding"),
               moment(3, 5000, 5030, "guiding")]
    lanes, _ = build_lane_spans(moments, vp, {"guiding": "g"}, ["guiding"])
    spans = lanes["g"]
    found = spans.ids[spans.overlapping(vp.boundaries_ms[4000], vp.boundaries_ms[4100])]
    assert found.tolist() == [1]
    found = spans.ids[spans.overlapping(vp.boundaries_ms[5010], vp.boundaries_ms[5011])]
    assert sorted(found.tolist()) == [1, 3]


def test_hit_test_prefers_edges_then_the_topmost_body() -> None:
    vp = viewport(cfr(3000), width=3000)
    vp.zoom_to_frames(1 / 12)  # 12 px per frame
    lanes, _ = build_lane_spans([moment(7, 10, 19, "a")], vp, {"a": "g"}, ["a"])
    spans = lanes["g"]
    x0, x1 = vp.frame_x(10), vp.frame_end_x(19)
    assert hit_test(spans, vp, x0 + 2).part == "start"  # type: ignore[union-attr]
    assert hit_test(spans, vp, x0 - 4).part == "start"  # type: ignore[union-attr]
    assert hit_test(spans, vp, x1 - 1).part == "end"  # type: ignore[union-attr]
    assert hit_test(spans, vp, (x0 + x1) / 2).part == "body"  # type: ignore[union-attr]
    assert hit_test(spans, vp, x1 + 20) is None


def test_covered_runs_merge_spans_per_pixel_column() -> None:
    runs = covered_runs(np.array([0.2, 1.5, 10.0, 30.0]), np.array([1.0, 3.2, 10.1, 40.0]), 35)
    assert runs.tolist() == [[0, 4], [10, 11], [30, 35]]


def test_waveform_columns_match_a_plain_loop() -> None:
    rng = np.random.default_rng(3)
    mins, maxs = -rng.random(500), rng.random(500)
    for ms_per_px in (3.0, 10.0, 37.5):
        lo, hi = waveform_columns(mins, maxs, 10, ms_per_px, 4, 60)
        for c in range(60):
            b0 = int(np.floor((4 + c) * ms_per_px / 10))
            b1 = max(b0 + 1, int(np.floor((5 + c) * ms_per_px / 10)))
            if b0 >= 500:
                assert np.isnan(lo[c])
                continue
            assert lo[c] == mins[b0:b1].min()
            assert hi[c] == maxs[b0:b1].max()


def test_thumbnail_slots_pick_the_nearest_image() -> None:
    vp = viewport(cfr(30 * 600), width=1000)  # 600 ms per px
    thumbs = np.array([0, 60_000, 61_000, 300_000], dtype=np.int64)
    slots = dict(thumbnail_slots(thumbs, vp, 100.0, 0, 1000, reach_ms=0))
    assert slots[0.0] == 0  # slot 0 covers 0..60 s, middle 30 s: 0 s and 60 s tie, earlier wins
    assert slots[100.0] == 2  # slot 1 middle 90 s: 61 s is nearest
    assert 200.0 not in slots  # nothing within a slot of 150 s
    assert slots[400.0] == 3


# -- the widget ----------------------------------------------------------------------------


def _none_reference_leak() -> int:
    """How many references to None 500 void Qt calls lose (0 on a sound binding)."""
    rect = QRect()
    before = sys.getrefcount(None)
    for _ in range(500):
        rect.setX(1)
    return before - sys.getrefcount(None)


NONE_LEAK = _none_reference_leak()
sound_binding = pytest.mark.skipif(
    NONE_LEAK > 0, reason="this PySide6 drops a reference to None per void call; see "
    "test_the_qt_binding_keeps_none_alive")


def test_the_qt_binding_keeps_none_alive() -> None:
    """PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None on every
    call of a method returning void (6.11 does not): a timeline paints hundreds of
    such calls, and None is freed after a few thousand, aborting the interpreter."""
    assert NONE_LEAK == 0, (
        f"PySide6 lost {NONE_LEAK} references to None in 500 calls: this interpreter would "
        "abort ('none_dealloc'); use PySide6-Essentials < 6.12 on Python 3.11")


class RecordingTimeline(TimelineView):
    """Records the region of every paint, so tests can see what was repainted."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[list[QRect]] = []

    def paintEvent(self, event: QPaintEvent) -> None:
        self.regions.append(list(event.region()))  # type: ignore[call-overload]
        super().paintEvent(event)


@pytest.fixture
def book() -> Codebook:
    return builtin_codebook("vig-principles")


@pytest.fixture
def timeline(qtbot: QtBot, book: Codebook) -> RecordingTimeline:
    w = RecordingTimeline()
    qtbot.addWidget(w)
    w.resize(LABEL_WIDTH + 1000, 260)
    w.set_recording(cfr(30 * 60), 30.0)  # one minute
    w.set_codebook(book)
    w.set_moments([
        moment(1, 300, 449, "being-attentive"),
        moment(2, 900, 1049, "guiding", "receiving-initiatives", review=True),
        moment(3, 1500, 1559),
    ])
    w.set_turns([Turn(1, 1, 320, Actor.CHILD, TurnKind.INITIATIVE, ""),
                 Turn(2, 1, 340, Actor.ADULT, TurnKind.RESPONSE, "")])
    w.show()
    qtbot.waitExposed(w)
    return w


def lane_y(w: TimelineView, key: str) -> int:
    lanes = layout_lanes(w.height(), [("attuned", ""), ("guidance", "")])
    lane = next(lane for lane in lanes if lane.key == key)
    return lane.top + lane.height // 2


def x_of_ms(w: TimelineView, ms: float, duration_ms: int = 60_000) -> float:
    """Where ms is drawn at whole-film zoom, worked out independently of the widget."""
    return LABEL_WIDTH + ms * (w.width() - LABEL_WIDTH) / duration_ms


@sound_binding
def test_clicking_empty_space_seeks_to_the_frame_under_the_pointer(
    qtbot: QtBot, timeline: RecordingTimeline
) -> None:
    times = cfr(30 * 60)
    for key, x in (("attuned", 800), ("guidance", 1010), (LaneKind.RULER.value, 333)):
        with qtbot.waitSignal(timeline.seekRequested) as seek:
            qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton,
                             pos=QPoint(x, lane_y(timeline, key) if key != "ruler" else 10))
        ms = (x - LABEL_WIDTH) * 60_000 / (timeline.width() - LABEL_WIDTH)
        assert seek.args == [times.ms_to_frame(ms)]


@sound_binding
def test_clicking_a_block_selects_it_without_seeking(
    qtbot: QtBot, timeline: RecordingTimeline
) -> None:
    seeks: list[int] = []
    timeline.seekRequested.connect(seeks.append)
    x = round(x_of_ms(timeline, 35_000))  # inside moment 2 (frames 900..1049)
    with qtbot.waitSignal(timeline.momentClicked) as clicked:
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton,
                         pos=QPoint(x, lane_y(timeline, "guidance")))
    assert clicked.args == [2]
    assert seeks == []


@sound_binding
def test_dragging_an_edge_emits_one_frame_snapped_edit(
    qtbot: QtBot, timeline: RecordingTimeline
) -> None:
    timeline.zoom_to_frames(1 / 12)
    timeline.set_playhead(440)  # following scrolls moment 1's end (frame 449) into view
    edge_x = round(timeline.frame_x(450))  # the end edge: where frame 449 ends
    px_per_frame = timeline.frame_x(451) - timeline.frame_x(450)
    assert px_per_frame >= 11.5
    y = lane_y(timeline, "attuned")
    edits: list[tuple[int, int, int]] = []
    timeline.momentEdited.connect(lambda *args: edits.append(args))
    qtbot.mouseMove(timeline, QPoint(edge_x - 1, y))
    assert timeline.cursor().shape() == Qt.CursorShape.SizeHorCursor
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(edge_x - 1, y))
    target = edge_x - 1 + round(5.3 * px_per_frame)  # 5 frames and a bit to the right
    for x in (edge_x + 10, edge_x + 25, target):
        qtbot.mouseMove(timeline, QPoint(x, y))
    assert edits == []
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(target, y))
    assert edits == [(1, 300, 454)]


@sound_binding
def test_an_edge_cannot_cross_the_other_and_escape_cancels(
    qtbot: QtBot, timeline: RecordingTimeline
) -> None:
    timeline.zoom_to_frames(1 / 4)
    timeline.set_playhead(1500)
    edits: list[tuple[int, int, int]] = []
    timeline.momentEdited.connect(lambda *args: edits.append(args))
    start_x = round(timeline.frame_x(1500))
    y = lane_y(timeline, UNTAGGED_KEY)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(start_x + 1, y))
    qtbot.mouseMove(timeline, QPoint(start_x + 400, y))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(start_x + 400, y))
    assert edits == [(3, 1559, 1559)]  # the start stops at the end frame: one frame long
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(start_x + 1, y))
    qtbot.mouseMove(timeline, QPoint(start_x - 100, y))
    qtbot.keyClick(timeline, Qt.Key.Key_Escape)
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(start_x - 100, y))
    assert len(edits) == 1


@sound_binding
def test_the_cursor_shows_a_resize_arrow_over_edges(
    qtbot: QtBot, timeline: RecordingTimeline
) -> None:
    y = lane_y(timeline, "attuned")
    edge = round(x_of_ms(timeline, 10_000))  # moment 1 starts at frame 300 = 10 s
    qtbot.mouseMove(timeline, QPoint(edge + 1, y))
    assert timeline.cursor().shape() == Qt.CursorShape.SizeHorCursor
    qtbot.mouseMove(timeline, QPoint(edge - 60, y))
    assert timeline.cursor().shape() == Qt.CursorShape.ArrowCursor


@sound_binding
def test_moving_the_playhead_repaints_only_two_thin_columns(
    qtbot: QtBot, timeline: RecordingTimeline
) -> None:
    timeline.set_playhead(600)
    QApplication.processEvents()
    timeline.regions.clear()
    timeline.set_playhead(601)
    QApplication.processEvents()
    timeline.set_playhead(1200)
    QApplication.processEvents()
    rects = [r for region in timeline.regions for r in region]
    assert rects, "the playhead move was not painted"
    assert all(r.width() <= 32 for r in rects), rects
    assert sum(r.width() * r.height() for r in rects) < 0.1 * timeline.width() * timeline.height()


@sound_binding
def test_following_scrolls_the_playhead_into_view(
    qtbot: QtBot, timeline: RecordingTimeline
) -> None:
    timeline.zoom_to_frames(1)
    timeline.set_playhead(1700)
    first, last = timeline.visible_frames()
    assert first <= 1700 <= last


@sound_binding
def test_zoom_in_out_and_fit_stay_within_bounds(qtbot: QtBot, timeline: RecordingTimeline) -> None:
    fit = timeline.frames_per_pixel()
    assert fit == pytest.approx(1800 / 1000)
    zooms: list[float] = []
    timeline.zoomChanged.connect(zooms.append)
    timeline.zoom_in()
    assert timeline.frames_per_pixel() == pytest.approx(fit / 2)
    for _ in range(20):
        timeline.zoom_in()
    finest = timeline.frames_per_pixel()
    assert finest == pytest.approx(33 / 12 / (1000 / 30))  # 12 px for the shortest (33 ms) frames
    timeline.zoom_out()
    assert timeline.frames_per_pixel() == pytest.approx(finest * 2)
    for _ in range(20):
        timeline.zoom_out()
    assert timeline.frames_per_pixel() == pytest.approx(fit)
    timeline.zoom_to_frames(0.5)
    timeline.zoom_to_fit()
    assert timeline.frames_per_pixel() == pytest.approx(fit)
    assert zooms[-1] == pytest.approx(fit)
    assert min(zooms) == pytest.approx(finest)


@sound_binding
def test_ctrl_wheel_zooms_and_the_wheel_scrolls(qtbot: QtBot, timeline: RecordingTimeline) -> None:
    def wheel(dy: int, modifiers: Qt.KeyboardModifier) -> None:
        pos = QPointF(600, 120)
        event = QWheelEvent(pos, timeline.mapToGlobal(pos), QPoint(), QPoint(0, dy),
                            Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(timeline, event)

    fit = timeline.frames_per_pixel()
    wheel(120 * 5, Qt.KeyboardModifier.ControlModifier)
    assert timeline.frames_per_pixel() < fit
    first, _ = timeline.visible_frames()
    wheel(-120, Qt.KeyboardModifier.NoModifier)
    assert timeline.visible_frames()[0] > first


@sound_binding
def test_thumbnails_and_sound_are_drawn_where_they_belong(
    qtbot: QtBot, timeline: RecordingTimeline
) -> None:
    QApplication.processEvents()
    timeline.regions.clear()
    image = QImage(160, 90, QImage.Format.Format_RGB32)
    image.fill(QColor("#00ff00"))
    timeline.add_thumbnail(0, image)
    QApplication.processEvents()
    film = next(lane for lane in layout_lanes(260, [("a", ""), ("b", "")])
                if lane.kind is LaneKind.THUMBNAILS)
    rects = [r for region in timeline.regions for r in region]
    assert rects
    assert all(film.top <= r.top() and r.bottom() < film.bottom for r in rects)
    level = np.full(6000, 0.8)
    timeline.set_waveform(-level, level, 10)
    shot = timeline.grab().toImage()
    assert shot.pixelColor(LABEL_WIDTH + 10, film.top + film.height // 2) == QColor("#00ff00")
    sound = layout_lanes(260, [("a", ""), ("b", "")])[-1]
    column = [shot.pixelColor(LABEL_WIDTH + 100, y) for y in range(sound.top, sound.bottom)]
    background = shot.pixelColor(LABEL_WIDTH + 100, sound.top + 1)
    assert sum(c != background for c in column) > sound.height // 2


@sound_binding
def test_the_whole_widget_paints_with_thousands_of_moments(qtbot: QtBot, book: Codebook) -> None:
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(1400, 260)
    times = cfr(30 * 60 * 60)
    w.set_recording(times, 30.0)
    w.set_codebook(book)
    rng = np.random.default_rng(0)
    codes = [c.id for c in book.codes]
    starts = rng.integers(0, times.frame_count - 400, 5000)
    w.set_moments([moment(i + 1, int(s), int(s) + 150, codes[i % 6]) for i, s in enumerate(starts)])
    w.set_selected(17)
    image = w.grab().toImage()
    assert not image.isNull()
    w.zoom_to_frames(1 / 12)
    assert not w.grab().toImage().isNull()
