"""How much the picture moves, over the whole film: a reach, a lean, a turn towards.

Motion is a supporting cue, never a reason on its own: it only reorders
suggestions the voices already found. It is cheap so that it can run in a
second thread while the sound is read: pictures that no other picture
refers to (B-frames) are skipped, and the in-loop deblocking filter too;
from each decoded picture only the brightness plane is read, every 8th
pixel of every 8th row, straight from FFmpeg's buffer. Motion energy is
the mean absolute difference between successive such pictures, in the left
and right halves separately (the partners usually sit side by side).

A span's motion (:meth:`MotionSeries.span_motion`) is the busier half's
mean over the span's top quarter of pictures, so one reach counts in an
otherwise still span, as a multiple of that half's median over the whole
film (1.0 = as much as usual in this film).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import numpy as np
import numpy.typing as npt

from vigtool.errors import MediaError
from vigtool.jobs import NEVER_CANCELLED, CancelToken
from vigtool.media.opening import open_video

_STEP: Final = 8  # read every 8th pixel of every 8th row
_LEAST_USUAL: Final = 1.0
_CHECK_EVERY: Final = 64  # pictures between looks at the cancel flag
# Formats whose first plane is 8-bit brightness, read as they are; others are converted.
_EIGHT_BIT_LUMA_FIRST: Final = frozenset(
    {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21", "gray"}
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class MotionSeries:
    """Motion energy per decoded picture: its time (ms from the first frame) and both halves."""

    ms: FloatArray
    left: FloatArray
    right: FloatArray

    def span_motion(self, start_ms: int, end_ms: int) -> float | None:
        """The span's motion as a multiple of the film's usual (None with too few pictures)."""
        inside = (self.ms >= start_ms) & (self.ms <= end_ms)
        if np.count_nonzero(inside) < 2:
            return None
        best = 0.0
        for half in (self.left, self.right):
            # A still camera on a still room has a median near 0; a grey
            # level of change is the least that counts as "usual".
            usual = max(float(np.median(half)), _LEAST_USUAL)
            values = np.sort(half[inside])
            peak = float(values[int(values.size * 0.75) :].mean())
            best = max(best, peak / usual)
        return round(best, 3)


def motion_series(
    path: Path, *, origin_ms: float = 0.0, cancel: CancelToken = NEVER_CANCELLED
) -> MotionSeries | None:
    """Motion energy over the whole film at ``path``; None if it has no picture.

    ``origin_ms`` is the first frame's time on the file's clock, so the
    series' times count from the first frame like everything else.
    """
    times: list[float] = []
    left: list[float] = []
    right: list[float] = []
    try:
        with open_video(path) as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            # One decoding thread: the sound has the other core, and FFmpeg's
            # frame threads cost more in hand-offs than they gain on small pictures.
            stream.codec_context.skip_frame = "NONREF"
            stream.codec_context.options = {"skip_loop_filter": "all"}
            time_base = stream.time_base or Fraction(1, 1000)
            previous: npt.NDArray[np.int16] | None = None
            for n, frame in enumerate(container.decode(stream)):
                if n % _CHECK_EVERY == 0:
                    cancel.raise_if_cancelled()
                if frame.pts is None:
                    continue
                picture = _brightness(frame)
                if previous is not None and picture.shape == previous.shape:
                    change = np.abs(picture - previous)
                    half = change.shape[1] // 2
                    times.append(float(frame.pts * time_base) * 1000 - origin_ms)
                    left.append(float(change[:, :half].mean()))
                    right.append(float(change[:, half:].mean()))
                previous = picture
    except av.FFmpegError as exc:
        raise MediaError(f"{path.name}: the picture could not be read for motion") from exc
    cancel.raise_if_cancelled()
    return MotionSeries(np.array(times), np.array(left), np.array(right))


def _brightness(frame: av.VideoFrame) -> npt.NDArray[np.int16]:
    """Every 8th brightness sample of every 8th row, from the frame's own buffer."""
    if frame.format.name not in _EIGHT_BIT_LUMA_FIRST:
        frame = frame.reformat(format="gray")
    plane = frame.planes[0]
    rows = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(plane.height, plane.line_size)
    return rows[::_STEP, : plane.width : _STEP].astype(np.int16)
