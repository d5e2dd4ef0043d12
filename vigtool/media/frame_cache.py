"""A thread-safe LRU of decoded frames, bounded by bytes rather than count.

Decoded frames are kept in the decoder's own pixel format (YUV is half the
size of RGB), so a cache of a few hundred MB holds a couple of GOPs of 1080p
around the playhead and stepping back is a cache hit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import av

DEFAULT_CACHE_BYTES = 384 * 1024 * 1024


def frame_bytes(frame: av.VideoFrame) -> int:
    return sum(plane.buffer_size for plane in frame.planes)


class FrameCache:
    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._max_bytes = max_bytes
        self._frames: OrderedDict[int, av.VideoFrame] = OrderedDict()
        self._sizes: dict[int, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()

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
                old, _ = self._frames.popitem(last=False)
                self._bytes -= self._sizes.pop(old)

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()
            self._sizes.clear()
            self._bytes = 0

    @property
    def bytes_used(self) -> int:
        with self._lock:
            return self._bytes
