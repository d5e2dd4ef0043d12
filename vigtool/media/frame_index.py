"""The frame index: every video frame's timestamp, in presentation order, from demuxing alone.

A timestamp in ms is not a frame on variable-frame-rate video, so every
frame number in vigtool is an index into this table. Building it reads packet
headers only (no decoding): seconds for an hour of video. It is cached on disk
per recording content hash, because it never changes for the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from vigtool.domain.timebase import FrameTimes
from vigtool.errors import MediaError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.opening import open_video
from vigtool.privacy.files import atomic_write_bytes

INDEX_FORMAT_VERSION = 1
_PROGRESS_EVERY = 2048

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class FrameIndex:
    """Per-frame timestamps in presentation order for one video stream.

    ``pts[n]`` is frame n's presentation timestamp in ``time_base`` units;
    ``dts[n]`` the decode timestamp of the packet that carried it (what a
    demuxer seeks by); ``keyframe[n]`` whether decoding may start there.
    """

    stream_index: int
    time_base: tuple[int, int]
    pts: IntArray
    dts: IntArray
    keyframe: BoolArray
    last_duration: int

    @property
    def frame_count(self) -> int:
        return int(self.pts.shape[0])

    @cached_property
    def times(self) -> FrameTimes:
        return FrameTimes.from_pts(self.pts.tolist(), self.time_base, self.last_duration)

    def keyframe_at_or_before(self, frame: int) -> int:
        """The nearest frame <= ``frame`` (presentation order) where decoding can start."""
        keys = self.keyframe_positions
        pos = int(np.searchsorted(keys, frame, side="right")) - 1
        return int(keys[max(pos, 0)])

    def keyframe_before(self, key_frame: int) -> int | None:
        """The keyframe before the keyframe at ``key_frame``, or None at the start."""
        keys = self.keyframe_positions
        pos = int(np.searchsorted(keys, key_frame, side="left")) - 1
        return int(keys[pos]) if pos >= 0 else None

    def next_keyframe_after(self, frame: int) -> int | None:
        keys = self.keyframe_positions
        pos = int(np.searchsorted(keys, frame, side="right"))
        return int(keys[pos]) if pos < len(keys) else None

    @cached_property
    def keyframe_positions(self) -> IntArray:
        """Frame numbers where decoding can start; frame 0 always can."""
        keys = np.flatnonzero(self.keyframe).astype(np.int64)
        if keys.size == 0 or keys[0] != 0:
            keys = np.concatenate([np.array([0], np.int64), keys[keys != 0]])
        return keys

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez(
            buf,
            version=np.array([INDEX_FORMAT_VERSION]),
            meta=np.array(
                [self.stream_index, self.time_base[0], self.time_base[1], self.last_duration]
            ),
            pts=self.pts,
            dts=self.dts,
            keyframe=self.keyframe,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> FrameIndex:
        with np.load(io.BytesIO(data)) as z:
            if int(z["version"][0]) != INDEX_FORMAT_VERSION:
                raise ValueError("frame index written by another vigtool version")
            stream_index, num, den, last_duration = (int(v) for v in z["meta"])
            return cls(
                stream_index=stream_index,
                time_base=(num, den),
                pts=z["pts"].astype(np.int64),
                dts=z["dts"].astype(np.int64),
                keyframe=z["keyframe"].astype(np.bool_),
                last_duration=last_duration,
            )


def build_frame_index(
    path: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> FrameIndex:
    """Demux ``path``'s first video stream (no decoding) into a FrameIndex.

    Raises MediaError if the file is not a readable video, has no frames, or
    stops early (damaged or incomplete).
    """
    pts_list: list[int] = []
    dts_list: list[int] = []
    key_list: list[bool] = []
    last_duration = 0
    with open_video(path) as container:
        stream = container.streams.video[0]
        stream_index = stream.index
        expected = int(stream.frames or 0)
        tb = stream.time_base
        if tb is None:
            raise MediaError(f"{path.name}: the video stream has no time base")
        total = expected or 1
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                pts = packet.pts
                dts = packet.dts
                if pts is None:
                    pts = dts if dts is not None else _guess_next(pts_list, last_duration)
                pts_list.append(pts)
                dts_list.append(dts if dts is not None else pts)
                key_list.append(packet.is_keyframe)
                last_duration = packet.duration or last_duration
                if len(pts_list) % _PROGRESS_EVERY == 0:
                    cancel.raise_if_cancelled()
                    progress(len(pts_list), max(total, len(pts_list)))
        except av.FFmpegError as exc:
            raise MediaError(
                f"{path.name} is damaged or incomplete: reading stopped after "
                f"{len(pts_list)} frames"
            ) from exc
    if not pts_list:
        raise MediaError(
            f"{path.name} is damaged or incomplete: no frame of its video could be read"
        )
    if expected and len(pts_list) < expected:
        raise MediaError(
            f"{path.name} is damaged or incomplete: it should hold {expected} frames "
            f"but only {len(pts_list)} could be read"
        )
    progress(len(pts_list), len(pts_list))
    return _assemble(stream_index, (tb.numerator, tb.denominator), pts_list, dts_list, key_list,
                     last_duration)


def _guess_next(pts_list: Sequence[int], last_duration: int) -> int:
    if not pts_list:
        return 0
    return pts_list[-1] + max(last_duration, 1)


def _assemble(
    stream_index: int,
    time_base: tuple[int, int],
    pts_list: list[int],
    dts_list: list[int],
    key_list: list[bool],
    last_duration: int,
) -> FrameIndex:
    pts = np.asarray(pts_list, dtype=np.int64)
    order = np.argsort(pts, kind="stable")
    sorted_pts = pts[order]
    if last_duration <= 0:
        diffs = np.diff(sorted_pts)
        last_duration = int(np.median(diffs)) if diffs.size else 1
    return FrameIndex(
        stream_index=stream_index,
        time_base=time_base,
        pts=sorted_pts,
        dts=np.asarray(dts_list, dtype=np.int64)[order],
        keyframe=np.asarray(key_list, dtype=np.bool_)[order],
        last_duration=max(last_duration, 1),
    )


def load_or_build_frame_index(
    path: Path,
    cache_file: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> FrameIndex:
    """Read the cached index for this content, or build it and cache it atomically."""
    if cache_file.is_file():
        try:
            return FrameIndex.from_bytes(cache_file.read_bytes())
        except (OSError, ValueError, KeyError):
            pass  # a stale or damaged cache is rebuilt below
    index = build_frame_index(path, progress=progress, cancel=cancel)
    atomic_write_bytes(cache_file, index.to_bytes())
    return index
