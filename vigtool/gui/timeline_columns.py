"""Many things reduced to pixel columns, so the timeline paints fast at any zoom.

At whole-film zoom thousands of moments, turns and sound buckets share a few
hundred columns; drawing per column instead of per item keeps a paint cheap.
Pure numpy, no Qt, so each rule is tested without a display. "x" is in logical
pixels from the left edge of the track area, as in ``timeline_geometry``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from vigtool.gui.timeline_geometry import THUMBNAIL_REACH_MS, IntArray, Viewport

FloatArray = npt.NDArray[np.float64]


def covered_runs(x0: FloatArray, x1: FloatArray, width: int) -> IntArray:
    """Merge spans into runs of whole pixel columns [start, stop) inside [0, width).

    At whole-film zoom thousands of moments share a few hundred columns;
    drawing one rectangle per run instead of per moment keeps paints cheap.
    """
    if len(x0) == 0 or width <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    c0 = np.clip(np.floor(x0), 0, width).astype(np.int64)
    c1 = np.clip(np.maximum(np.ceil(x1), np.floor(x0) + 1), 0, width).astype(np.int64)
    depth = np.cumsum(np.bincount(c0, minlength=width + 1) - np.bincount(c1, minlength=width + 1))
    covered = np.concatenate(([0], (depth[:width] > 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(covered))
    return edges.reshape(-1, 2)


def sparse_markers(x: FloatArray, kind: IntArray, spacing: float) -> IntArray:
    """Indices of markers to draw so that markers of one kind are ``spacing`` px apart."""
    if len(x) == 0:
        return np.zeros(0, dtype=np.int64)
    slot = np.floor(x / spacing).astype(np.int64) * 8 + kind
    _, first = np.unique(slot, return_index=True)
    return np.sort(first).astype(np.int64)


def waveform_columns(
    mins: FloatArray, maxs: FloatArray, bucket_ms: int, ms_per_px: float, first: int, count: int
) -> tuple[FloatArray, FloatArray]:
    """Low and high of the sound in pixel columns ``first .. first + count`` (in content
    pixels) at this zoom; NaN past the end of the sound."""
    n = len(mins)
    lo = np.full(count, np.nan)
    hi = np.full(count, np.nan)
    if n == 0 or count <= 0:
        return lo, hi
    cols = np.arange(first, first + count + 1, dtype=np.float64)
    starts = np.floor(cols * ms_per_px / bucket_ms).astype(np.int64)
    valid = starts[:-1] < n
    if not valid.any():
        return lo, hi
    base = int(starts[0])
    stop = min(n, int(starts[-1]) + 1)
    # reduceat needs in-range indices; a sentinel after the slice closes the last column
    idx = np.minimum(starts, stop) - base
    part_lo = np.append(mins[base:stop], 0.0)
    part_hi = np.append(maxs[base:stop], 0.0)
    lo[valid] = np.minimum.reduceat(part_lo, idx)[:-1][valid]
    hi[valid] = np.maximum.reduceat(part_hi, idx)[:-1][valid]
    return lo, hi


def thumbnail_slots(
    thumb_ms: IntArray, vp: Viewport, slot_px: float, x0: float, x1: float,
    reach_ms: float = THUMBNAIL_REACH_MS,
) -> list[tuple[float, int]]:
    """A filmstrip: fixed slots (in film pixels, so they do not shift when scrolling),
    each showing the thumbnail nearest its middle, if one is within a slot's span or
    ``reach_ms``. Returns (slot x, thumbnail index) for the slots meeting [x0, x1)."""
    if len(thumb_ms) == 0:
        return []
    reach = max(slot_px * vp.ms_per_px, reach_ms)
    first = max(0, math.floor((x0 + vp.scroll_px) / slot_px))
    last = math.floor((x1 + vp.scroll_px) / slot_px)
    mids = (np.arange(first, last + 1) + 0.5) * slot_px * vp.ms_per_px
    mids = mids[mids <= vp.duration_ms]
    right = np.minimum(np.searchsorted(thumb_ms, mids), len(thumb_ms) - 1)
    left = np.maximum(right - 1, 0)
    d_left, d_right = np.abs(thumb_ms[left] - mids), np.abs(thumb_ms[right] - mids)
    nearest = np.where(d_left <= d_right, left, right)
    near_enough = np.minimum(d_left, d_right) <= reach
    return [(float((first + k) * slot_px - vp.scroll_px), int(nearest[k]))
            for k in np.flatnonzero(near_enough).tolist()]
