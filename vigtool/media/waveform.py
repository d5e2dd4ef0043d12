"""The recording's sound as a waveform the timeline can paint at any zoom.

Practitioners find turns by ear as much as by eye: a burst of babble, a pause,
the parent's answer. So the timeline draws the sound under the frames, and it
must line up with them. The whole audio stream is decoded once, downmixed to
mono and reduced to fixed buckets (10 ms by default) holding the min, max and
RMS of their samples; that is a few MB for an hour and is cached on disk per
content hash, like the frame index.

Sync. Bucket ``k`` covers ``[k * bucket_ms, (k + 1) * bucket_ms)`` measured
from the *video's first frame* (the zero of ``FrameIndex.times``), not from
the audio's first sample. Each decoded audio frame is placed by its own pts
converted to seconds, minus the video's first pts converted to seconds: audio
before the first picture (MPEG-TS files, AAC priming kept by containers
without edit lists) is dropped, and audio that starts after it is preceded by
silence. Between frames the samples are counted, and the pts is trusted again
only when it disagrees with the count by more than :data:`_DRIFT_TOLERANCE_S`
(a real gap or overlap, not the whole-millisecond rounding of WebM
timestamps): a gap is filled with silence, an overlap dropped.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from pathlib import Path

import av
import av.container
import numpy as np
import numpy.typing as npt

from vigtool.errors import MediaError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.frame_index import FrameIndex
from vigtool.media.opening import open_video
from vigtool.privacy.files import atomic_write_bytes

WAVEFORM_FORMAT_VERSION = 1
DEFAULT_BUCKET_MS = 10

FloatArray = npt.NDArray[np.float32]

_DRIFT_TOLERANCE_S = 0.02
_FLUSH_SECONDS = 2
_SILENCE_CHUNK_S = 10
# Enough packets to pass the B-frame reordering at the start of any stream.
_ORIGIN_SCAN_PACKETS = 240


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


class _Placed:
    """Mono samples placed on the video's clock: cut before its first frame, gaps filled.

    Sample positions count from the video's first frame. The samples wait in
    ``_pending`` until :meth:`flush`, which this base keeps as they are
    (:func:`decode_mono` wants every sample); :class:`_Buckets` reduces them.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.position = 0  # next sample's position; may start negative
        self._pending: list[FloatArray] = []
        self._pending_start = 0
        self._pending_len = 0
        self._kept = 0  # pending samples a flush has already seen (kept, not reduced)

    def start_at(self, position: int) -> None:
        """Place the first sample: before the first picture it is cut, after it silence leads."""
        if position > 0:
            self._silence(position)
        else:
            self.position = position

    def add(self, samples: FloatArray, at: int | None) -> bool:
        """Append samples that belong at ``at`` (None: right after the last); True to flush."""
        if at is not None and abs(at - self.position) > _DRIFT_TOLERANCE_S * self.rate:
            if at > self.position:
                self._silence(at - self.position)
            else:
                samples = samples[self.position - at :]
        if self.position < 0:
            skip = min(-self.position, samples.shape[0])
            samples = samples[skip:]
            self.position += skip
        if samples.shape[0]:
            self._pending.append(samples)
            self._pending_len += samples.shape[0]
            self.position += samples.shape[0]
        return self._pending_len - self._kept >= _FLUSH_SECONDS * self.rate

    def _silence(self, count: int) -> None:
        chunk = _SILENCE_CHUNK_S * self.rate
        while count > 0:
            n = min(count, chunk)
            self.add(np.zeros(n, dtype=np.float32), None)
            if self._pending_len >= _FLUSH_SECONDS * self.rate:
                self.flush()
            count -= n

    def flush(self, final: bool = False) -> None:
        """Keep the pending samples (the buckets reduce them here)."""
        self._kept = self._pending_len

    def samples(self) -> FloatArray:
        """Every sample placed so far, from the video's first frame on."""
        if not self._pending:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(self._pending).astype(np.float32, copy=False)


class _Buckets(_Placed):
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


class _Mono:
    """Any decoded audio frame as float32 mono at one sample rate.

    FFmpeg's own mono downmix scales stereo by 1/sqrt(2) per channel, so full
    scale in both channels would read 1.41; the mean of the channels keeps
    the -1..1 range the waveform promises.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._resampler: av.AudioResampler | None = None
        self._setup: tuple[str, str, int] | None = None

    def convert(self, frame: av.AudioFrame) -> Iterator[FloatArray]:
        if frame.format.name == "fltp" and frame.sample_rate == self.rate:
            yield _mean_of_planes(frame)
            return
        setup = (frame.format.name, frame.layout.name, frame.sample_rate)
        if self._resampler is None or setup != self._setup:
            self._resampler = av.AudioResampler(format="fltp", rate=self.rate)
            self._setup = setup
        for out in self._resampler.resample(frame):
            yield _mean_of_planes(out)


def _mean_of_planes(frame: av.AudioFrame) -> FloatArray:
    """Mean of a float-planar frame's channels (read from its planes: no stacking)."""
    n = frame.samples
    planes: list[FloatArray] = [
        np.frombuffer(memoryview(plane), dtype=np.float32, count=n) for plane in frame.planes
    ]
    if len(planes) == 1:
        return planes[0].copy()
    mixed: FloatArray = np.mean(planes, axis=0, dtype=np.float32)
    return mixed


class _SampleClock:
    """Audio pts -> sample position counted from the video's first frame, in integers.

    ``(pts * time_base - origin) * rate`` rounded, with the fractions
    multiplied out once: Fraction arithmetic per frame cost a third of the
    time on an hour of sound.
    """

    def __init__(self, time_base: Fraction | None, origin: Fraction, rate: int) -> None:
        tb = time_base or Fraction(0)
        self._known = time_base is not None
        self._a = tb.numerator * rate * origin.denominator
        self._b = origin.numerator * rate * tb.denominator
        self._d = tb.denominator * origin.denominator

    def position(self, pts: int | None) -> int | None:
        if pts is None or not self._known:
            return None
        return (2 * (pts * self._a - self._b) + self._d) // (2 * self._d)


def _video_origin(path: Path, index: FrameIndex | None) -> Fraction:
    """When the first video frame is presented, in seconds on the file's clock."""
    if index is not None:
        num, den = index.time_base
        return int(index.pts[0]) * Fraction(num, den)
    with open_video(path) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base
        if time_base is None:
            raise MediaError(f"{path.name}: the video stream has no time base")
        first: int | None = None
        try:
            for n, packet in enumerate(container.demux(stream)):
                if n >= _ORIGIN_SCAN_PACKETS:
                    break
                ts = packet.pts if packet.pts is not None else packet.dts
                if packet.size and ts is not None:
                    first = ts if first is None else min(first, ts)
        except av.FFmpegError:
            pass  # a damaged tail is the frame index's concern, not the origin's
        if first is None:
            first = stream.start_time or 0
        return first * Fraction(time_base)


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
    placed = _decode_placed(
        path, lambda rate: _Buckets(rate, bucket_ms), None, index, progress, cancel
    )
    return placed.result(bucket_ms) if isinstance(placed, _Buckets) else None


def decode_mono(
    path: Path,
    *,
    rate: int,
    index: FrameIndex | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> FloatArray | None:
    """The video's sound as float32 mono samples at ``rate``, sample 0 at its first frame.

    Placed on the video's clock exactly as the waveform is (see the module
    notes), so sample ``n`` is heard at ``n * 1000 / rate`` ms on the
    timeline. None if the video has no sound; errors as
    :func:`compute_waveform`.
    """
    if rate <= 0:
        raise ValueError("rate must be positive")
    placed = _decode_placed(path, _Placed, rate, index, progress, cancel)
    return placed.samples() if placed is not None else None


def _decode_placed(
    path: Path,
    make: Callable[[int], _Placed],
    rate: int | None,
    index: FrameIndex | None,
    progress: Progress,
    cancel: CancelToken,
) -> _Placed | None:
    origin = _video_origin(path, index)
    with open_video(path) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        try:
            return _decode(container, stream, origin, make, rate, progress, cancel)
        except av.FFmpegError as exc:
            raise MediaError(
                f"{path.name}: the sound could not be decoded; the file may be damaged"
            ) from exc


def _decode(
    container: av.container.InputContainer,
    stream: av.AudioStream,
    origin: Fraction,
    make: Callable[[int], _Placed],
    out_rate: int | None,
    progress: Progress,
    cancel: CancelToken,
) -> _Placed | None:
    """Decode ``stream`` into ``make(rate)``; ``out_rate`` None keeps the stream's rate."""
    rate = stream.codec_context.sample_rate or stream.rate or 0
    time_base = stream.time_base
    total_ms = _expected_ms(container, stream)
    mono: _Mono | None = None
    placed: _Placed | None = None
    clock: _SampleClock | None = None
    for frame in container.decode(stream):
        if mono is None or placed is None or clock is None:
            rate = out_rate or frame.sample_rate or rate
            if rate <= 0:
                return None
            mono = _Mono(rate)
            placed = make(rate)
            clock = _SampleClock(time_base, origin, rate)
            placed.start_at(clock.position(frame.pts) or 0)
        at = clock.position(frame.pts)
        flush = False
        for samples in mono.convert(frame):
            flush = placed.add(samples, at) or flush
            at = None
        if flush:
            cancel.raise_if_cancelled()
            placed.flush()
            progress(max(0, min(placed.position * 1000 // rate, total_ms)), total_ms)
    cancel.raise_if_cancelled()
    if placed is not None:
        progress(total_ms, total_ms)
    return placed


def _expected_ms(container: av.container.InputContainer, stream: av.AudioStream) -> int:
    if stream.duration is not None and stream.time_base is not None:
        return max(int(stream.duration * stream.time_base * 1000), 1)
    if container.duration is not None:
        return max(container.duration // 1000, 1)  # AV_TIME_BASE is microseconds
    return 1


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
