"""The recording's sound as a waveform the timeline can paint at any zoom.

Practitioners find turns by ear as much as by eye: a burst of babble, a pause,
the parent's answer. So the timeline draws the sound under the frames, and it
must line up with them. The whole audio stream is decoded once, downmixed to
mono and reduced to fixed buckets (10 ms by default) holding the min, max and
RMS of their samples; that is a few MB for an hour and is cached on disk per
content hash, like the frame index.

Sync. Bucket ``k`` covers ``[k * bucket_ms, (k + 1) * bucket_ms)`` measured
from the *video's first frame* (the zero of ``FrameIndex.times``): the
samples are placed on the video's clock by :mod:`vigtool.media.placed_sound`,
which the suggestion analysis hears through too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.frame_index import FrameIndex
from vigtool.media.placed_sound import PlacedSamples, decode_placed
from vigtool.privacy.files import atomic_write_bytes

WAVEFORM_FORMAT_VERSION = 1
DEFAULT_BUCKET_MS = 10

FloatArray = npt.NDArray[np.float32]



@dataclass(frozen=True, eq=False)
class Waveform:
    """Per-bucket min, max (float32, -1..1) and RMS of the mono mix.

    Bucket ``k`` starts ``k * bucket_ms`` after the video's first frame; the
    last bucket may be partial. ``duration_ms`` is where the sound ends, on
    the same clock. Immutable: compute it in a worker, paint it from the GUI
    thread.
    """

    bucket_ms: int
    mins: FloatArray
    maxs: FloatArray
    rms: FloatArray
    duration_ms: int

    def __post_init__(self) -> None:
        if self.bucket_ms <= 0:
            raise ValueError("bucket_ms must be positive")
        if not self.mins.shape == self.maxs.shape == self.rms.shape or self.mins.ndim != 1:
            raise ValueError("mins, maxs and rms must be 1-D arrays of one length")

    @property
    def bucket_count(self) -> int:
        return int(self.mins.shape[0])

    def bucket_at(self, ms: float) -> int:
        """The bucket holding time ``ms`` (may be outside 0..bucket_count-1)."""
        return int(np.floor(ms / self.bucket_ms))

    def peaks_between(
        self, start_ms: float, end_ms: float, columns: int
    ) -> tuple[FloatArray, FloatArray]:
        """Min and max per pixel column for the span ``[start_ms, end_ms)``.

        Column ``c`` covers ``start + c * w`` to ``start + (c + 1) * w`` with
        ``w = (end - start) / columns`` and shows the extremes of every
        bucket that overlaps it: zoomed out that is many buckets, zoomed in
        the one under it, and a peak on a column boundary shows in both
        columns rather than in neither. Columns with no sound under them
        (before the start, after the end) are 0.
        """
        columns = max(columns, 0)
        mins = np.zeros(columns, dtype=np.float32)
        maxs = np.zeros(columns, dtype=np.float32)
        n = self.bucket_count
        if columns == 0 or n == 0 or not end_ms > start_ms:
            return mins, maxs
        edges = start_ms + (end_ms - start_ms) * np.arange(columns + 1, dtype=np.float64) / columns
        first = np.clip(np.floor(edges[:-1] / self.bucket_ms), 0, n).astype(np.intp)
        stop = np.clip(np.ceil(edges[1:] / self.bucket_ms), 0, n).astype(np.intp)
        heard = stop > first
        # reduceat over [first0, stop0, first1, stop1, ...] reduces each
        # [first_c, stop_c) at the even places (the odd ones are discarded);
        # a padding bucket keeps an index equal to n in range.
        bounds = np.empty(2 * columns, dtype=np.intp)
        bounds[0::2] = first
        bounds[1::2] = stop
        padded_mins, padded_maxs = self._padded
        col_mins = np.minimum.reduceat(padded_mins, bounds)[0::2]
        col_maxs = np.maximum.reduceat(padded_maxs, bounds)[0::2]
        mins[heard] = col_mins[heard]
        maxs[heard] = col_maxs[heard]
        return mins, maxs

    @cached_property
    def _padded(self) -> tuple[FloatArray, FloatArray]:
        pad = np.zeros(1, dtype=np.float32)
        return np.concatenate([self.mins, pad]), np.concatenate([self.maxs, pad])

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez(
            buf,
            version=np.array([WAVEFORM_FORMAT_VERSION]),
            meta=np.array([1, self.bucket_ms, self.duration_ms]),
            mins=self.mins,
            maxs=self.maxs,
            rms=self.rms,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Waveform:
        waveform = _decode_cache(data)
        if waveform is None:
            raise ValueError("these bytes record a file without sound, not a waveform")
        return waveform


def _no_audio_bytes() -> bytes:
    """What the cache holds for a recording without sound, so it is not decoded again."""
    buf = io.BytesIO()
    np.savez(buf, version=np.array([WAVEFORM_FORMAT_VERSION]), meta=np.array([0, 0, 0]))
    return buf.getvalue()


def _decode_cache(data: bytes) -> Waveform | None:
    with np.load(io.BytesIO(data)) as z:
        if int(z["version"][0]) != WAVEFORM_FORMAT_VERSION:
            raise ValueError("waveform written by another vigtool version")
        has_audio, bucket_ms, duration_ms = (int(v) for v in z["meta"])
        if not has_audio:
            return None
        return Waveform(
            bucket_ms=bucket_ms,
            mins=z["mins"].astype(np.float32),
            maxs=z["maxs"].astype(np.float32),
            rms=z["rms"].astype(np.float32),
            duration_ms=duration_ms,
        )


class _Buckets(PlacedSamples):
    """Turns a stream of mono samples, placed on the video's clock, into bucket stats.

    Bucket ``k`` holds samples ``[edge(k), edge(k + 1))`` with ``edge(k) = k *
    bucket_ms * rate // 1000`` in exact integers, so buckets never drift over
    an hour.
    """

    def __init__(self, rate: int, bucket_ms: int) -> None:
        super().__init__(rate)
        self._bucket_ms = bucket_ms
        self._done = 0  # buckets finished
        self._mins: list[FloatArray] = []
        self._maxs: list[FloatArray] = []
        self._rms: list[FloatArray] = []

    def _edge(self, k: int) -> int:
        return k * self._bucket_ms * self.rate // 1000

    def flush(self, final: bool = False) -> None:
        """Reduce every complete bucket in the pending samples (and the partial last one)."""
        if not self._pending:
            return
        end = self._pending_start + self._pending_len
        buf = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        k = self._done
        # Buckets 0..stop_k-1 are complete (edge(stop_k) <= end); at the end
        # of the sound the partial bucket after them counts too.
        stop_k = (1000 * (end + 1) - 1) // (self._bucket_ms * self.rate)
        if final and self._edge(stop_k) < end:
            stop_k += 1
        if stop_k <= k:
            self._pending = [buf]
            return
        edges = np.arange(k, stop_k + 1, dtype=np.int64) * (self._bucket_ms * self.rate) // 1000
        edges = np.minimum(edges, end) - self._pending_start
        segment = buf[: int(edges[-1])]
        starts = edges[:-1]
        counts = np.diff(edges).astype(np.float64)
        self._mins.append(np.minimum.reduceat(segment, starts))
        self._maxs.append(np.maximum.reduceat(segment, starts))
        squares = np.add.reduceat(np.square(segment, dtype=np.float64), starts)
        self._rms.append(np.sqrt(squares / counts).astype(np.float32))
        self._done = stop_k
        rest = buf[int(edges[-1]) :]
        self._pending = [rest] if rest.shape[0] else []
        self._pending_start += int(edges[-1])
        self._pending_len = int(rest.shape[0])

    def result(self, bucket_ms: int) -> Waveform:
        self.flush(final=True)
        end = max(self._pending_start + self._pending_len, 0)

        def join(parts: list[FloatArray]) -> FloatArray:
            if not parts:
                return np.zeros(0, dtype=np.float32)
            return np.clip(np.concatenate(parts), -1.0, 1.0).astype(np.float32)

        return Waveform(
            bucket_ms=bucket_ms,
            mins=join(self._mins),
            maxs=join(self._maxs),
            rms=join(self._rms),
            duration_ms=(end * 1000 + self.rate // 2) // self.rate,
        )


def compute_waveform(
    path: Path,
    *,
    bucket_ms: int = DEFAULT_BUCKET_MS,
    index: FrameIndex | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Waveform | None:
    """Decode the first audio stream of the video at ``path`` into a Waveform.

    Returns None if the video has no sound. Pass the recording's ``index`` to
    take the video's first frame time from it (otherwise the first packets
    are read for it). ``progress`` counts milliseconds of sound decoded.
    Raises MediaError if the file is not a readable video (an audio-only
    file included: vigtool's recordings have pictures) or its sound is
    damaged, Cancelled if cancelled.
    """
    if bucket_ms <= 0:
        raise ValueError("bucket_ms must be positive")
    placed = decode_placed(
        path, lambda rate: _Buckets(rate, bucket_ms), None, index, progress, cancel
    )
    return placed.result(bucket_ms) if isinstance(placed, _Buckets) else None


def load_or_compute_waveform(
    path: Path,
    cache_file: Path,
    *,
    bucket_ms: int = DEFAULT_BUCKET_MS,
    index: FrameIndex | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> Waveform | None:
    """Read the cached waveform for this content, or compute it and cache it atomically.

    "No sound" is cached too, so a silent recording is not decoded again. A
    cache with another bucket size, from another version or damaged is
    recomputed.
    """
    if cache_file.is_file():
        try:
            cached = _decode_cache(cache_file.read_bytes())
        except (OSError, ValueError, KeyError):
            pass  # a stale or damaged cache is rebuilt below
        else:
            if cached is None or cached.bucket_ms == bucket_ms:
                return cached
    waveform = compute_waveform(
        path, bucket_ms=bucket_ms, index=index, progress=progress, cancel=cancel
    )
    atomic_write_bytes(cache_file, waveform.to_bytes() if waveform else _no_audio_bytes())
    return waveform
