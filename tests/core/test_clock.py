"""Every time format, at the minute and hour boundaries and as properties.

Each format must round to the unit it shows *before* splitting into minutes
and seconds: the summary once printed "0:60.00" for 59,996 ms. The parsers
here read a formatted time back, so the properties say that what is shown is
the time rounded half up to its unit, with every field in range, and that a
later time never reads as an earlier one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from vigtool.domain.clock import (
    exact_timecode,
    minutes_time,
    player_time,
    ruler_time,
    split_ms,
)

MINUTE = 60_000
HOUR = 3_600_000


def rounded(ms: float, unit: int) -> int:
    """The reference: ``ms`` to the nearest multiple of ``unit``, half up, exactly."""
    steps = (Decimal(ms) / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(steps) * unit


# -- reading a formatted time back (fields out of range do not match) ----------------------

_SS = r"(?P<s>[0-5]\d)"
_MM = r"(?P<m>[0-5]\d)"
_PLAYER = re.compile(rf"(?:(?P<h>[1-9]\d*):{_MM}|(?P<m1>[1-5]?\d)):{_SS}\.(?P<cs>\d\d)")
_MINUTES = re.compile(rf"(?P<m>0|[1-9]\d*):{_SS}\.(?P<cs>\d\d)")
_RULER_MINUTES = re.compile(rf"(?P<m>\d\d+):{_SS}(?:\.(?P<cs>\d\d))?")
_RULER_HOURS = re.compile(rf"(?P<h>\d+):{_MM}:{_SS}(?:\.(?P<cs>\d\d))?")
_EXACT = re.compile(rf"(?P<h>\d\d+):{_MM}:{_SS}\.(?P<ms>\d\d\d)")


def _fields(pattern: re.Pattern[str], text: str) -> dict[str, int]:
    found = pattern.fullmatch(text)
    assert found is not None, f"{text!r} is not in the expected shape"
    return {k: int(v) for k, v in found.groupdict().items() if v is not None}


def parse_player(text: str) -> int:
    f = _fields(_PLAYER, text)
    minutes = f.get("m", f.get("m1", 0))
    return ((f.get("h", 0) * 60 + minutes) * 60 + f["s"]) * 1000 + f["cs"] * 10


def parse_minutes(text: str) -> int:
    f = _fields(_MINUTES, text)
    return (f["m"] * 60 + f["s"]) * 1000 + f["cs"] * 10


def parse_ruler(text: str, *, hours: bool) -> int:
    f = _fields(_RULER_HOURS if hours else _RULER_MINUTES, text)
    return ((f.get("h", 0) * 60 + f["m"]) * 60 + f["s"]) * 1000 + f.get("cs", 0) * 10


def parse_exact(text: str) -> int:
    f = _fields(_EXACT, text)
    return ((f["h"] * 60 + f["m"]) * 60 + f["s"]) * 1000 + f["ms"]


# (name, format, parse back, unit in ms)
FORMATS: list[tuple[str, Callable[[float], str], Callable[[str], int], int]] = [
    ("player", player_time, parse_player, 10),
    ("minutes", minutes_time, parse_minutes, 10),
    ("ruler m:s.cc", lambda ms: ruler_time(ms, hours=False, fraction=True),
     lambda t: parse_ruler(t, hours=False), 10),
    ("ruler m:s", lambda ms: ruler_time(ms, hours=False, fraction=False),
     lambda t: parse_ruler(t, hours=False), 1000),
    ("ruler h:m:s.cc", lambda ms: ruler_time(ms, hours=True, fraction=True),
     lambda t: parse_ruler(t, hours=True), 10),
    ("ruler h:m:s", lambda ms: ruler_time(ms, hours=True, fraction=False),
     lambda t: parse_ruler(t, hours=True), 1000),
    ("exact", exact_timecode, parse_exact, 1),
]
FORMAT_IDS = [name for name, *_ in FORMATS]


# -- boundaries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "player", "minutes", "exact"),
    [
        (0, "0:00.00", "0:00.00", "00:00:00.000"),
        (4_270, "0:04.27", "0:04.27", "00:00:04.270"),
        (59_994, "0:59.99", "0:59.99", "00:00:59.994"),
        (59_995, "1:00.00", "1:00.00", "00:00:59.995"),  # half a hundredth rounds up
        (59_996, "1:00.00", "1:00.00", "00:00:59.996"),  # the summary said "0:60.00"
        (59_999, "1:00.00", "1:00.00", "00:00:59.999"),
        (60_000, "1:00.00", "1:00.00", "00:01:00.000"),
        (64_324, "1:04.32", "1:04.32", "00:01:04.324"),
        (HOUR - 6, "59:59.99", "59:59.99", "00:59:59.994"),
        (HOUR - 1, "1:00:00.00", "60:00.00", "00:59:59.999"),
        (HOUR, "1:00:00.00", "60:00.00", "01:00:00.000"),
        (3_723_004, "1:02:03.00", "62:03.00", "01:02:03.004"),
        (100 * HOUR, "100:00:00.00", "6000:00.00", "100:00:00.000"),
        (10**12, "277777:46:40.00", "16666666:40.00", "277777:46:40.000"),
    ],
)
def test_formats_at_the_minute_and_hour_boundaries(
    ms: int, player: str, minutes: str, exact: str
) -> None:
    assert player_time(ms) == player
    assert minutes_time(ms) == minutes
    assert exact_timecode(ms) == exact


@pytest.mark.parametrize(
    ("ms", "hours", "fraction", "text"),
    [
        (0, False, False, "00:00"),
        (61_500, False, True, "01:01.50"),
        (3_723_000, True, False, "1:02:03"),
        (3_723_000, False, False, "62:03"),
        (59_996, False, True, "01:00.00"),
        (59_994, False, True, "00:59.99"),
        (59_499, False, False, "00:59"),  # without hundredths: to the whole second
        (59_500, False, False, "01:00"),
        (HOUR - 1, True, True, "1:00:00.00"),
        (HOUR - 1, True, False, "1:00:00"),
        (HOUR - 1, False, False, "60:00"),
    ],
)
def test_ruler_labels(ms: int, hours: bool, fraction: bool, text: str) -> None:
    assert ruler_time(ms, hours=hours, fraction=fraction) == text


def test_a_float_time_rounds_exactly() -> None:
    assert player_time(59_995.0) == "1:00.00"
    assert player_time(59_994.999_999) == "0:59.99"
    assert exact_timecode(0.5) == "00:00:00.001"
    assert exact_timecode(0.49999999999999994) == "00:00:00.000"  # just under half


@pytest.mark.parametrize("bad", [-1, -0.001, math.nan, math.inf])
@pytest.mark.parametrize(("name", "fmt", "parse", "unit"), FORMATS, ids=FORMAT_IDS)
def test_impossible_times_are_refused(
    bad: float, name: str, fmt: Callable[[float], str], parse: Callable[[str], int], unit: int
) -> None:
    with pytest.raises(ValueError, match="milliseconds"):
        fmt(bad)


def test_a_unit_must_divide_a_second() -> None:
    with pytest.raises(ValueError, match="divide a second"):
        split_ms(1000, 7)


@pytest.mark.parametrize(("name", "fmt", "parse", "unit"), FORMATS, ids=FORMAT_IDS)
@pytest.mark.parametrize("around", [MINUTE, HOUR, 10 * HOUR])
def test_every_millisecond_across_a_boundary(
    name: str, fmt: Callable[[float], str], parse: Callable[[str], int], unit: int, around: int
) -> None:
    shown = [parse(fmt(ms)) for ms in range(around - 1_500, around + 1_500)]
    assert shown == sorted(shown)
    assert all(abs(value - ms) * 2 <= unit
               for value, ms in zip(shown, range(around - 1_500, around + 1_500), strict=True))


# -- properties ------------------------------------------------------------------------------

times = st.one_of(
    st.integers(min_value=0, max_value=10**11),
    st.floats(min_value=0, max_value=1e11, allow_nan=False, allow_infinity=False),
)


@pytest.mark.parametrize(("name", "fmt", "parse", "unit"), FORMATS, ids=FORMAT_IDS)
@given(ms=times)
@example(ms=59_996)
@example(ms=HOUR - 1)
def test_shows_the_time_rounded_half_up_to_its_unit(
    name: str, fmt: Callable[[float], str], parse: Callable[[str], int], unit: int, ms: float
) -> None:
    assert parse(fmt(ms)) == rounded(ms, unit)


@pytest.mark.parametrize(("name", "fmt", "parse", "unit"), FORMATS, ids=FORMAT_IDS)
@given(a=times, b=times)
@example(a=59_994, b=59_996)
def test_a_later_time_never_reads_earlier(
    name: str, fmt: Callable[[float], str], parse: Callable[[str], int], unit: int,
    a: float, b: float,
) -> None:
    early, late = sorted((a, b))
    assert parse(fmt(early)) <= parse(fmt(late))


@given(ms=times, unit=st.sampled_from([1, 10, 100, 1000]))
def test_split_parts_are_in_range_and_add_up(ms: float, unit: int) -> None:
    h, m, s, fraction = split_ms(ms, unit)
    assert 0 <= m < 60
    assert 0 <= s < 60
    assert 0 <= fraction < 1000 // unit
    assert ((h * 60 + m) * 60 + s) * 1000 + fraction * unit == rounded(ms, unit)
