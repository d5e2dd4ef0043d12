"""The sound of an export: the source's audio cut to the exact span, faded, encoded to AAC.

Sound is placed by its timestamps, sample-exactly, relative to the first
video frame of the span, so it stays in sync whatever the container did
(edit lists, AAC priming, gaps). Silence fills gaps and sources without
sound. The AAC track is fed lazily and muxed in step with the video.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.container
import numpy as np
import numpy.typing as npt
from av.audio.stream import AudioStream

from vigtool.errors import MediaError
from vigtool.media.encode import SEEK_BACKOFF_S, VideoPacket

AAC_RATES = frozenset(
    {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000}
)
_AAC_FRAME = 1024
_AUDIO_LEAD_S = 0.5

Samples = npt.NDArray[np.float32]  # (channels, n)



@dataclass(frozen=True)
class AudioFormat:
    rate: int
    layout: str  # "mono" or "stereo"

    @property
    def channels(self) -> int:
        return 1 if self.layout == "mono" else 2


def audio_format_of(stream: av.AudioStream) -> AudioFormat:
    """Keep the source's rate and channels where AAC can; else 48 kHz, at most stereo."""
    rate = stream.rate if stream.rate in AAC_RATES else 48_000
    channels = stream.codec_context.channels or 1
    return AudioFormat(rate, "mono" if channels == 1 else "stereo")


def span_samples(path: Path, start_s: Fraction, count: int, fmt: AudioFormat) -> Iterator[Samples]:
    """Exactly ``count`` samples of ``path``'s first audio stream from ``start_s`` seconds on.

    Each decoded block is placed by its own timestamp, so gaps come out as
    silence and the span starts at the exact sample; a file without sound
    gives silence.
    """
    with av.open(str(path), metadata_errors="ignore") as container:
        if not container.streams.audio:
            yield from silence(count, fmt)
            return
        stream = container.streams.audio[0]
        written = 0
        for chunk_start, block in _resampled_from(container, stream, start_s, fmt):
            offset = round((chunk_start - start_s) * fmt.rate)
            if offset > written:
                gap = min(offset, count) - written
                yield np.zeros((fmt.channels, gap), np.float32)
                written += gap
            skip = written - offset
            if skip < block.shape[1]:
                take = block[:, skip : skip + count - written]
                yield take
                written += take.shape[1]
            if written >= count:
                return
        if written < count:
            yield np.zeros((fmt.channels, count - written), np.float32)


def _resampled_from(
    container: av.container.InputContainer, stream: av.AudioStream, start_s: Fraction,
    fmt: AudioFormat,
) -> Iterator[tuple[Fraction, Samples]]:
    """(start time in s, samples) blocks from a little before ``start_s``; sought back if late."""
    tb = stream.time_base or Fraction(1, stream.rate or 48_000)
    for back in SEEK_BACKOFF_S:
        if back is None:
            container.seek(0, backward=True, any_frame=False)
        else:
            target = int((start_s - Fraction(back) - Fraction(1, 2)) / tb)
            container.seek(max(target, 0), stream=stream, backward=True, any_frame=False)
        resampler = av.AudioResampler(format="fltp", layout=fmt.layout, rate=fmt.rate)
        blocks = _decode_resampled(container, stream, resampler)
        first = next(blocks, None)
        if first is None:
            return
        if first[0] > start_s and back is not None:
            continue  # the seek landed after the start: go further back
        yield first
        yield from blocks
        return


def _decode_resampled(
    container: av.container.InputContainer, stream: av.AudioStream,
    resampler: av.AudioResampler,
) -> Iterator[tuple[Fraction, Samples]]:
    def timed(frames: list[av.AudioFrame]) -> Iterator[tuple[Fraction, Samples]]:
        for frame in frames:
            if frame.pts is None or frame.time_base is None or frame.samples == 0:
                continue
            data = np.asarray(frame.to_ndarray(), dtype=np.float32)
            data = data.reshape(frame.layout.nb_channels, -1)
            yield Fraction(frame.pts) * frame.time_base, data

    try:
        for packet in container.demux(stream):
            for frame in stream.decode(packet):
                yield from timed(resampler.resample(frame))
    except av.FFmpegError:
        pass  # a damaged tail of sound: the rest of the span is silence
    yield from timed(resampler.resample(None))


def silence(count: int, fmt: AudioFormat) -> Iterator[Samples]:
    step = 48_000
    for start in range(0, count, step):
        yield np.zeros((fmt.channels, min(step, count - start)), np.float32)


def faded(chunks: Iterator[Samples], count: int, rate: int, fade_s: float) -> Iterator[Samples]:
    """``chunks`` (``count`` samples in all) with linear fades in and out of ``fade_s``."""
    ramp = min(round(fade_s * rate), count // 2)
    if ramp <= 0:
        yield from chunks
        return
    position = 0
    for chunk in chunks:
        n = chunk.shape[1]
        index = np.arange(position, position + n, dtype=np.float32)
        gain = np.minimum(1.0, np.minimum(index / ramp, (count - index) / ramp))
        yield (chunk * np.clip(gain, 0.0, 1.0)).astype(np.float32)
        position += n


class AacTrack:
    """An AAC track fed from a stream of sample blocks, muxed in step with the video."""

    def __init__(self, out: av.container.OutputContainer, fmt: AudioFormat) -> None:
        stream = out.add_stream("aac", rate=fmt.rate)
        if not isinstance(stream, AudioStream):  # pragma: no cover - FFmpeg always has aac
            raise MediaError("this FFmpeg build has no AAC encoder")
        stream.layout = fmt.layout
        stream.bit_rate = 96_000 * fmt.channels
        stream.time_base = Fraction(1, fmt.rate)
        self._out = out
        self._stream = stream
        self._fmt = fmt
        self.format = fmt
        self._pending: list[Samples] = []
        self._pending_n = 0
        self._encoded = 0
        self._sources: list[Iterator[Samples]] = []

    def queue(self, chunks: Iterator[Samples]) -> None:
        """Append sample blocks to play after everything queued before."""
        self._sources.append(chunks)

    def mux_until(self, seconds: float) -> None:
        """Encode and mux the sound up to ``seconds`` (plus a little lead) into the output."""
        want = round((seconds + _AUDIO_LEAD_S) * self._fmt.rate)
        while self._encoded + self._pending_n < want and self._sources:
            block = next(self._sources[0], None)
            if block is None:
                self._sources.pop(0)
                continue
            self._pending.append(block)
            self._pending_n += block.shape[1]
        self._encode_full_frames()

    def finish(self) -> None:
        """Encode what is left, then flush the encoder."""
        for source in self._sources:
            for block in source:
                self._pending.append(block)
                self._pending_n += block.shape[1]
        self._sources.clear()
        self._encode_full_frames()
        if self._pending_n:
            self._encode(np.concatenate(self._pending, axis=1))
            self._pending, self._pending_n = [], 0
        self._out.mux(self._stream.encode(None))

    def _encode_full_frames(self) -> None:
        if self._pending_n < _AAC_FRAME:
            return
        data = np.concatenate(self._pending, axis=1)
        whole = data.shape[1] // _AAC_FRAME * _AAC_FRAME
        for start in range(0, whole, _AAC_FRAME):
            self._encode(data[:, start : start + _AAC_FRAME])
        rest = data[:, whole:]
        self._pending, self._pending_n = ([rest] if rest.shape[1] else []), rest.shape[1]

    def _encode(self, block: Samples) -> None:
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(block, dtype=np.float32), format="fltp", layout=self._fmt.layout
        )
        frame.sample_rate = self._fmt.rate
        frame.pts = self._encoded
        frame.time_base = Fraction(1, self._fmt.rate)
        self._encoded += block.shape[1]
        self._out.mux(self._stream.encode(frame))


def mux_in_step(
    out: av.container.OutputContainer, packets: Iterator[VideoPacket], track: AacTrack | None
) -> None:
    """Mux video ``packets`` with the sound interleaved a little ahead of them, then the rest."""
    for packet in packets:
        at = packet.dts * packet.time_base if packet.dts is not None and packet.time_base else 0
        out.mux(packet)
        if track is not None:
            track.mux_until(float(at))
    if track is not None:
        track.finish()


