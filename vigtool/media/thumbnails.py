"""Small pictures along the timeline, fast enough to fill an hour's strip in seconds.

A thumbnail strip does not need exact frames, so for each requested frame
this decodes only the keyframe at or before it: the decoder is told to skip
every other frame (``skip_frame = "NONKEY"``), keyframes are visited in file
order, and each keyframe is decoded once however many requested frames it
stands for. Every thumbnail is yielded as soon as it is ready, so a GUI can
draw the strip as it fills.

Threading: a plain generator; run it in a worker thread and hand each
Thumbnail to the GUI thread. Closing the generator (or letting it go)
closes the file; FFmpeg's decoder threads end with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.container
import cv2
import numpy as np
import numpy.typing as npt

from vigtool.errors import FrameOutOfRange, MediaError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.frame_index import FrameIndex
from vigtool.media.opening import open_video

RGBImage = npt.NDArray[np.uint8]
DEFAULT_HEIGHT = 72


@dataclass(frozen=True, eq=False)
class Thumbnail:
    """One small upright RGB picture (height x width x 3, uint8).

    ``frame`` is the frame it really shows: the keyframe at or before every
    frame in ``requested``, the requested frames it stands for (sorted).
    """

    frame: int
    image: RGBImage
    requested: tuple[int, ...]


def thumbnail_frames(frame_count: int, count: int) -> list[int]:
    """``count`` evenly spaced frames: the middle frame of each of ``count`` equal slots.

    Middles rather than starts, because a thumbnail shows the keyframe at or
    before the frame asked for, and from a slot's middle that keyframe
    usually still lies inside the slot. Fewer come back when the video has
    fewer than ``count`` frames.
    """
    if frame_count <= 0 or count <= 0:
        return []
    if count >= frame_count:
        return list(range(frame_count))
    return [(2 * i + 1) * frame_count // (2 * count) for i in range(count)]


def iter_thumbnails(
    path: Path,
    index: FrameIndex,
    *,
    frames: Sequence[int],
    height: int = DEFAULT_HEIGHT,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Iterator[Thumbnail]:
    """Yield a Thumbnail per distinct keyframe behind ``frames``, in frame order.

    Each picture is ``height`` pixels tall and as wide as the displayed
    aspect ratio (display rotation and sample aspect ratio applied) says.
    ``progress(done, total)`` counts thumbnails. Frame numbers are checked
    now (FrameOutOfRange); the file is opened on the first ``next()`` and
    closed when the generator finishes, fails, is cancelled (Cancelled) or
    is closed early. A keyframe the decoder cannot produce is left out
    rather than shown as another frame.
    """
    if height <= 0:
        raise ValueError("height must be positive")
    for frame in frames:
        if not 0 <= frame < index.frame_count:
            raise FrameOutOfRange(
                f"frame {frame} is out of range: this video has frames 0 to "
                f"{index.frame_count - 1}"
            )
    groups: dict[int, set[int]] = {}
    for frame in frames:
        groups.setdefault(index.keyframe_at_or_before(frame), set()).add(frame)
    plan = [(key, tuple(sorted(groups[key]))) for key in sorted(groups)]
    return _generate(path, index, plan, height, progress, cancel)


def _generate(
    path: Path,
    index: FrameIndex,
    plan: list[tuple[int, tuple[int, ...]]],
    height: int,
    progress: Progress,
    cancel: CancelToken,
) -> Iterator[Thumbnail]:
    if not plan:
        return
    # The with block is the generator's try/finally: the file is closed on
    # exhaustion, on an error or cancel, and when the consumer closes the
    # generator (or drops it) part-way.
    with open_video(path) as container:
        grabber = _KeyframeGrabber(path, container, index)
        for done, (key, requested) in enumerate(plan, start=1):
            cancel.raise_if_cancelled()
            found = grabber.grab(key, requested[0])
            progress(done, len(plan))
            if found is not None:
                number, frame = found
                image = _scaled_upright(frame, grabber.sample_aspect, height)
                yield Thumbnail(number, image, requested)


class _KeyframeGrabber:
    """Decodes keyframes by number, seeking only when one would otherwise decode extra ones."""

    def __init__(
        self, path: Path, container: av.container.InputContainer, index: FrameIndex
    ) -> None:
        self._container = container
        self._index = index
        self._stream = container.streams.video[0]
        if self._stream.index != index.stream_index:
            raise MediaError(f"{path.name} changed since it was indexed; import it again")
        self._stream.thread_type = "AUTO"
        self._stream.codec_context.skip_frame = "NONKEY"
        # Some decoders (VP9) ignore skip_frame; then stepping on costs a
        # whole GOP of decoding and seeking to every keyframe is cheaper.
        self._skips_nonkey = True
        self._frames: Iterator[av.VideoFrame] | None = None
        self._last: int | None = None
        self.sample_aspect = _sample_aspect(self._stream)

    def grab(self, key: int, limit: int) -> tuple[int, av.VideoFrame] | None:
        """The frame at ``key`` (or a later one up to ``limit``), with its number."""
        if not (self._skips_nonkey and self._last is not None and self._next_key() == key):
            self._seek(key)
        found = self._run(key, limit)
        if found is None:
            # The container called it a keyframe but the decoder skipped it:
            # decode that GOP normally for this one picture.
            self._stream.codec_context.skip_frame = "DEFAULT"
            try:
                self._seek(key)
                found = self._run(key, limit)
            finally:
                self._stream.codec_context.skip_frame = "NONKEY"
                self._frames = None
                self._last = None
        return found

    def _next_key(self) -> int | None:
        assert self._last is not None
        return self._index.next_keyframe_after(self._last)

    def _seek(self, key: int) -> None:
        self._container.seek(
            int(self._index.dts[key]), stream=self._stream, backward=True, any_frame=False
        )
        self._frames = self._container.decode(self._stream)
        self._last = None

    def _run(self, key: int, limit: int) -> tuple[int, av.VideoFrame] | None:
        frames = self._frames
        if frames is None:
            return None
        try:
            for frame in frames:
                number = self._number_of(frame)
                if number is None or number < key:
                    continue
                if not self._index.keyframe[number]:
                    self._skips_nonkey = False
                if number > limit:
                    break
                self._last = number
                return number, frame
        except av.FFmpegError:
            pass
        self._frames = None
        self._last = None
        return None

    def _number_of(self, frame: av.VideoFrame) -> int | None:
        pts = frame.pts if frame.pts is not None else frame.dts
        if pts is None:
            return None
        pts_table = self._index.pts
        number = int(np.searchsorted(pts_table, pts))
        if number < pts_table.shape[0] and int(pts_table[number]) == pts:
            return number
        return None


def _sample_aspect(stream: av.VideoStream) -> Fraction:
    for sar in (stream.sample_aspect_ratio, stream.codec_context.sample_aspect_ratio):
        if sar is not None and sar > 0:
            return Fraction(sar)
    return Fraction(1)


def _scaled_upright(frame: av.VideoFrame, sample_aspect: Fraction, height: int) -> RGBImage:
    """The frame as RGB, turned upright and scaled to ``height`` rows, aspect ratio kept."""
    turns = (frame.rotation // 90) % 4
    shown_w = frame.width * sample_aspect
    shown_h = Fraction(frame.height)
    if turns % 2:
        shown_w, shown_h = shown_h, shown_w
    width = max(1, round(height * shown_w / shown_h))
    # Scale in stored orientation, then turn the small picture.
    size = (height, width) if turns % 2 else (width, height)
    rgb = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
    small = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    if turns:
        small = np.ascontiguousarray(np.rot90(small, k=turns))
    return small
