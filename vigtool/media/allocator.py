"""Keep glibc from handing decoded-frame memory back to the OS after every frame.

A cold seek decodes a GOP and keeps every frame (for stepping back), so the
decoder cannot recycle its buffers and allocates fresh multi-MB blocks. By
default glibc serves those with mmap and returns them on free, so each block
costs thousands of page faults and zeroing. Serving them from the heap, and
trimming it only past a large threshold, makes a cold 1080p seek ~10-15%
faster (benchmarks/bench_media.py). Linux/glibc only; elsewhere a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 64 * 1024 * 1024
_TRIM_THRESHOLD = 256 * 1024 * 1024
_done = False


def tune_for_video_frames() -> None:
    """Apply once per process; safe to call again."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return
    _done = True
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return  # not glibc (e.g. musl): nothing to tune
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
