"""The timeline widget driven with the mouse, and what it paints, checked pixel by pixel."""

from __future__ import annotations

import sys

import numpy as np
import numpy.typing as npt
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.test_timeline_geometry import cfr, moment
from vigtool.codebook import Codebook, builtin_codebook
from vigtool.domain.records import Actor, Turn, TurnKind
from vigtool.gui.timeline_geometry import LABEL_WIDTH, UNTAGGED_KEY, Lane, LaneKind, layout_lanes
from vigtool.gui.timeline_paint import BLOCK_INSET
from vigtool.gui.timeline_style import PLAYHEAD_RED
from vigtool.gui.timeline_view import TimelineView

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
    film = next(lane for lane in layout_lanes(timeline.height(), [("a", ""), ("b", "")])
                if lane.kind is LaneKind.THUMBNAILS)
    rects = [r for region in timeline.regions for r in region]
    assert rects
    assert all(film.top <= r.top() and r.bottom() < film.bottom for r in rects)
    level = np.full(6000, 0.8)
    timeline.set_waveform(-level, level, 10)
    shot = timeline.grab().toImage()
    assert shot.pixelColor(LABEL_WIDTH + 10, film.top + film.height // 2) == QColor("#00ff00")
    sound = layout_lanes(timeline.height(), [("a", ""), ("b", "")])[-1]
    column = [shot.pixelColor(LABEL_WIDTH + 100, y) for y in range(sound.top, sound.bottom)]
    background = shot.pixelColor(LABEL_WIDTH + 100, sound.top + 1)
    assert sum(c != background for c in column) > sound.height // 2


def rendered(w: TimelineView) -> npt.NDArray[np.uint32]:
    """The widget rendered offscreen into a QImage, as one 0xAARRGGBB value per pixel."""
    image = QImage(w.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("black"))
    w.render(image)
    rows = np.frombuffer(image.constBits(), dtype=np.uint32).reshape(
        image.height(), image.bytesPerLine() // 4)
    return rows[:, : image.width()].copy()


def argb(colour: str | QColor) -> int:
    return int(QColor(colour).rgba())


def block_rows(lane: Lane) -> slice:
    """The rows inside a lane's moment blocks, clear of their borders."""
    return slice(lane.top + BLOCK_INSET + 2, lane.bottom - BLOCK_INSET - 2)


def columns_with(pixels: npt.NDArray[np.uint32], rows: slice, *colours: str) -> set[int]:
    """Track columns (widget x) where some pixel of ``rows`` is exactly one of ``colours``."""
    hit = np.isin(pixels[rows, LABEL_WIDTH:], [argb(c) for c in colours]).any(axis=0)
    return {LABEL_WIDTH + int(x) for x in np.flatnonzero(hit)}


@sound_binding
def test_thousands_of_moments_and_the_playhead_are_painted_at_their_frames(
    qtbot: QtBot, book: Codebook
) -> None:
    """Real pixels: each moment's colour in its own lane over exactly the columns its
    frames map to (worked out here, not by the widget), nowhere else; the playhead's
    red in its column; at frame zoom the frame under the playhead tinted."""
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(LABEL_WIDTH + 1280, 260)
    times = cfr(30 * 60 * 60)  # one hour: 2812.5 ms per pixel when the whole film fits
    w.set_recording(times, 30.0)
    w.set_codebook(book)
    colour = {c.id: c.colour for c in book.codes}
    crowd_codes = ("guiding", "deepening-discussion")  # the Guidance lane
    rng = np.random.default_rng(0)
    crowd = [moment(i + 1, int(s), int(s) + 150, crowd_codes[i % 2])
             for i, s in enumerate(rng.integers(0, 40_000, 5000))]
    probe = moment(9001, 54_000, 54_899, "receiving-initiatives")  # alone in Attuned
    w.set_moments([*crowd, probe])
    w.set_selected(17)
    w.set_playhead(90_000)  # 50:00
    lanes = {lane.key: lane for lane in layout_lanes(
        w.height(), [(g.id, "") for g in book.groups], empty={UNTAGGED_KEY})}

    def x_of(frame: int) -> float:  # the left edge of a frame at whole-film zoom
        return LABEL_WIDTH + times.frame_to_ms(frame) * 1280 / times.duration_ms

    whole = rendered(w)
    # The probe: its colour only in its lane, only over its frames.
    probe_colour = argb(colour["receiving-initiatives"])
    ys, xs = np.nonzero(whole[:, LABEL_WIDTH:] == probe_colour)
    assert len(xs), "the moment was not drawn"
    x0, x1 = x_of(54_000), x_of(54_900)
    assert x0 - 1 <= LABEL_WIDTH + xs.min() <= LABEL_WIDTH + xs.max() <= x1 + 1
    assert set(range(round(x0) + 1, round(x1) - 1)) <= set((LABEL_WIDTH + xs).tolist())
    attuned = lanes["attuned"]
    assert attuned.top <= ys.min() <= ys.max() < attuned.bottom

    # The crowd, merged per pixel column: exactly the columns its frames cover.
    selected = (x_of(crowd[16].start_frame) - 4, x_of(crowd[16].end_frame + 1) + 4)
    expected: set[int] = set()
    for m in crowd:
        a, b = x_of(m.start_frame), x_of(m.end_frame + 1)
        expected.update(range(int(np.floor(a)), max(int(np.ceil(b)), int(np.floor(a)) + 1)))
    drawn = columns_with(whole, block_rows(lanes["guidance"]), *(colour[c] for c in crowd_codes))
    wrong = {x for x in drawn ^ expected if not selected[0] <= x <= selected[1]}
    assert not wrong, sorted(wrong)  # (the selection's outline may cover a column or two)
    assert len(expected) > 300
    for key in ("attuned", UNTAGGED_KEY):
        assert not columns_with(whole, block_rows(lanes[key]), *(colour[c] for c in crowd_codes))

    # The playhead: one red column at 50:00 through every lane under the ruler.
    red = argb(PLAYHEAD_RED)
    playhead_x = round(LABEL_WIDTH + 3_000_000 * 1280 / times.duration_ms)
    below_ruler = slice(lanes["ruler"].bottom, lanes["audio"].bottom)
    assert (whole[below_ruler, playhead_x] == red).all()
    assert np.flatnonzero((whole[below_ruler, LABEL_WIDTH:] == red).any(axis=0)).tolist() == [
        playhead_x - LABEL_WIDTH]

    # At frame zoom: the block starts at its first frame's edge; the playhead's frame is tinted.
    w.zoom_to_frames(1 / 12)
    w.set_playhead(54_010)
    first, last = w.visible_frames()
    assert first < 54_000 < 54_010 < last
    close = rendered(w)
    start_x, head_x = round(w.frame_x(54_000)), round(w.frame_x(54_010))
    frame_w = round(w.frame_x(54_011)) - head_x
    assert frame_w >= 11
    probe_columns = columns_with(close, block_rows(attuned), colour["receiving-initiatives"])
    assert start_x <= min(probe_columns) <= start_x + 2
    assert set(range(start_x + 2, head_x)) | set(range(head_x + frame_w, w.width())) <= (
        probe_columns)
    assert (close[block_rows(attuned), head_x] == red).all()
    band = QColor(PLAYHEAD_RED)
    a = 38 / 255  # the band's opacity over the frame under the playhead
    base = QColor(colour["receiving-initiatives"])
    tint = [round(getattr(base, ch)() * (1 - a) + getattr(band, ch)() * a)
            for ch in ("red", "green", "blue")]
    y = attuned.top + attuned.height // 2
    for x in range(head_x + 1, head_x + frame_w):
        seen = QColor.fromRgba(int(close[y, x]))
        assert [seen.red(), seen.green(), seen.blue()] == pytest.approx(tint, abs=2), x
