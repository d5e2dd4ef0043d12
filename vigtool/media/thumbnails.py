"""Small pictures along the timeline, fast enough to fill an hour's strip in seconds.

A thumbnail strip does not need exact frames, so for each requested frame
this decodes only the keyframe at or before it, each keyframe once however
many requested frames it stands for, visiting them in file order.

How it stays fast:

* Only keyframe packets reach the decoder. One container demuxes and seeks:
  to a keyframe's pts (where MP4/MOV land exactly; sought by dts, MP4 with
  B-frames lands a whole GOP early), reading on without decoding until the
  keyframe's packet, and reading on rather than seeking when the next
  keyframe wanted is the next one in the file. So a seek that lands early
  costs bytes, never decoding.
* A second container's decoder, which never seeks (a seek flushes the
  decoder), receives those packets back to back with ``thread_type
  "AUTO"``: frame threads decode several keyframes at once. ``skip_frame =
  "NONKEY"`` guards against a packet the container calls a keyframe but
  the decoder does not; such a keyframe is retried at the end without
  skipping.
* Pictures are converted to RGB at full size and shrunk with OpenCV's
  INTER_AREA (sharp and alias-free for big reductions).

Every thumbnail is yielded as soon as the decoder hands it over (after a
few keyframes' pipeline delay), so a GUI can draw the strip as it fills.

Threading: a plain generator; run it in a worker thread and hand each
Thumbnail to the GUI thread. The files are closed when it finishes, fails,
is cancelled, or is closed (or dropped) part-way; FFmpeg's decoder threads
end with them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TypeAlias

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
Packet: TypeAlias = "av.Packet[av.VideoStream]"
DEFAULT_HEIGHT = 72
_SEEK_BACKOFF_S = (0.0, 2.0, 10.0)


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
    ``progress(done, total)`` counts keyframes handled. Frame numbers are
    checked now (FrameOutOfRange); the file is opened on the first
    ``next()`` and closed when the generator finishes, fails, is cancelled
    (Cancelled, checked before each thumbnail) or is closed early. A
    keyframe the decoder cannot produce is left out rather than shown as
    another frame; one it produces only on a second try (see the module
    docstring) comes after the others.
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
    # The with block is the generator's try/finally (see the module docstring).
    with contextlib.ExitStack() as files:
        finder = _PacketFinder(path, files.enter_context(open_video(path)), index)
        decoder = _KeyframeDecoder(files.enter_context(open_video(path)))
        requested_by_key = dict(plan)
        in_flight: dict[int, tuple[int, Packet]] = {}  # pts -> key, packet
        done = 0

        def finish(frames: list[tuple[int, av.VideoFrame]]) -> Iterator[Thumbnail]:
            nonlocal done
            for key, frame in frames:
                cancel.raise_if_cancelled()
                done += 1
                progress(done, len(plan))
                image = _scaled_upright(frame, finder.sample_aspect, height)
                yield Thumbnail(key, image, requested_by_key[key])

        for key, _ in plan:
            cancel.raise_if_cancelled()
            packet = finder.packet(key)
            if packet is None:
                done += 1  # cannot be read: left out
                progress(done, len(plan))
                continue
            in_flight[int(index.pts[key])] = (key, packet)
            yield from finish(_claim(decoder.decode(packet), in_flight))
        cancel.raise_if_cancelled()
        yield from finish(_claim(decoder.drain(), in_flight))
        for key, packet in sorted(in_flight.values(), key=lambda item: item[0]):
            cancel.raise_if_cancelled()
            frame = decoder.decode_alone(packet)
            if frame is None:
                done += 1
                progress(done, len(plan))
                continue
            yield from finish([(key, frame)])


def _claim(
    frames: list[av.VideoFrame], in_flight: dict[int, tuple[int, Packet]]
) -> list[tuple[int, av.VideoFrame]]:
    """Match decoded frames to the keyframes sent, by pts (oldest first if there is none)."""
    matched: list[tuple[int, av.VideoFrame]] = []
    for frame in frames:
        pts = frame.pts
        if pts is None or pts not in in_flight:
            if frame.pts is not None or not in_flight:
                continue  # not a picture we asked for
            pts = min(in_flight)
        key, _ = in_flight.pop(pts)
        matched.append((key, frame))
    return matched


class _PacketFinder:
    """Finds keyframes' packets: seeks, or reads on, but never decodes."""

    def __init__(
        self, path: Path, container: av.container.InputContainer, index: FrameIndex
    ) -> None:
        self._container = container
        self._index = index
        self._stream = container.streams.video[0]
        if self._stream.index != index.stream_index:
            raise MediaError(f"{path.name} changed since it was indexed; import it again")
        self._packets: Iterator[Packet] | None = None
        self._last_key: int | None = None
        self.sample_aspect = _sample_aspect(self._stream)

    def packet(self, key: int) -> Packet | None:
        """The packet carrying keyframe ``key``, or None if it cannot be found."""
        if (
            self._packets is not None
            and self._last_key is not None
            and self._index.next_keyframe_after(self._last_key) == key
        ):
            packet = self._read_to(key)
            if packet is not None:
                return packet
        for ts in self._seek_points(key):
            try:
                self._container.seek(ts, stream=self._stream, backward=True, any_frame=False)
            except av.FFmpegError:
                continue
            self._packets = self._container.demux(self._stream)
            packet = self._read_to(key)
            if packet is not None:
                return packet
        return None

    def _seek_points(self, key: int) -> list[int]:
        """Where to seek for ``key``: its pts, then earlier, then the start.

        MP4/MOV/MKV land on the keyframe (or, MP4, a GOP before it); MPEG-TS
        seeks are approximate and may land after it, hence the retries.
        """
        index = self._index
        num, den = index.time_base
        key_pts = int(index.pts[key])
        start = min(int(index.pts[0]), int(index.dts[0]))
        points = [key_pts - int(back_s * den / num) for back_s in _SEEK_BACKOFF_S]
        return list(dict.fromkeys([*(max(p, start) for p in points), start]))

    def _read_to(self, key: int) -> Packet | None:
        """Demux up to ``key``'s packet; None once past it (the seek overshot) or at the end."""
        packets = self._packets
        if packets is None:
            return None
        target_pts = int(self._index.pts[key])
        target_dts = int(self._index.dts[key])
        try:
            for packet in packets:
                if packet.size == 0:
                    continue
                ts = packet.pts if packet.pts is not None else packet.dts
                if ts == target_pts:
                    self._last_key = key
                    return packet
                if packet.dts is not None and packet.dts > target_dts:
                    break
        except av.FFmpegError:
            pass
        self._packets = None
        self._last_key = None
        return None


class _KeyframeDecoder:
    """A decoder that only ever sees keyframe packets, several in flight on frame threads."""

    def __init__(self, container: av.container.InputContainer) -> None:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        self._codec = stream.codec_context
        self._codec.skip_frame = "NONKEY"

    def decode(self, packet: Packet) -> list[av.VideoFrame]:
        try:
            return list(self._codec.decode(packet))
        except av.FFmpegError:
            return []  # a damaged keyframe; the others still come out

    def drain(self) -> list[av.VideoFrame]:
        """Every picture still in the pipeline; the decoder is ready for more afterwards."""
        try:
            return list(self._codec.decode(None))
        except av.FFmpegError:
            return []
        finally:
            self._codec.flush_buffers()

    def decode_alone(self, packet: Packet) -> av.VideoFrame | None:
        """Decode one packet without skipping (a keyframe only to the container)."""
        self._codec.skip_frame = "DEFAULT"
        try:
            frames = [*self.decode(packet), *self.drain()]
        finally:
            self._codec.skip_frame = "NONKEY"
        return frames[0] if frames else None


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
