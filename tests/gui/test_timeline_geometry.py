"""The timeline's pure geometry and pixel-column maths: fast, no Qt, no display."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from vigtool.codebook import builtin_codebook
from vigtool.domain.records import Moment
from vigtool.domain.timebase import FrameTimes
from vigtool.gui.timeline_columns import covered_runs, thumbnail_slots, waveform_columns
from vigtool.gui.timeline_geometry import (
    FRAME_PX_AT_MAX_ZOOM,
    UNTAGGED_KEY,
    LaneKind,
    Viewport,
    build_lane_spans,
    hit_test,
    layout_lanes,
    ruler_ticks,
)


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
