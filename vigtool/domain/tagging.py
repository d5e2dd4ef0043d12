"""Pure rules behind the tagging keys (I, O, Q, Tab, Shift+I, Shift+O), so they are
tested without Qt.

Marks sit at the start of a frame, like the playhead: I marks where the
moment begins, O where it stops. The frame under the playhead when O is
pressed is the first frame *after* the moment, so "I, Right x10, O" tags
exactly the ten frames stepped through, and I ... O while playing tags what
played between the two presses. The stored moment is inclusive
(``end_frame`` is its last frame).
"""

from __future__ import annotations

from collections.abc import Sequence

from vigtool.domain.records import Moment
from vigtool.domain.timebase import FrameTimes

QUICK_LEAD_MS = 2000
QUICK_LAG_MS = 3000


def span_from_marks(mark_in: int, mark_out: int, frame_count: int) -> tuple[int, int]:
    """The inclusive frame span between two marks, in whichever order they were set.

    Marks on the same frame tag that one frame; marking out on the very last
    frame includes it (there is no frame after it to stop at).
    """
    last = frame_count - 1
    first, second = sorted(max(0, min(m, last)) for m in (mark_in, mark_out))
    if second == first:
        return first, first
    return first, (last if second == last else second - 1)


def trim_start_to(moment: Moment, frame: int) -> tuple[int, int] | None:
    """The span after Shift+I (the moment now starts at ``frame``), or None when
    that would put its start after its last frame."""
    if frame > moment.end_frame:
        return None
    return max(0, frame), moment.end_frame


def trim_end_to(moment: Moment, frame: int, frame_count: int) -> tuple[int, int] | None:
    """The span after Shift+O, which stops the moment like O does: just before
    ``frame`` (on the start frame it keeps that one frame; on the film's last
    frame it includes it). None when that would end it before it starts."""
    if frame < moment.start_frame:
        return None
    return span_from_marks(moment.start_frame, frame, frame_count)


def quick_span(
    frame: int,
    times: FrameTimes,
    lead_ms: int = QUICK_LEAD_MS,
    lag_ms: int = QUICK_LAG_MS,
) -> tuple[int, int]:
    """A moment from ``lead_ms`` before the playhead to ``lag_ms`` after it, clamped."""
    at = times.frame_to_ms(frame)
    start = times.ms_to_frame(at - lead_ms)
    end_ms = at + lag_ms
    end = times.ms_to_frame(end_ms)
    if end_ms < times.duration_ms and times.frame_to_ms(end) == end_ms and end > frame:
        end -= 1  # the frame starting exactly at the stop time is not in the moment
    return start, max(end, frame)


def neighbour_moment(moments: Sequence[Moment], frame: int, direction: int) -> Moment | None:
    """The next moment starting after ``frame`` (direction 1) or before it (-1)."""
    ordered = sorted(moments, key=lambda m: (m.start_frame, m.end_frame, m.id))
    if direction > 0:
        return next((m for m in ordered if m.start_frame > frame), None)
    before = [m for m in ordered if m.start_frame < frame]
    return before[-1] if before else None


def toggle_code(codes: Sequence[str], code: str) -> tuple[str, ...]:
    return tuple(c for c in codes if c != code) if code in codes else (*codes, code)
