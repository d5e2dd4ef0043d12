"""The rules behind the tagging keys."""

from __future__ import annotations

from vigtool.domain.records import Moment
from vigtool.domain.tagging import (
    neighbour_moment,
    quick_span,
    span_from_marks,
    toggle_code,
    trim_end_to,
    trim_start_to,
)
from vigtool.domain.timebase import FrameTimes

TIMES = FrameTimes.from_pts([i * 40 for i in range(500)], (1, 1000), 40)  # 25 fps, 20 s


def _moment(mid: int, start: int, end: int) -> Moment:
    return Moment(mid, 1, start, end, (), "", "", "", "", False, None)


def test_in_then_ten_steps_then_out_tags_ten_frames() -> None:
    assert span_from_marks(100, 110, 500) == (100, 109)


def test_marks_in_either_order_and_on_one_frame() -> None:
    assert span_from_marks(110, 100, 500) == (100, 109)
    assert span_from_marks(42, 42, 500) == (42, 42)


def test_out_on_the_last_frame_includes_it() -> None:
    assert span_from_marks(490, 499, 500) == (490, 499)
    assert span_from_marks(490, 900, 500) == (490, 499)


def test_quick_tag_is_two_seconds_before_and_three_after() -> None:
    assert quick_span(250, TIMES) == (200, 324)
    assert quick_span(10, TIMES) == (0, 84)
    assert quick_span(495, TIMES) == (445, 499)


def test_tab_moves_between_moments_by_start() -> None:
    moments = [_moment(1, 50, 60), _moment(2, 10, 20), _moment(3, 200, 220)]
    assert neighbour_moment(moments, 0, 1) == moments[1]
    assert neighbour_moment(moments, 10, 1) == moments[0]
    assert neighbour_moment(moments, 200, 1) is None
    assert neighbour_moment(moments, 200, -1) == moments[0]
    assert neighbour_moment(moments, 10, -1) is None


def test_toggle_code_adds_and_removes_keeping_order() -> None:
    assert toggle_code(("a", "b"), "c") == ("a", "b", "c")
    assert toggle_code(("a", "b", "c"), "b") == ("a", "c")


def test_shift_i_moves_the_start_to_the_playhead_either_way() -> None:
    m = _moment(1, 100, 150)
    assert trim_start_to(m, 90) == (90, 150)
    assert trim_start_to(m, 120) == (120, 150)
    assert trim_start_to(m, 150) == (150, 150)  # down to its last frame
    assert trim_start_to(m, 151) is None  # it would start after it ends


def test_shift_o_stops_the_moment_just_before_the_playhead_like_o() -> None:
    m = _moment(1, 100, 150)
    assert trim_end_to(m, 161, 500) == (100, 160)
    assert trim_end_to(m, 120, 500) == (100, 119)
    assert trim_end_to(m, 100, 500) == (100, 100)  # on its start: that one frame
    assert trim_end_to(m, 499, 500) == (100, 499)  # the last frame has no frame after it
    assert trim_end_to(m, 99, 500) is None  # it would end before it starts
