"""Every way the app writes a time as text, in one place.

A frame number is the truth (``timebase``); these only turn a time in
milliseconds into what a person reads. Each format rounds *first* to the
unit it shows and only then splits into hours, minutes and seconds, so
59,996 ms reads "1:00.00", never "0:60.00". Half a unit rounds up (59,995 ms
reads "1:00.00"), as people expect of a clock. Hundredths rather than a frame
field: a variable-frame-rate film has no fixed number of frames per second.

A negative, infinite or NaN time is a bug upstream and raises ValueError.
No Qt here; pure functions, safe on any thread.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

CENTISECOND_MS = 10
SECOND_MS = 1000


class ClockParts(NamedTuple):
    """A time rounded to ``unit_ms``, split: ``fraction`` counts units within the second."""

    hours: int
    minutes: int  # 0..59
    seconds: int  # 0..59
    fraction: int


def split_ms(ms: float, unit_ms: int) -> ClockParts:
    """Round ``ms`` to the nearest whole ``unit_ms`` (half up), then split it.

    ``unit_ms`` divides a second (1, 10, 100 or 1000).
    """
    if not math.isfinite(ms) or ms < 0:
        raise ValueError(f"a time must be zero or more milliseconds, not {ms!r}")
    if SECOND_MS % unit_ms:
        raise ValueError(f"{unit_ms} ms does not divide a second")
    # Exact arithmetic (a float as the fraction it is), so a tie always rounds up.
    whole, rest = divmod(ms if isinstance(ms, int) else Fraction(ms), unit_ms)
    units = int(whole) + (2 * rest >= unit_ms)
    total_seconds, fraction = divmod(units, SECOND_MS // unit_ms)
    hours, rest = divmod(total_seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return ClockParts(hours, minutes, seconds, fraction)


def player_time(ms: float) -> str:
    """``m:ss.cc`` below an hour, ``h:mm:ss.cc`` from an hour on: "0:04.27", "1:00:04.27".

    The transport bar's readout and the inspector's times."""
    h, m, s, cs = split_ms(ms, CENTISECOND_MS)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}" if h else f"{m}:{s:02d}.{cs:02d}"


def minutes_time(ms: float) -> str:
    """``m:ss.cc`` with the minutes running on past an hour: "1:04.32", "62:03.00".

    The session summary's times, where a recording is minutes long."""
    h, m, s, cs = split_ms(ms, CENTISECOND_MS)
    return f"{m + 60 * h}:{s:02d}.{cs:02d}"


def ruler_time(ms: float, *, hours: bool, fraction: bool) -> str:
    """The timeline ruler's labels: ``mm:ss`` (minutes running on past an hour) or
    ``h:mm:ss`` when ``hours``; with ``.cc`` hundredths when ``fraction`` (ticks
    under a second apart), else rounded to the whole second."""
    h, m, s, part = split_ms(ms, CENTISECOND_MS if fraction else SECOND_MS)
    text = f"{h}:{m:02d}:{s:02d}" if hours else f"{m + 60 * h:02d}:{s:02d}"
    return f"{text}.{part:02d}" if fraction else text


def exact_timecode(ms: float) -> str:
    """``HH:MM:SS.mmm`` to the millisecond, as WebVTT, ELAN and the CSV export want;
    the hours grow past 99 if they must ("100:00:00.000")."""
    h, m, s, millis = split_ms(ms, 1)
    return f"{h:02d}:{m:02d}:{s:02d}.{millis:03d}"
