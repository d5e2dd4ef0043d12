"""Exact frames by number: seek to the keyframe at or before, decode forward, cache.

VLC cannot step backwards and its clock is coarse, so whenever the player is
paused, stepping or scrubbing, the picture comes from here. Frame ``n`` is
the n-th frame in presentation order per the recording's FrameIndex.

Threading: one owner thread calls ``frame()``; the reader itself runs one
background thread that decodes the GOP before the playhead when the playhead
nears a GOP start, so holding the Left key never stalls on a seek.
``close()`` (or the context manager) stops it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import av
import av.container
import numpy as np
import numpy.typing as npt

from vigtool.errors import MediaError
from vigtool.media.allocator import tune_for_video_frames
from vigtool.media.frame_cache import DEFAULT_CACHE_BYTES, FrameCache, budget_for, frame_bytes
from vigtool.media.frame_index import FrameIndex
from vigtool.media.opening import open_video

RGBImage = npt.NDArray[np.uint8]
_SEEK_BACKOFF_S: tuple[float | None, ...] = (0.0, 2.0, 10.0, None)
_PREFETCH_WAIT_S = 5.0


def to_rgb(frame: av.VideoFrame) -> RGBImage:
    """The frame as RGB, turned upright as its display matrix says."""
    rgb = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
    turns = (frame.rotation // 90) % 4
    if turns:
        rgb = np.ascontiguousarray(np.rot90(rgb, k=turns))
    return rgb


class _Decoder:
    """One demuxer + decoder over the file, remembering where it stands."""

    def __init__(self, path: Path, index: FrameIndex, frame_of_pts: dict[int, int]) -> None:
        self._index = index
        self._frame_of_pts = frame_of_pts
        self._exit = contextlib.ExitStack()
        self._container: av.container.InputContainer = self._exit.enter_context(
            open_video(path)
        )
        self._stream = self._container.streams.video[0]
        if self._stream.index != index.stream_index:
            raise MediaError(f"{path.name} changed since it was indexed; import it again")
        self._stream.thread_type = "AUTO"
        self._frames: Iterator[av.VideoFrame] | None = None
        self.last_decoded: int | None = None

    def close(self) -> None:
        self._frames = None
        self._exit.close()

    def decode_through(self, target: int, cache: FrameCache) -> None:
        """Decode until frame ``target`` is in ``cache``, caching every frame on the way."""
        key = self._index.keyframe_at_or_before(target)
        last = self.last_decoded
        if last is not None and key <= last + 1 <= target and self._run(target, cache):
            return  # continuing from where the decoder stands beats a seek
        for back_seconds in _SEEK_BACKOFF_S:
            self._seek(key, back_seconds)
            if self._run(target, cache):
                return
        raise MediaError(f"frame {target} could not be decoded; the file may be damaged")

    def _seek(self, key: int, back_seconds: float | None) -> None:
        """Seek to (or before) keyframe ``key``; ``back_seconds`` earlier, or the file start.

        MP4/MOV/MKV land exactly on the keyframe; MPEG-TS seeks are approximate and
        may land after it, so retries aim earlier. Landing early costs only demuxing.
        """
        key_pts = int(self._index.pts[key])
        if back_seconds is None:
            self._container.seek(0, backward=True, any_frame=False)
        else:
            num, den = self._index.time_base
            target = key_pts - int(back_seconds * den / num)
            self._container.seek(target, stream=self._stream, backward=True, any_frame=False)
        self._frames = self._decode_from(key_pts)
        self.last_decoded = None

    def _decode_from(self, key_pts: int) -> Iterator[av.VideoFrame]:
        """Decode starting at the keyframe packet with ``key_pts``, skipping what comes before.

        Demuxers land the seek on a keyframe at or before the one asked for
        (MP4 may land a whole GOP early); packets before ours are skipped
        without decoding. If the seek landed after it, nothing is yielded and
        the caller retries from an earlier keyframe.
        """
        started = False
        for packet in self._container.demux(self._stream):
            if not started:
                at = packet.pts if packet.pts is not None else packet.dts
                if at is None or not packet.is_keyframe:
                    continue
                if at > key_pts:
                    return
                if at != key_pts:
                    continue
                started = True
            yield from packet.decode()

    def _run(self, target: int, cache: FrameCache) -> bool:
        """Decode forward; True once ``target`` is cached, False if it was passed or missed."""
        frames = self._frames
        if frames is None:
            return False
        try:
            for frame in frames:
                number = self._number_of(frame)
                if number is None:
                    continue
                if self.last_decoded is None and number > target:
                    return False  # the seek landed after the target: try an earlier keyframe
                cache.put(number, frame)
                self.last_decoded = number
                if number >= target:
                    return target in cache
        except av.FFmpegError:
            pass
        self._frames = None
        self.last_decoded = None
        return False

    def _number_of(self, frame: av.VideoFrame) -> int | None:
        pts = frame.pts if frame.pts is not None else frame.dts
        if pts is None:
            return None
        return self._frame_of_pts.get(int(pts))


class FrameReader:
    """Random access to exact frames of one video, with an LRU cache around the playhead."""

    def __init__(
        self,
        path: Path,
        index: FrameIndex,
        *,
        cache_bytes: int | None = None,
        prefetch: bool = True,
    ) -> None:
        """``cache_bytes`` None sizes the cache for three GOPs at this video's frame size."""
        tune_for_video_frames()
        self._path = path
        self._index = index
        self._frame_of_pts = {int(p): n for n, p in enumerate(index.pts.tolist())}
        self._cache = FrameCache(cache_bytes or DEFAULT_CACHE_BYTES)
        self._auto_budget = cache_bytes is None
        self._decoder = _Decoder(path, index, self._frame_of_pts)
        self._prefetcher: _Prefetcher | None = None
        if prefetch and index.keyframe_positions.size > 1:
            self._prefetcher = _Prefetcher(
                _Decoder(path, index, self._frame_of_pts), index, self._cache
            )
            self._prefetcher.start()

    @property
    def frame_count(self) -> int:
        return self._index.frame_count

    @property
    def index(self) -> FrameIndex:
        return self._index

    def av_frame(self, number: int) -> av.VideoFrame:
        """The decoded frame ``number`` as PyAV gives it (not rotated)."""
        self._index.times.check_frame(number)
        self._cache.focus = number
        frame = self._cache.get(number)
        if frame is None:
            if self._prefetcher is not None:
                self._prefetcher.wait_for(number)
                frame = self._cache.get(number)
            if frame is None:
                self._decoder.decode_through(number, self._cache)
                frame = self._cache.get(number)
        if frame is None:  # pragma: no cover - decode_through raises instead
            raise MediaError(f"frame {number} could not be decoded")
        if self._auto_budget:
            self._auto_budget = False
            keys = self._index.keyframe_positions
            gop = int(np.median(np.diff(keys))) if keys.size > 1 else self._index.frame_count
            self._cache.set_budget(budget_for(frame_bytes(frame), max(gop, 1)))
        self._prefetch_behind(number)
        return frame

    def frame(self, number: int) -> RGBImage:
        """Frame ``number`` as an upright RGB image (H x W x 3, uint8)."""
        return to_rgb(self.av_frame(number))

    def _prefetch_behind(self, number: int) -> None:
        """Decode the GOP before the playhead's in the background, so stepping back never waits.

        Started as soon as the playhead lands in a GOP (after a seek, a click),
        because decoding a whole GOP takes longer than stepping to its start.
        """
        if self._prefetcher is None:
            return
        key = self._index.keyframe_at_or_before(number)
        if key == 0 or (key - 1) in self._cache:
            return
        earlier = self._index.keyframe_before(key)
        if earlier is not None:
            self._prefetcher.request(earlier, key - 1)

    def close(self) -> None:
        if self._prefetcher is not None:
            self._prefetcher.stop()
            self._prefetcher = None
        self._decoder.close()
        self._cache.clear()

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _Prefetcher(threading.Thread):
    """Decodes whole GOPs into the shared cache on its own decoder, one request at a time."""

    def __init__(self, decoder: _Decoder, index: FrameIndex, cache: FrameCache) -> None:
        super().__init__(name="vigtool-frame-prefetch", daemon=True)
        self._decoder = decoder
        self._index = index
        self._cache = cache
        self._requests: queue.Queue[tuple[int, int] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[int, threading.Event]] = {}

    def request(self, first: int, last: int) -> None:
        with self._lock:
            if first in self._pending:
                return
            self._pending[first] = (last, threading.Event())
        self._requests.put((first, last))

    def wait_for(self, number: int) -> None:
        """If ``number`` is being prefetched, wait for it rather than decode it twice."""
        with self._lock:
            events = [ev for first, (last, ev) in self._pending.items() if first <= number <= last]
        for event in events:
            event.wait(_PREFETCH_WAIT_S)

    def run(self) -> None:
        while (job := self._requests.get()) is not None:
            first, last = job
            with contextlib.suppress(MediaError, av.FFmpegError):
                if last not in self._cache:
                    self._decoder.decode_through(last, self._cache)
            with self._lock:
                done = self._pending.pop(first, None)
            if done is not None:
                done[1].set()
        self._decoder.close()

    def stop(self) -> None:
        """Drop queued work and stop after the GOP in hand."""
        while True:
            try:
                self._requests.get_nowait()
            except queue.Empty:
                break
        with self._lock:
            for _, event in self._pending.values():
                event.set()
            self._pending.clear()
        self._requests.put(None)
        self.join()
