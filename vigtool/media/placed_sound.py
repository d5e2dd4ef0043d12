"""The film's sound as mono samples on the video's clock: what the waveform and the analysis hear.

Sync. Sample positions count from the *video's first frame* (the zero of
``FrameIndex.times``), not from the audio's first sample. Each decoded audio
frame is placed by its own pts converted to seconds, minus the video's first
pts converted to seconds: audio before the first picture (MPEG-TS files, AAC
priming kept by containers without edit lists) is dropped, and audio that
starts after it is preceded by silence. Between frames the samples are
counted, and the pts is trusted again only when it disagrees with the count
by more than :data:`_DRIFT_TOLERANCE_S` (a real gap or overlap, not the
whole-millisecond rounding of WebM timestamps): a gap is filled with
silence, an overlap dropped.

:class:`PlacedSamples` does the placing and keeps what it is given;
``media.waveform`` reduces them to buckets as they come. :func:`decode_placed`
runs the decoding for either; :func:`decode_mono` returns every sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import av.container
import numpy as np
import numpy.typing as npt

from vigtool.errors import MediaError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.frame_index import FrameIndex
from vigtool.media.opening import open_video

FloatArray = npt.NDArray[np.float32]

_DRIFT_TOLERANCE_S = 0.02
FLUSH_SECONDS = 2
_SILENCE_CHUNK_S = 10
# Enough packets to pass the B-frame reordering at the start of any stream.
_ORIGIN_SCAN_PACKETS = 240


class PlacedSamples:
    """Mono samples placed on the video's clock: cut before its first frame, gaps filled.

    Sample positions count from the video's first frame. The samples wait in
    ``_pending`` until :meth:`flush`, which this base keeps as they are
    (:func:`decode_mono` wants every sample); ``media.waveform`` reduces them.
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
        return self._pending_len - self._kept >= FLUSH_SECONDS * self.rate

    def _silence(self, count: int) -> None:
        chunk = _SILENCE_CHUNK_S * self.rate
        while count > 0:
            n = min(count, chunk)
            self.add(np.zeros(n, dtype=np.float32), None)
            if self._pending_len >= FLUSH_SECONDS * self.rate:
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


def video_origin(path: Path, index: FrameIndex | None) -> Fraction:
    """When the first video frame is presented, in seconds on the file's clock.

    From the recording's frame index when given, else from the first packets.
    """
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
    placed = decode_placed(path, PlacedSamples, rate, index, progress, cancel)
    return placed.samples() if placed is not None else None


def decode_placed(
    path: Path,
    make: Callable[[int], PlacedSamples],
    rate: int | None,
    index: FrameIndex | None,
    progress: Progress,
    cancel: CancelToken,
) -> PlacedSamples | None:
    origin = video_origin(path, index)
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
    make: Callable[[int], PlacedSamples],
    out_rate: int | None,
    progress: Progress,
    cancel: CancelToken,
) -> PlacedSamples | None:
    """Decode ``stream`` into ``make(rate)``; ``out_rate`` None keeps the stream's rate."""
    rate = stream.codec_context.sample_rate or stream.rate or 0
    time_base = stream.time_base
    total_ms = _expected_ms(container, stream)
    mono: _Mono | None = None
    placed: PlacedSamples | None = None
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
