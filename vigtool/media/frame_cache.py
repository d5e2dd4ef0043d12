"""A thread-safe cache of decoded frames around the playhead, bounded by bytes.

Decoded frames are kept in the decoder's own pixel format (YUV is half the
size of RGB). When full, it drops the frame *farthest from the playhead*
(not the least recently used: the frames just behind the playhead, which a
person stepping back is about to ask for, were decoded long ago but must stay).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import av

MIN_CACHE_BYTES = 384 * 1024 * 1024
MAX_CACHE_BYTES = 1536 * 1024 * 1024
DEFAULT_CACHE_BYTES = MIN_CACHE_BYTES


def budget_for(frame_size: int, gop_frames: int, gops: int = 3) -> int:
    """Enough for ``gops`` GOPs around the playhead, within sane memory limits."""
    return max(MIN_CACHE_BYTES, min(MAX_CACHE_BYTES, frame_size * gop_frames * gops))


def frame_bytes(frame: av.VideoFrame) -> int:
    return sum(plane.buffer_size for plane in frame.planes)


class FrameCache:
    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._max_bytes = max_bytes
        self._frames: OrderedDict[int, av.VideoFrame] = OrderedDict()
        self._sizes: dict[int, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self.focus = 0  # the playhead: frames far from it are dropped first

    def get(self, number: int) -> av.VideoFrame | None:
        with self._lock:
            frame = self._frames.get(number)
            if frame is not None:
                self._frames.move_to_end(number)
            return frame

    def __contains__(self, number: int) -> bool:
        with self._lock:
            return number in self._frames

    def put(self, number: int, frame: av.VideoFrame) -> None:
        size = frame_bytes(frame)
        with self._lock:
            if number in self._frames:
                self._frames.move_to_end(number)
                return
            self._frames[number] = frame
            self._sizes[number] = size
            self._bytes += size
            while self._bytes > self._max_bytes and len(self._frames) > 1:
                focus = self.focus
                far = max(self._frames, key=lambda n: abs(n - focus))
                del self._frames[far]
                self._bytes -= self._sizes.pop(far)

    def set_budget(self, max_bytes: int) -> None:
        with self._lock:
            self._max_bytes = max_bytes

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()
            self._sizes.clear()
            self._bytes = 0

    @property
    def bytes_used(self) -> int:
        with self._lock:
            return self._bytes
