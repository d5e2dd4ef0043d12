"""Frame <-> ms conversion: round trips, monotonicity, VFR, clamping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigtool.domain.timebase import FrameTimes
from vigtool.errors import FrameOutOfRange


@st.composite
def vfr_pts(draw: st.DrawFn) -> tuple[list[int], tuple[int, int], int]:
    """Presentation timestamps as a phone writes them: gaps that vary, any time base."""
    den = draw(st.sampled_from([1000, 600, 90000, 30000, 12800, 25]))
    first = draw(st.integers(-10_000, 10_000))
    gaps = draw(st.lists(st.integers(1, den), min_size=0, max_size=300))
    pts = [first]
    for gap in gaps:
        pts.append(pts[-1] + gap)
    last = draw(st.integers(1, den))
    return pts, (1, den), last


@given(vfr_pts())
def test_ms_to_frame_inverts_frame_to_ms(case: tuple[list[int], tuple[int, int], int]) -> None:
    times = FrameTimes.from_pts(*case)
    for n in range(times.frame_count):
        assert times.ms_to_frame(times.frame_to_ms(n)) == n
        # any time while the frame is on screen maps back to it
        assert times.ms_to_frame(times.frame_end_ms(n) - 0.001) == n


@given(vfr_pts(), st.lists(st.floats(-1e6, 1e7, allow_nan=False), min_size=2, max_size=50))
def test_ms_to_frame_is_monotonic_and_clamped(
    case: tuple[list[int], tuple[int, int], int], instants: list[float]
) -> None:
    times = FrameTimes.from_pts(*case)
    frames = [times.ms_to_frame(t) for t in sorted(instants)]
    assert frames == sorted(frames)
    assert all(0 <= f < times.frame_count for f in frames)


@given(vfr_pts())
def test_starts_strictly_increase_from_zero(case: tuple[list[int], tuple[int, int], int]) -> None:
    times = FrameTimes.from_pts(*case)
    assert times.starts_ms[0] == 0
    assert all(b > a for a, b in zip(times.starts_ms, times.starts_ms[1:], strict=False))
    assert times.duration_ms > times.starts_ms[-1]


def test_thirty_fps_in_a_90khz_time_base() -> None:
    pts = [i * 3000 for i in range(90)]
    times = FrameTimes.from_pts(pts, (1, 90000), 3000)
    assert times.frame_to_ms(1) == 33
    assert times.frame_to_ms(2) == 67
    assert times.frame_to_ms(30) == 1000
    assert times.duration_ms == 3000
    assert times.ms_to_frame(999.9) == 29
    assert times.span_ms(30, 59) == (1000, 2000)


def test_variable_frame_rate_times_follow_the_timestamps() -> None:
    pts_ms = [0, 33, 66, 130, 163, 240, 273]
    times = FrameTimes.from_pts(pts_ms, (1, 1000), 33)
    assert times.starts_ms == tuple(pts_ms)
    assert times.ms_to_frame(129) == 2
    assert times.ms_to_frame(130) == 3


def test_out_of_range_frame_says_the_valid_range() -> None:
    times = FrameTimes.from_pts([0, 40, 80], (1, 1000), 40)
    with pytest.raises(FrameOutOfRange, match="frames 0 to 2"):
        times.frame_to_ms(3)
    with pytest.raises(FrameOutOfRange):
        times.frame_to_ms(-1)


def test_timestamps_closer_than_a_millisecond_stay_distinct() -> None:
    times = FrameTimes.from_pts([0, 1, 2, 90], (1, 90000), 90)
    assert times.starts_ms == (0, 1, 2, 3)
