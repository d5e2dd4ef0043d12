"""Frame <-> millisecond conversion: the one place that does it.

Phones record variable frame rate, so a time is not a frame. Each frame's
presentation time comes from the recording's frame index (see
``vigtool.media.frame_index``), relative to the first frame and rounded to
whole milliseconds. Frame ``n`` is on screen from ``frame_to_ms(n)`` up to,
not including, ``frame_to_ms(n + 1)``; so ``ms_to_frame`` answers "which
frame is showing at this time" and ``ms_to_frame(frame_to_ms(n)) == n``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from vigtool.errors import FrameOutOfRange


@dataclass(frozen=True)
class FrameTimes:
    """Start time in ms of every frame, in presentation order, plus the end of the last."""

    starts_ms: tuple[int, ...]
    end_ms: int

    def __post_init__(self) -> None:
        if not self.starts_ms:
            raise ValueError("a recording has at least one frame")
        if self.starts_ms[0] != 0:
            raise ValueError("frame times are relative to the first frame")
        if any(b <= a for a, b in zip(self.starts_ms, self.starts_ms[1:], strict=False)):
            raise ValueError("frame start times must strictly increase")
        if self.end_ms <= self.starts_ms[-1]:
            raise ValueError("the last frame must end after it starts")

    @classmethod
    def from_pts(
        cls, pts: Sequence[int], time_base: tuple[int, int], last_duration: int
    ) -> FrameTimes:
        """Build from sorted presentation timestamps in a stream's time base.

        Two frames closer than half a millisecond would round to the same ms;
        later ones are nudged forward by 1 ms so times stay strictly increasing.
        """
        num, den = time_base
        first = pts[0]
        starts: list[int] = []
        previous = -1
        for p in pts:
            ms = _round_ms((p - first) * num * 1000, den)
            if ms <= previous:
                ms = previous + 1
            starts.append(ms)
            previous = ms
        end = _round_ms((pts[-1] - first + max(last_duration, 1)) * num * 1000, den)
        return cls(tuple(starts), max(end, previous + 1))

    @property
    def frame_count(self) -> int:
        return len(self.starts_ms)

    @property
    def duration_ms(self) -> int:
        return self.end_ms

    def check_frame(self, frame: int) -> None:
        if not 0 <= frame < len(self.starts_ms):
            raise FrameOutOfRange(
                f"frame {frame} is out of range: this video has frames 0 to "
                f"{len(self.starts_ms) - 1}"
            )

    def frame_to_ms(self, frame: int) -> int:
        """When frame ``frame`` first appears, in ms from the start."""
        self.check_frame(frame)
        return self.starts_ms[frame]

    def frame_end_ms(self, frame: int) -> int:
        """When frame ``frame`` is replaced by the next (or the video ends)."""
        self.check_frame(frame)
        if frame + 1 < len(self.starts_ms):
            return self.starts_ms[frame + 1]
        return self.end_ms

    def ms_to_frame(self, ms: float) -> int:
        """The frame on screen at ``ms``; times outside the video clamp to the first/last."""
        return max(0, min(bisect_right(self.starts_ms, ms) - 1, len(self.starts_ms) - 1))

    def span_ms(self, start_frame: int, end_frame: int) -> tuple[int, int]:
        """The [start, end) ms of frames start..end inclusive."""
        return self.frame_to_ms(start_frame), self.frame_end_ms(end_frame)


def _round_ms(numerator: int, denominator: int) -> int:
    """Round numerator/denominator to the nearest integer, halves up, in exact arithmetic."""
    return (2 * numerator + denominator) // (2 * denominator)
