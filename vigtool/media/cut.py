"""Cut one moment of a recording into an MP4 (H.264 + AAC) a parent can watch on a phone.

The clip holds exactly frames A..B of the source (after padding), with the
source's own frame timestamps (variable frame rate stays variable), its
display rotation, and its sound trimmed to the same span. H.264 sources are
smart-cut when nothing has to be drawn on the picture (see ``smartcut.py``);
everything else, and any span the smart path is not sure about, is
re-encoded with libx264.

Burnt-in words are never cut and never cover a face: by default they go in a
band added below the picture (every frame of the clip grows by the same even
number of rows); asked to lie over the picture, they do so only where
``caption_layout.steady_region`` finds plain background in every frame, and
go below it otherwise.

Threading: ``cut_clip`` is a long task for a worker thread; it touches no
UI and reports through ``progress`` and ``cancel`` (see ``vigtool.jobs``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from pathlib import Path
from typing import Literal, Protocol

import av
import av.container
import numpy as np
from av.video.stream import VideoStream

from vigtool.errors import MediaError, VigtoolError
from vigtool.jobs import NEVER_CANCELLED, CancelToken, Progress, no_progress
from vigtool.media.audiotrack import AacTrack, audio_format_of, faded, mux_in_step, span_samples
from vigtool.media.caption_layout import Region, steady_region
from vigtool.media.encode import (
    EncodedStream,
    Shape,
    SourceFacts,
    VideoPacket,
    add_caption_track,
    add_h264_stream,
    check_span,
    export_errors,
    frame_durations,
    mux_caption,
    open_mp4,
    sensible_rate,
    shaped_span,
)
from vigtool.media.frame_index import FrameIndex
from vigtool.media.looks import Look, fade_gain
from vigtool.media.opening import open_video
from vigtool.media.replay import (
    DECLICK_S,
    ReplayKind,
    ReplayPlan,
    ReplaySound,
    ReplayWriter,
    check_replay,
    plan_replay,
    replay_pictures,
    replay_sound,
)
from vigtool.media.smartcut import SmartCutUnsafe, SmartWriter, plan_smart
from vigtool.media.textdraw import caption_band, caption_strip, layout_caption
from vigtool.privacy.files import atomic_output


@dataclass(frozen=True)
class CutOptions:
    """How to cut a clip.

    ``pad_before_ms``/``pad_after_ms`` widen the span (clamped to the
    recording); ``fade_ms`` fades picture and sound in from black/silence and
    out again; ``caption`` is the parent-facing wording, burnt into the
    picture or added as a subtitle track (``caption_mode``); ``smart`` allows
    copying whole GOPs of H.264 sources instead of re-encoding them.
    ``caption_place`` says where burnt-in words go: ``"below"`` the picture (the
    frame grows), or ``"over"`` it where they cover no face (below it when no
    such place holds in every frame). ``caption_rows`` is the least height of a
    band below (a reel gives every moment's band the height of its tallest).
    ``replay`` plays the moment again after itself: ``"slow"`` at ``replay_speed``
    (its sound ``replay_sound``: silence, or stretched at its own pitch), or
    ``"freeze"``: the still at source frame ``still_frame`` (by default the
    clip's last frame) held ``freeze_s`` seconds, silent (see ``replay.py``).
    """

    pad_before_ms: int = 0
    pad_after_ms: int = 0
    fade_ms: int = 0
    caption: str | None = None
    caption_mode: Literal["burn", "soft"] = "soft"
    smart: bool = True
    caption_place: Literal["below", "over"] = "below"
    caption_rows: int = 0
    replay: ReplayKind = "none"
    replay_speed: float = 0.5
    freeze_s: float = 3.0
    replay_sound: ReplaySound = "silent"
    still_frame: int | None = None


@dataclass(frozen=True)
class CutResult:
    """The clip written: its frames, whether GOPs were copied, its length in seconds, and
    where burnt-in words went ("below" the picture, over its "top" or "bottom", or None).
    A replay clip's frames and seconds count its replay too, which starts ``replay_at_s``
    seconds in."""

    path: Path
    frames: int
    smart: bool
    seconds: float
    has_audio: bool
    caption_at: str | None = None
    replay_at_s: float | None = None


def padded_span(index: FrameIndex, first: int, last: int, before_ms: int, after_ms: int
                ) -> tuple[int, int]:
    """Frames ``first..last`` widened to cover ``before_ms`` earlier and ``after_ms`` later."""
    times = index.times
    start = times.ms_to_frame(times.frame_to_ms(first) - before_ms)
    end = times.ms_to_frame(times.frame_end_ms(last) + after_ms - 1)
    return start, end


def cut_clip(
    source: Path,
    index: FrameIndex,
    start_frame: int,
    end_frame: int,
    out: Path,
    *,
    options: CutOptions = CutOptions(),
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> CutResult:
    """Write frames ``start_frame..end_frame`` (inclusive, padded per ``options``) to ``out``.

    ``out`` appears only when complete; a cancel (``Cancelled``), an error
    or a full disk leaves nothing there. Raises VigtoolError/MediaError with
    one plain line.
    """
    _check_options(options)
    check_span(index, start_frame, end_frame)
    first, last = padded_span(
        index, start_frame, end_frame, options.pad_before_ms, options.pad_after_ms
    )
    tb = Fraction(*index.time_base)
    end_pts = int(index.pts[last]) + frame_durations(index, last, last)[0]
    seconds = (end_pts - int(index.pts[first])) * tb
    with export_errors(out), open_video(source) as container:
        stream = container.streams.video[0]
        if stream.index != index.stream_index:
            raise MediaError(f"{source.name} changed since it was indexed; import it again")
        facts = SourceFacts.read(container, stream)
        replay = None
        if options.replay != "none":
            replay = plan_replay(index, first, last, kind=options.replay,
                                 speed=options.replay_speed, freeze_s=options.freeze_s,
                                 still=options.still_frame, sound=options.replay_sound)
        clip = _Clip(source, first, last, int(index.pts[first]) * tb, seconds, options, facts,
                     replay)
        with atomic_output(out) as tmp:
            smart, caption_at = False, None
            plan = plan_smart(index, first, last) if _smart_allowed(options, facts) else None
            if plan is not None:
                try:
                    writer: _Writer = (
                        SmartWriter(container, stream, index, plan, facts.rotation)
                        if replay is None
                        else ReplayWriter(container, stream, index, plan, facts.rotation, replay)
                    )
                    _write(tmp, writer, clip, progress, cancel)
                    smart = True
                except SmartCutUnsafe:
                    stream.codec_context.flush_buffers()
            if not smart:
                reencoder = _Reencoder(container, stream, index, clip, cancel)
                caption_at = reencoder.caption_at
                _write(tmp, reencoder, clip, progress, cancel)
    frames = last - first + 1 + (len(replay.shown) if replay else 0)
    return CutResult(out, frames, smart, float(clip.total_s), facts.audio is not None,
                     caption_at, float(seconds) if replay else None)


def _check_options(options: CutOptions) -> None:
    if min(options.pad_before_ms, options.pad_after_ms) < 0:
        raise VigtoolError("padding before or after a clip cannot be negative")
    if options.fade_ms < 0:
        raise VigtoolError("a fade cannot be shorter than nothing")
    if options.caption_mode not in ("burn", "soft"):
        raise VigtoolError(f"caption mode must be 'burn' or 'soft', not {options.caption_mode!r}")
    if options.caption_place not in ("below", "over"):
        raise VigtoolError(
            f"burnt-in words go 'below' or 'over' the picture, not {options.caption_place!r}"
        )
    check_replay(options.replay, options.replay_speed, options.freeze_s, options.replay_sound)


def _smart_allowed(options: CutOptions, facts: SourceFacts) -> bool:
    """Smart cut needs progressive 8-bit 4:2:0 H.264 and nothing drawn on the picture."""
    burn = bool(options.caption) and options.caption_mode == "burn"
    cuttable = (
        facts.codec == "h264"
        and facts.pixel_format in ("yuv420p", "yuvj420p")
        and not facts.interlaced
    )
    return options.smart and cuttable and not burn and options.fade_ms == 0


@dataclass(frozen=True)
class _Clip:
    source: Path
    first: int
    last: int
    start_s: Fraction  # the first frame's time in the source
    seconds: Fraction
    options: CutOptions
    facts: SourceFacts
    replay: ReplayPlan | None = None

    @property
    def total_s(self) -> Fraction:
        """The whole clip's length: the moment, and its replay if it has one."""
        return self.seconds + (self.replay.seconds if self.replay else 0)

    @property
    def fade_s(self) -> float:
        return min(self.options.fade_ms / 1000, float(self.total_s) / 2)


class _Writer(Protocol):
    """A way of making a clip's video: the smart cut or the re-encode."""

    def add_stream(self, out: av.container.OutputContainer) -> VideoStream: ...

    def packets(self, progress: Progress, cancel: CancelToken) -> Iterator[VideoPacket]: ...


def _write(
    tmp: Path, writer: _Writer, clip: _Clip, progress: Progress, cancel: CancelToken
) -> None:
    """Mux the video packets with the sound and the soft caption into ``tmp``."""
    options = clip.options
    with open_mp4(tmp) as out:
        writer.add_stream(out)
        track = None
        if clip.facts.audio is not None:
            fmt = audio_format_of(clip.facts.audio)
            count = heard = round(clip.seconds * fmt.rate)
            track = AacTrack(out, fmt)
            samples = span_samples(clip.source, clip.start_s, count, fmt)
            if clip.replay is not None:
                count = round(clip.total_s * fmt.rate)
                samples = chain(faded(samples, heard, fmt.rate, DECLICK_S), replay_sound(
                    clip.replay, clip.source, clip.start_s, heard, count - heard, fmt))
            track.queue(faded(samples, count, fmt.rate, clip.fade_s))
        soft = options.caption if options.caption and options.caption_mode == "soft" else None
        subtitles = add_caption_track(out) if soft else None
        mux_in_step(out, writer.packets(progress, cancel), track)
        if subtitles is not None and soft:
            mux_caption(out, subtitles, soft, 0.0, float(clip.total_s))


class _Reencoder:
    """Decode the span, shape and decorate each frame, and encode it with libx264."""

    def __init__(
        self,
        container: av.container.InputContainer,
        stream: VideoStream,
        index: FrameIndex,
        clip: _Clip,
        cancel: CancelToken,
    ) -> None:
        self._container = container
        self._stream = stream
        self._index = index
        self._clip = clip
        facts = clip.facts
        self._width = facts.width // 2 * 2
        self._height = facts.height // 2 * 2
        self._look = Look(self._width, self._height, turns=facts.turns)
        self.caption_at: str | None = None
        text = (clip.options.caption or "").strip()
        if text and clip.options.caption_mode == "burn":
            self._look = self._caption_look(text, cancel)
        self._out: EncodedStream | None = None

    def _caption_look(self, text: str, cancel: CancelToken) -> Look:
        """The words over the picture where they cover no face in any frame, else below it."""
        facts = self._clip.facts
        turned = facts.turns % 2 == 1
        up_w, up_h = (self._height, self._width) if turned else (self._width, self._height)
        aspect = float(facts.sar or 1)
        aspect = 1 / aspect if turned else aspect  # an upright pixel's width / height
        shown_w = max(2, round(up_w * aspect))
        if self._clip.options.caption_place == "over":
            layout = layout_caption(text, shown_w, up_h)
            if layout.fits_over:
                place = self._free_place(layout.height + round(up_h * 0.04), up_h, cancel)
                if place != "outside":
                    self.caption_at = place
                    band = caption_band(text, shown_w, up_h, where=place, pixel_aspect=aspect)
                    return Look(self._width, self._height, band=band, turns=facts.turns)
        self.caption_at = "below"
        strip = caption_strip(text, up_w, up_h, pixel_aspect=aspect,
                              min_height=self._clip.options.caption_rows)
        return Look(self._width, self._height, turns=facts.turns, below=strip)

    def _free_place(self, band_h: int, up_h: int, cancel: CancelToken) -> Region:
        """Where a band ``band_h`` rows high covers no face in any frame of the clip.

        Every frame is looked at, small: one extra decode, only for words over the picture.
        """
        clip, facts = self._clip, self._clip.facts
        small_w = min(self._width, 320) // 2 * 2
        small_h = max(2, round(self._height * small_w / self._width) // 2 * 2)
        small_up_h = small_w if facts.turns % 2 else small_h
        frames = shaped_span(
            self._container, self._stream, self._index, clip.first, clip.last,
            shape=Shape(deinterlace=facts.interlaced), sar=facts.sar, cancel=cancel,
        )
        pictures = (
            np.rot90(np.asarray(frame.to_ndarray(format="rgb24", width=small_w,
                                                 height=small_h), np.uint8), facts.turns)
            for _, frame in frames
        )
        return steady_region(pictures, -(-band_h * small_up_h // up_h))

    def add_stream(self, out: av.container.OutputContainer) -> VideoStream:
        facts = self._clip.facts
        width, height = self._look.size
        stream = add_h264_stream(
            out,
            width=width,
            height=height,
            time_base=Fraction(*self._index.time_base),
            rate=sensible_rate(self._stream, self._index),
            rotation=facts.rotation,
            sample_aspect_ratio=facts.sar,
        )
        self._out = EncodedStream(stream)
        return stream

    def packets(self, progress: Progress, cancel: CancelToken) -> Iterator[VideoPacket]:
        if self._out is None:
            raise RuntimeError("add_stream() first")
        clip, index, out = self._clip, self._index, self._out
        tb = Fraction(*index.time_base)
        origin = int(index.pts[clip.first])
        durations = frame_durations(index, clip.first, clip.last)
        replay = clip.replay
        total = len(durations) + (len(replay.shown) if replay else 0)
        shape = Shape(deinterlace=clip.facts.interlaced)
        frames = shaped_span(self._container, self._stream, index, clip.first, clip.last,
                             shape=shape, sar=clip.facts.sar, cancel=cancel)
        for n, frame in frames:
            at = int(index.pts[n]) - origin
            gain = fade_gain(float(at * tb), float(clip.total_s), clip.fade_s, clip.fade_s)
            yield from out.encode(self._look.apply(frame, gain), at, durations[n - clip.first])
            progress(n - clip.first + 1, total)
        if replay is not None:
            again = shaped_span(self._container, self._stream, index, replay.first,
                                replay.last, shape=shape, sar=clip.facts.sar, cancel=cancel)
            pictures = replay_pictures(replay.shown, again)
            for done, (shown, frame) in enumerate(pictures, len(durations)):
                gain = fade_gain(float(shown.pts * tb), float(clip.total_s), clip.fade_s,
                                 clip.fade_s)
                yield from out.encode(self._look.apply(frame, gain), shown.pts, shown.duration)
                progress(done + 1, total)
        yield from out.flush()
