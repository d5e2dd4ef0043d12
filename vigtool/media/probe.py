"""What a video is: duration, exact frame count, frame rate, size as displayed, sound.

The frame count and duration come from the frame index (every packet), never
from container headers, which phones and cameras often get wrong.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from vigtool.errors import MediaError
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.opening import open_video

# Timestamps rounded to a coarse time base jitter by a tick; that is not VFR.
_VFR_TOLERANCE_MS = 1.5
_VFR_TOLERANCE_RATIO = 0.10


@dataclass(frozen=True)
class Probe:
    duration_ms: int
    frame_count: int
    fps: float
    vfr: bool
    width: int
    height: int
    rotation: int
    has_audio: bool
    codec: str
    audio_codec: str
    pixel_format: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def probe_video(path: Path, index: FrameIndex | None = None) -> Probe:
    """Probe ``path``; pass its index if already built to avoid a second demux."""
    if index is None:
        index = build_frame_index(path)
    with open_video(path) as container:
        stream = container.streams.video[0]
        first = _first_frame(container, stream, path)
        rotation = first.rotation % 360
        width, height = stream.codec_context.width, stream.codec_context.height
        sar = stream.sample_aspect_ratio
        if sar and sar > 0 and sar != 1:
            width = round(width * Fraction(sar))
        if rotation in (90, 270):
            width, height = height, width
        audio = container.streams.audio
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        times = index.times
        fps = float(rate) if rate else _fps_from_times(times.starts_ms)
        return Probe(
            duration_ms=times.duration_ms,
            frame_count=index.frame_count,
            fps=round(fps, 3),
            vfr=is_variable_frame_rate(index),
            width=int(width),
            height=int(height),
            rotation=rotation,
            has_audio=bool(audio),
            codec=stream.codec_context.name,
            audio_codec=audio[0].codec_context.name if audio else "",
            pixel_format=first.format.name,
        )


def _first_frame(
    container: av.container.InputContainer, stream: av.VideoStream, path: Path
) -> av.VideoFrame:
    stream.thread_type = "AUTO"
    try:
        for frame in container.decode(stream):
            return frame
    except av.FFmpegError as exc:
        raise MediaError(f"{path.name}: the video could not be decoded ({exc})") from exc
    raise MediaError(f"{path.name}: no frame of the video could be decoded")


def is_variable_frame_rate(index: FrameIndex) -> bool:
    """True when the gaps between frames vary by more than timestamp rounding explains."""
    num, den = index.time_base
    gaps_ms = [float(d) * num * 1000 / den for d in (index.pts[1:] - index.pts[:-1]).tolist()]
    if len(gaps_ms) < 2:
        return False
    typical = statistics.median(gaps_ms)
    tolerance = max(_VFR_TOLERANCE_MS, typical * _VFR_TOLERANCE_RATIO)
    return any(abs(gap - typical) > tolerance for gap in gaps_ms)


def _fps_from_times(starts_ms: tuple[int, ...]) -> float:
    if len(starts_ms) < 2:
        return 0.0
    return (len(starts_ms) - 1) * 1000 / (starts_ms[-1] - starts_ms[0])
