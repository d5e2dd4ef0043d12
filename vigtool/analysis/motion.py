"""How much the picture moves inside each candidate span: a reach, a lean, a turn towards.

Motion is a supporting cue, never a reason on its own: it only reorders
suggestions the voices already found, so only their spans are read (each
pass starts at the keyframe before a span; spans close together are read
in one pass). Pictures that no other picture refers to (B-frames) are
skipped, and the in-loop deblocking filter too; from each decoded picture
only the brightness plane is read, every 8th pixel of every 8th row,
straight from FFmpeg's buffer. Motion energy is the mean absolute
difference between successive such pictures, in the left and right halves
separately (the partners usually sit side by side).

A span's motion is the busier half's mean over the span's top quarter of
pictures, so one reach counts in an otherwise still span, as a multiple of
that half's median over all the spans read (1.0 = as much as usual in this
film's exchanges).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Final

import av
import av.container
import numpy as np
import numpy.typing as npt

from vigtool.errors import MediaError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.opening import open_video

_STEP: Final = 8  # read every 8th pixel of every 8th row
_JOIN_MS: Final = 3000  # spans closer than this are read in one pass
_LEAST_USUAL: Final = 1.0  # grey levels: the least change that counts as "usual"
_CHECK_EVERY: Final = 32  # pictures between looks at the cancel flag
# Formats whose first plane is 8-bit brightness, read as they are; others are converted.
_EIGHT_BIT_LUMA_FIRST: Final = frozenset(
    {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21", "gray"}
)

FloatArray = npt.NDArray[np.float64]


def span_motion(
    path: Path,
    spans: Sequence[tuple[int, int]],
    *,
    origin_ms: float = 0.0,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> list[float | None]:
    """Each ``(start_ms, end_ms)`` span's motion (see the module notes).

    None for a span with too few pictures, and for every span when the film
    has no picture or the picture cannot be read (only a supporting cue is
    lost). ``origin_ms`` is the first frame's time on the file's clock.
    """
    if not spans:
        return []
    try:
        times, left, right = _read(path, spans, origin_ms, progress, cancel)
    except MediaError:
        return [None] * len(spans)
    if times.size < 2:
        return [None] * len(spans)
    usual = [max(float(np.median(half)), _LEAST_USUAL) for half in (left, right)]
    out: list[float | None] = []
    for start, end in spans:
        inside = (times >= start) & (times <= end)
        if np.count_nonzero(inside) < 2:
            out.append(None)
            continue
        best = 0.0
        for half, norm in zip((left, right), usual, strict=True):
            values = np.sort(half[inside])
            best = max(best, float(values[int(values.size * 0.75) :].mean()) / norm)
        out.append(round(best, 3))
    return out


def _read(
    path: Path,
    spans: Sequence[tuple[int, int]],
    origin_ms: float,
    progress: Progress,
    cancel: CancelToken,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Motion energy of every picture decoded in the spans' passes: time, left, right."""
    times: list[float] = []
    left: list[float] = []
    right: list[float] = []
    passes = _passes(spans)
    total = sum(b - a for a, b in passes) or 1
    done = 0
    try:
        with open_video(path) as container:
            if not container.streams.video:
                raise MediaError(f"{path.name} has no picture")
            stream = container.streams.video[0]
            stream.codec_context.skip_frame = "NONREF"
            stream.codec_context.options = {"skip_loop_filter": "all"}
            time_base = stream.time_base or Fraction(1, 1000)
            for start, end in passes:
                _read_pass(container, stream, time_base, origin_ms, (start, end), cancel,
                           (times, left, right))
                done += end - start
                progress(done, total)
    except av.FFmpegError as exc:
        raise MediaError(f"{path.name}: the picture could not be read for motion") from exc
    return np.array(times), np.array(left), np.array(right)


def _passes(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a - out[-1][1] <= _JOIN_MS:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _read_pass(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    time_base: Fraction,
    origin_ms: float,
    span: tuple[int, int],
    cancel: CancelToken,
    into: tuple[list[float], list[float], list[float]],
) -> None:
    start_ms, end_ms = span
    target = int((start_ms + origin_ms) / 1000 / time_base)
    container.seek(max(target, 0), stream=stream, backward=True, any_frame=False)
    previous: npt.NDArray[np.int16] | None = None
    for n, frame in enumerate(container.decode(stream)):
        if n % _CHECK_EVERY == 0:
            cancel.raise_if_cancelled()
        if frame.pts is None:
            continue
        ms = float(frame.pts * time_base) * 1000 - origin_ms
        if ms > end_ms:
            break
        picture = _brightness(frame)
        if previous is not None and ms >= start_ms and picture.shape == previous.shape:
            change = np.abs(picture - previous)
            half = change.shape[1] // 2
            into[0].append(ms)
            into[1].append(float(change[:, :half].mean()))
            into[2].append(float(change[:, half:].mean()))
        previous = picture


def _brightness(frame: av.VideoFrame) -> npt.NDArray[np.int16]:
    """Every 8th brightness sample of every 8th row, from the frame's own buffer."""
    if frame.format.name not in _EIGHT_BIT_LUMA_FIRST:
        frame = frame.reformat(format="gray")
    plane = frame.planes[0]
    rows = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(plane.height, plane.line_size)
    return rows[::_STEP, : plane.width : _STEP].astype(np.int16)
