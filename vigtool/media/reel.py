"""A highlight reel: several moments, possibly from different recordings, in one MP4.

An optional title card (the moment's title, large, on a calm plain background,
with silence under it) introduces each moment. Captions are burnt in, as a
reel is meant to be watched as it is.

The fast way (``reel_join.py``): each moment is cut as a clip is (smart cut:
only the partial GOPs at its ends are re-encoded), or an export's own clips
are reused, and the clips are joined with title cards encoded to match,
copying the clips' video. Cards fade in from black and out to black; the
moments are their exact frames, with their sound. When the clips cannot be
joined safely (films of different sizes or H.264 settings, for instance), a
log line says why and the whole reel is re-encoded instead: every part shown
upright and letterboxed into one picture size (at most 1280x720), every card
and moment fading in and out.

Threading: ``make_reel`` is a long task for a worker thread; it touches no
UI and reports through ``progress`` and ``cancel``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.container
import numpy as np

from vigtool.errors import MediaError, VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.audiotrack import (
    AacTrack,
    AudioFormat,
    faded,
    mux_in_step,
    silence,
    span_samples,
)
from vigtool.media.cut import CutOptions, cut_clip
from vigtool.media.encode import (
    EncodedStream,
    Shape,
    SourceFacts,
    VideoPacket,
    add_h264_stream,
    check_span,
    export_errors,
    frame_durations,
    open_mp4,
    shaped_span,
)
from vigtool.media.frame_index import FrameIndex
from vigtool.media.looks import Look, fade_gain
from vigtool.media.opening import open_video
from vigtool.media.reel_join import CardPart, ClipPart, JoinUnsafe, Part, join_parts
from vigtool.media.smartcut import SmartCutUnsafe, SmartPlan, SmartWriter, plan_smart
from vigtool.media.textdraw import caption_band, title_card
from vigtool.privacy.files import atomic_output, private_workdir

log = logging.getLogger(__name__)

REEL_BOX = (1280, 720)
TIME_BASE = Fraction(1, 90_000)
CARD_RATE = 30
FADE_S = 0.4
AUDIO_RATE = 48_000
DECLICK_S = 0.02  # the sound of a copied moment fades this fast at its edges (no click)
_CUT_WEIGHT = 5  # cutting a frame costs about this many times copying it


@dataclass(frozen=True)
class ReelSegment:
    """One moment of the reel: frames ``start_frame..end_frame`` (inclusive) of ``source``."""

    source: Path
    index: FrameIndex
    start_frame: int
    end_frame: int
    title: str
    caption: str | None = None
    clip: Path | None = None  # these frames already cut (an export's clip): copied as they are
    fade_s: float = 0.0  # how that clip fades in and out (its sound in the reel fades alike)


@dataclass(frozen=True)
class ReelResult:
    """The reel written: its size, its frames (cards included) and its length in seconds.

    ``copied``: the moments' video was copied from their clips (the fast way);
    otherwise ``reason`` says why the whole reel was re-encoded."""

    path: Path
    width: int
    height: int
    frames: int
    seconds: float
    parts: int
    has_audio: bool
    copied: bool = False
    reason: str = ""


@dataclass(frozen=True)
class _Part:
    """A title card (``segment`` None) or a moment, placed at ``start`` ticks of the reel."""

    start: int
    ticks: int
    frames: int
    title: str
    segment: ReelSegment | None


def make_reel(
    segments: Sequence[ReelSegment],
    out: Path,
    *,
    title_cards: bool = True,
    card_seconds: float = 2.5,
    copy: bool = True,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ReelResult:
    """Write the moments in ``segments`` (in order) as one H.264 + AAC MP4 at ``out``.

    ``copy`` joins smart-cut clips (the fast way) where it can; False
    re-encodes everything. ``out`` appears only when complete; a cancel, an
    error or a full disk leaves nothing there. Raises VigtoolError/MediaError
    with one plain line.
    """
    if not segments:
        raise VigtoolError("a reel needs at least one moment")
    if title_cards and card_seconds <= 0:
        raise VigtoolError("title cards need a length of more than 0 seconds")
    for segment in segments:
        check_span(segment.index, segment.start_frame, segment.end_frame)
    reason = "asked to re-encode"
    with export_errors(out):
        fmt = _audio_format(segments)
        if copy:
            try:
                return _joined_reel(segments, out, title_cards, card_seconds, fmt, progress,
                                    cancel)
            except JoinUnsafe as why:
                reason = str(why)
                log.warning("%s: re-encoding the whole reel because %s", out.name, reason)
    parts = _timeline(segments, title_cards, card_seconds)
    total = sum(part.frames for part in parts)
    with export_errors(out):
        first = _probe(segments[0])
        size = _reel_size(first)
        with atomic_output(out) as tmp, open_mp4(tmp) as container:
            stream = EncodedStream(add_h264_stream(
                container, width=size[0], height=size[1], time_base=TIME_BASE,
                rate=Fraction(CARD_RATE),
            ))
            track = AacTrack(container, fmt) if fmt is not None else None
            packets = _reel_packets(stream, parts, size, track, _Counter(progress, total), cancel)
            mux_in_step(container, packets, track)
    seconds = float((parts[-1].start + parts[-1].ticks) * TIME_BASE)
    return ReelResult(out, size[0], size[1], total, seconds, len(segments), fmt is not None,
                      reason=reason)


def _joined_reel(
    segments: Sequence[ReelSegment],
    out: Path,
    title_cards: bool,
    card_seconds: float,
    fmt: AudioFormat | None,
    progress: Progress,
    cancel: CancelToken,
) -> ReelResult:
    """Cut the moments that have no clip yet (smart cut), then join clips and cards."""
    _check_joinable(segments)
    to_cut = sum(s.end_frame - s.start_frame + 1 for s in segments if s.clip is None)
    to_join = sum(s.end_frame - s.start_frame + 1 for s in segments)
    if title_cards:
        to_join += len(segments) * round(card_seconds * CARD_RATE)
    total = to_cut * _CUT_WEIGHT + to_join
    done_cutting = 0
    with private_workdir(out.parent) as folder:
        parts: list[Part] = []
        for n, segment in enumerate(segments):
            frames = segment.end_frame - segment.start_frame + 1
            clip = segment.clip
            if clip is None:
                clip = folder / f"moment{n + 1:03d}.mp4"

                def step(done: int, _total: int, base: int = done_cutting) -> None:
                    progress(base + done * _CUT_WEIGHT, total)

                _cut_piece(segment, clip, step, cancel)
                done_cutting += frames * _CUT_WEIGHT
            if title_cards:
                parts.append(CardPart(segment.title, card_seconds))
            start_s = int(segment.index.pts[segment.start_frame]) * Fraction(
                *segment.index.time_base)
            parts.append(ClipPart(clip, frames, segment.source, start_s,
                                  max(segment.fade_s, DECLICK_S)))

        def joining(done: int, _total: int) -> None:
            progress(min(done_cutting + done, total), total)

        with atomic_output(out) as tmp:
            joined = join_parts(parts, tmp, fmt, joining, cancel)
    progress(total, total)
    return ReelResult(out, joined.width, joined.height, joined.frames, joined.seconds,
                      len(segments), fmt is not None, copied=True)


def _cut_piece(segment: ReelSegment, out: Path, progress: Progress, cancel: CancelToken) -> None:
    """The moment's video, cut as a clip is: smart-cut where the source allows it.

    A span without a whole GOP inside is re-encoded by the smart cut's own
    encoder too (all of it as the "head"), so its clip joins the others."""
    index, first, last = segment.index, segment.start_frame, segment.end_frame
    if segment.caption is None:
        with open_video(segment.source) as container:
            stream = container.streams.video[0]
            facts = SourceFacts.read(container, stream)
            if facts.codec == "h264" and facts.pixel_format in ("yuv420p", "yuvj420p") \
                    and not facts.interlaced:
                plan = plan_smart(index, first, last) or _all_head(index, first, last)
                try:
                    with atomic_output(out) as tmp, open_mp4(tmp) as mp4:
                        writer = SmartWriter(container, stream, index, plan, facts.rotation)
                        writer.add_stream(mp4)
                        for packet in writer.packets(progress, cancel):
                            mp4.mux(packet)
                    return
                except SmartCutUnsafe:
                    stream.codec_context.flush_buffers()
    options = CutOptions(caption=segment.caption, caption_mode="burn")
    cut_clip(segment.source, index, first, last, out, options=options, progress=progress,
             cancel=cancel)


def _all_head(index: FrameIndex, first: int, last: int) -> SmartPlan:
    """Nothing copied: frames first..last re-encoded as one head, read up to the next keyframe
    (so every B-frame before it is decoded)."""
    keys = index.keyframe_positions
    after = keys[keys > last]
    end = int(after[0]) if len(after) else index.frame_count
    return SmartPlan(first, last, end, end, index.keyframe_at_or_before(first))


def _check_joinable(segments: Sequence[ReelSegment]) -> None:
    """Refuse early (before cutting anything) what the join would refuse after."""
    looks: set[tuple[object, ...]] = set()
    for source in dict.fromkeys(s.source for s in segments if s.clip is None):
        with open_video(source) as container:
            stream = container.streams.video[0]
            facts = SourceFacts.read(container, stream)
            extradata = bytes(stream.codec_context.extradata or b"")
        looks.add((facts.width // 2, facts.height // 2, facts.rotation, facts.sar,
                   facts.codec, extradata if facts.codec == "h264" else b""))
    if len(looks) > 1:
        raise JoinUnsafe("the moments come from films of different sizes or H.264 settings")
    burnt = {bool(s.caption) for s in segments if s.clip is None}
    if len(burnt) > 1:
        raise JoinUnsafe("some moments have words written in and some not")


def _timeline(
    segments: Sequence[ReelSegment], title_cards: bool, card_seconds: float
) -> list[_Part]:
    card_frames = max(1, round(card_seconds * CARD_RATE))
    card_ticks = round(Fraction(card_frames, CARD_RATE) / TIME_BASE)
    parts: list[_Part] = []
    start = 0
    for segment in segments:
        if title_cards:
            parts.append(_Part(start, card_ticks, card_frames, segment.title, None))
            start += card_ticks
        index = segment.index
        first, last = segment.start_frame, segment.end_frame
        span = int(index.pts[last]) + frame_durations(index, last, last)[0] - int(index.pts[first])
        ticks = round(span * Fraction(*index.time_base) / TIME_BASE)
        parts.append(_Part(start, ticks, last - first + 1, segment.title, segment))
        start += ticks
    return parts


def _probe(segment: ReelSegment) -> SourceFacts:
    with open_video(segment.source) as container:
        return SourceFacts.read(container, container.streams.video[0])


def _reel_size(facts: SourceFacts) -> tuple[int, int]:
    """The first moment's upright size, fitted into 1280x720 (or 720x1280 if portrait)."""
    width = round(facts.width * facts.sar) if facts.sar else facts.width
    height = facts.height
    if facts.turns % 2:
        width, height = height, width
    box_w, box_h = REEL_BOX if width >= height else REEL_BOX[::-1]
    scale = min(1.0, box_w / width, box_h / height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _audio_format(segments: Sequence[ReelSegment]) -> AudioFormat | None:
    """48 kHz; stereo if any moment has more than one channel; None if none has sound."""
    channels = 0
    for segment in segments:
        with open_video(segment.source) as container:
            for stream in container.streams.audio[:1]:
                channels = max(channels, stream.codec_context.channels or 1)
    if not channels:
        return None
    return AudioFormat(AUDIO_RATE, "mono" if channels == 1 else "stereo")


class _Counter:
    """Counts frames written across parts and reports them as progress."""

    def __init__(self, progress: Progress, total: int) -> None:
        self._progress = progress
        self._total = total
        self._done = 0

    def add(self, frames: int) -> None:
        self._done += frames
        self._progress(self._done, self._total)


def _reel_packets(
    stream: EncodedStream,
    parts: list[_Part],
    size: tuple[int, int],
    track: AacTrack | None,
    counter: _Counter,
    cancel: CancelToken,
) -> Iterator[VideoPacket]:
    def samples_at(ticks: int) -> int:
        return round(ticks * TIME_BASE * AUDIO_RATE)

    for part in parts:
        if track is not None:
            fmt = track.format
            count = samples_at(part.start + part.ticks) - samples_at(part.start)
            if part.segment is None:
                track.queue(silence(count, fmt))
            else:
                seg = part.segment
                start_s = int(seg.index.pts[seg.start_frame]) * Fraction(*seg.index.time_base)
                samples = span_samples(seg.source, start_s, count, fmt)
                track.queue(faded(samples, count, fmt.rate, FADE_S))
        if part.segment is None:
            yield from _card_packets(stream, part, size, cancel)
            counter.add(part.frames)
        else:
            yield from _moment_packets(stream, part, part.segment, size, counter, cancel)
    yield from stream.flush()


def _card_packets(
    stream: EncodedStream, part: _Part, size: tuple[int, int], cancel: CancelToken
) -> Iterator[VideoPacket]:
    picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(title_card(part.title, *size)),
                                         format="rgb24").reformat(format="yuv420p")
    look = Look(*size)
    seconds = float(part.ticks * TIME_BASE)
    frame_ticks = part.ticks // part.frames
    for i in range(part.frames):
        cancel.raise_if_cancelled()
        t = i / CARD_RATE
        frame = look.apply(picture, fade_gain(t, seconds, FADE_S, FADE_S))
        ticks = frame_ticks if i < part.frames - 1 else part.ticks - frame_ticks * i
        yield from stream.encode(frame, part.start + frame_ticks * i, ticks)


def _moment_packets(
    stream: EncodedStream,
    part: _Part,
    segment: ReelSegment,
    size: tuple[int, int],
    counter: _Counter,
    cancel: CancelToken,
) -> Iterator[VideoPacket]:
    index = segment.index
    first, last = segment.start_frame, segment.end_frame
    tb = Fraction(*index.time_base)
    origin = int(index.pts[first])
    seconds = float(part.ticks * TIME_BASE)
    band = caption_band(segment.caption, *size) if segment.caption else None
    look = Look(*size, band=band)

    def at(n: int) -> int:
        return part.start + round((int(index.pts[n]) - origin) * tb / TIME_BASE)

    with open_video(segment.source) as container:
        video = container.streams.video[0]
        if video.index != index.stream_index:
            raise MediaError(f"{segment.source.name} changed since it was indexed; import it again")
        facts = SourceFacts.read(container, video)
        shape = Shape(deinterlace=facts.interlaced, turns=facts.turns, box=size)
        frames = shaped_span(container, video, index, first, last, shape=shape, sar=facts.sar,
                             cancel=cancel)
        for n, frame in frames:
            start = at(n)
            end = at(n + 1) if n < last else part.start + part.ticks
            gain = fade_gain(float((start - part.start) * TIME_BASE), seconds, FADE_S, FADE_S)
            yield from stream.encode(look.apply(frame, gain), start, end - start)
            counter.add(1)
