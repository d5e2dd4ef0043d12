"""Clips any phone plays: H.264 (High or Main), yuv420p, AAC, at most 1080p, index first.

A clip cut from the family's film is usually all of that already (a smart
cut of a phone's own H.264, or vigtool's x264 re-encode, both written with
``+faststart``). What is not (a 4K film, an old camera's Baseline H.264, a
kept clip from elsewhere) is re-encoded here, with the same parts every
export uses (``vigtool.media.encode`` and ``audiotrack``): frame for frame
with each frame's own timestamp, scaled down to fit 1920x1080 in its own
orientation, the aspect kept, the sound placed by its timestamps. No Qt;
runs on the calling thread.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from vigtool.errors import MediaError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.audiotrack import AacTrack, audio_format_of, mux_in_step, span_samples
from vigtool.media.encode import (
    EncodedStream,
    Shape,
    SourceFacts,
    VideoPacket,
    add_h264_stream,
    export_errors,
    frame_durations,
    open_mp4,
    sensible_rate,
    shaped_span,
)
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.opening import open_video
from vigtool.privacy.files import atomic_output, file_errors

LONG_SIDE, SHORT_SIDE = 1920, 1080  # 1080p, either way up
PROFILES = frozenset({"High", "Main"})
PIXEL_FORMAT = "yuv420p"


@dataclass(frozen=True)
class ClipFacts:
    """What a phone cares about in an MP4."""

    codec: str
    profile: str | None
    pixel_format: str | None
    width: int
    height: int
    audio: tuple[str, ...]  # the codec of each sound track
    faststart: bool  # the index (moov) comes before the pictures (mdat)

    @property
    def problems(self) -> list[str]:
        """Why a phone might not play it, in a few words each (empty: it is phone-ready)."""
        found = []
        if self.codec != "h264" or self.profile not in PROFILES:
            found.append(f"{self.codec} {self.profile or ''}".strip())
        if self.pixel_format != PIXEL_FORMAT:
            found.append(f"pixels in {self.pixel_format}")
        if not fits_1080p(self.width, self.height):
            found.append(f"{self.width}x{self.height}")
        if any(codec != "aac" for codec in self.audio):
            found.append("sound in " + ", ".join(self.audio))
        if not self.faststart:
            found.append("index at the end")
        return found

    @property
    def phone_ready(self) -> bool:
        return not self.problems


def fits_1080p(width: int, height: int) -> bool:
    """At most 1920 pixels on the long side and 1080 on the short one."""
    return max(width, height) <= LONG_SIDE and min(width, height) <= SHORT_SIDE


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """``width`` x ``height`` scaled down (never up) to fit 1080p, the aspect kept, even."""
    scale = min(Fraction(1), Fraction(LONG_SIDE, max(width, height)),
                Fraction(SHORT_SIDE, min(width, height)))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def clip_facts(path: Path) -> ClipFacts:
    """Read ``path``'s codecs, profile, size and box order (MediaError if unreadable)."""
    with open_video(path) as container:
        if not container.streams.video:
            raise MediaError(f"{path.name} holds no video")
        video = container.streams.video[0]
        context = video.codec_context
        audio = tuple(a.codec_context.name for a in container.streams.audio)
        facts = ClipFacts(context.name, context.profile, context.pix_fmt, context.width,
                          context.height, audio, faststart=False)
    return ClipFacts(**{**facts.__dict__, "faststart": moov_before_mdat(path)})


def moov_before_mdat(path: Path) -> bool:
    """Whether the MP4's index box (moov) comes before its media box (mdat): what
    ``+faststart`` does, so a player can start before it has read the whole file."""
    try:
        with path.open("rb") as f:
            while header := f.read(8):
                if len(header) < 8:
                    return False
                size, kind = struct.unpack(">I4s", header)
                if kind == b"moov":
                    return True
                if kind == b"mdat":
                    return False
                if size == 1:
                    size = struct.unpack(">Q", f.read(8))[0] - 8
                elif size == 0:
                    return False  # a last box running to the end of the file
                if size < 8:
                    return False
                f.seek(size - 8, os.SEEK_CUR)
    except OSError:
        return False
    return False


def phone_copy(
    source: Path, out: Path, *, keep_source: bool = False, progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> bool:
    """Put ``source`` (an MP4 clip) at ``out`` as a phone-ready clip; True if it had to be
    re-encoded. A clip that already meets the bar is moved (copied, if ``keep_source``);
    otherwise it is re-encoded, and then removed unless ``keep_source``."""
    if clip_facts(source).phone_ready:
        with file_errors(out):
            if keep_source:
                shutil.copyfile(source, out)
            else:
                os.replace(source, out)
        progress(1, 1)
        return False
    reencode_for_phone(source, out, progress=progress, cancel=cancel)
    if not keep_source:
        source.unlink(missing_ok=True)
    return True


def reencode_for_phone(
    source: Path, out: Path, *, progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> None:
    """Re-encode every frame of ``source`` to H.264 High yuv420p within 1080p and its
    sound to AAC, with ``+faststart``; ``out`` appears only when complete."""
    index = build_frame_index(source)
    with export_errors(out):
        with open_video(source) as probe:
            facts = SourceFacts.read(probe, probe.streams.video[0])
        with open_video(source) as container, atomic_output(out) as tmp, open_mp4(tmp) as mp4:
            stream = container.streams.video[0]
            encoder = _Scaled(container, stream, index, facts, cancel)
            encoder.add_stream(mp4)
            track = None
            if facts.audio is not None:
                fmt = audio_format_of(facts.audio)
                start = int(index.pts[0]) * Fraction(*index.time_base)
                track = AacTrack(mp4, fmt)
                track.queue(span_samples(source, start, round(encoder.seconds * fmt.rate), fmt))
            mux_in_step(mp4, encoder.packets(progress), track)


class _Scaled:
    """Decode every frame, stand it up as the encoder wants it, scale it to fit 1080p."""

    def __init__(self, container: av.container.InputContainer, stream: av.VideoStream,
                 index: FrameIndex, facts: SourceFacts, cancel: CancelToken) -> None:
        if index.frame_count == 0:
            raise MediaError("the clip has no frames")
        self._container, self._stream, self._index = container, stream, index
        self._facts, self._cancel = facts, cancel
        # Scaled as stored (the display rotation stays a flag), with square pixels.
        sar = facts.sar or Fraction(1)
        self.size = fitted_size(max(2, round(facts.width * sar)), facts.height)
        self._durations = frame_durations(index, 0, index.frame_count - 1)
        self.seconds = sum(self._durations) * Fraction(*index.time_base)
        self._out: EncodedStream | None = None

    def add_stream(self, mp4: av.container.OutputContainer) -> None:
        width, height = self.size
        self._out = EncodedStream(add_h264_stream(
            mp4, width=width, height=height, time_base=Fraction(*self._index.time_base),
            rate=sensible_rate(self._stream, self._index), rotation=self._facts.rotation))

    def packets(self, progress: Progress) -> Iterator[VideoPacket]:
        if self._out is None:
            raise RuntimeError("add_stream() first")
        index, out, width, height = self._index, self._out, *self.size
        last = index.frame_count - 1
        origin = int(index.pts[0])
        frames = shaped_span(self._container, self._stream, index, 0, last,
                             shape=Shape(deinterlace=self._facts.interlaced),
                             sar=self._facts.sar, cancel=self._cancel)
        for n, frame in frames:
            if (frame.width, frame.height) != (width, height):
                frame = frame.reformat(width=width, height=height, format=PIXEL_FORMAT,
                                       interpolation="BICUBIC")
            yield from out.encode(frame, int(index.pts[n]) - origin, self._durations[n])
            progress(n + 1, last + 1)
        yield from out.flush()
