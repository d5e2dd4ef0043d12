"""Join cut clips and title cards into one MP4, copying every clip's video packets as they are.

A reel of smart-cut clips needs no new pictures except its title cards: each
clip already holds exactly its moment's frames (only its partial GOPs were
re-encoded), so the reel copies the clips' H.264 packets and encodes only the
cards, with an x264 set up to match (``reel_cards.py``: same profile, picture
size, pixel format, colours and time base, and its own SPS/PPS id beside the
clips'). The MP4 carries every parameter set in one ``avcC``; each part starts
with an IDR picture, so a decoder starts afresh at every join.

Timing: every part keeps its own timestamps, moved to where it starts in the
reel, and every decode timestamp is moved back by the largest reorder delay
of any clip (``_Timeline``), so decode order stays strictly increasing across
joins. The sound is not copied: it is cut again from each recording,
sample-exactly by the same clock, with silence under the cards, and encoded as
one AAC track, so it is in sync at every join.

Anything that would make the joined file wrong (clips of different sizes,
rotations, time bases or clashing parameter sets, a clip without its frame
count, two IDR pictures in a row) raises :class:`JoinUnsafe`, before anything is
written but for checks that cannot fail in practice (x264 changing its
parameter sets); ``reel.make_reel`` then re-encodes the whole reel instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import av.container
import numpy as np
from av.video.stream import VideoStream

from vigtool.jobs import CancelToken, Progress
from vigtool.media.audiotrack import (
    AacTrack,
    AudioFormat,
    faded,
    mux_in_step,
    silence,
    span_samples,
)
from vigtool.media.encode import SourceFacts, VideoPacket, open_mp4
from vigtool.media.reel_cards import CardEncoder, CardLook, JoinUnsafe, card_durations
from vigtool.media.smartcut import (
    AvcConfig,
    SmartCutUnsafe,
    length_prefixed,
    parameter_set_id,
    split_annexb,
    split_length_prefixed,
)

__all__ = ["CardPart", "ClipPart", "JoinUnsafe", "Joined", "Part", "join_parts"]

_NAL_IDR = 5
_NAL_SPS = 7
_NAL_PPS = 8
_PIXEL_FORMATS = frozenset({"yuv420p", "yuvj420p"})


@dataclass(frozen=True)
class ClipPart:
    """A cut clip whose video is copied; its sound is cut again from ``source``."""

    clip: Path
    frames: int  # the frames the clip must hold
    source: Path
    start_s: Fraction  # the clip's first frame's time in ``source``
    sound_fade_s: float


@dataclass(frozen=True)
class CardPart:
    """A title card: ``title`` on a calm background, fading in from black and out to it."""

    title: str
    seconds: float


Part = ClipPart | CardPart


@dataclass(frozen=True)
class Joined:
    width: int
    height: int
    frames: int
    seconds: float


@dataclass(frozen=True)
class _Clip:
    """What a cut clip holds: its stream's settings and every packet's timing (decode order)."""

    part: ClipPart
    facts: SourceFacts
    avcc: AvcConfig
    time_base: Fraction
    colours: tuple[int, int, int, int]
    pts: tuple[int, ...]  # relative to the first frame
    dts: tuple[int, ...]
    ticks: int  # how long it shows
    starts_idr: bool
    ends_idr: bool
    inband_ids: frozenset[int]

    @property
    def lead(self) -> int:
        """How far its first decode time lies before its first frame (the reorder delay)."""
        return -self.dts[0]

    @property
    def frame_ticks(self) -> int:
        steps = sorted(np.diff(sorted(self.pts)).tolist()) or [self.ticks]
        return int(steps[len(steps) // 2])


def read_clip(part: ClipPart) -> _Clip:
    """Demux ``part.clip`` (no decoding but its first frame) and check it is one to copy."""
    with av.open(str(part.clip)) as container:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        if ctx.name != "h264" or ctx.pix_fmt not in _PIXEL_FORMATS:
            raise JoinUnsafe("a clip is not 8-bit 4:2:0 H.264")
        try:
            avcc = AvcConfig.parse(ctx.extradata)
        except SmartCutUnsafe as exc:
            raise JoinUnsafe(str(exc)) from exc
        facts = SourceFacts.read(container, stream)
        container.seek(0)
        timings: list[tuple[int, int, int]] = []
        first_nals: list[int] = []
        last_nals: list[int] = []
        inband: set[int] = set()
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            if packet.pts is None or packet.dts is None:
                raise JoinUnsafe("a clip has a packet without a timestamp")
            nals = _nals(bytes(packet), avcc.length_size)
            kinds = [nal[0] & 0x1F for nal in nals]
            inband |= {parameter_set_id(nal) for nal, k in zip(nals, kinds, strict=True)
                       if k in (_NAL_SPS, _NAL_PPS)}
            first_nals = first_nals or kinds
            last_nals = kinds
            timings.append((packet.pts, packet.dts, packet.duration or 0))
    if len(timings) != part.frames:
        raise JoinUnsafe(f"a clip holds {len(timings)} frames instead of {part.frames}")
    origin = min(t[0] for t in timings)
    ticks = max(t[0] + t[2] for t in timings) - origin
    return _Clip(
        part, facts, avcc, Fraction(stream.time_base or Fraction(1, 90_000)),
        (int(ctx.color_range), int(ctx.color_primaries), int(ctx.color_trc),
         int(ctx.colorspace)),
        tuple(t[0] - origin for t in timings), tuple(t[1] - origin for t in timings), ticks,
        _NAL_IDR in first_nals, _NAL_IDR in last_nals, frozenset(inband),
    )


def _nals(data: bytes, length_size: int) -> list[bytes]:
    try:
        return split_length_prefixed(data, length_size)
    except SmartCutUnsafe as exc:
        raise JoinUnsafe(str(exc)) from exc


def _merged_config(clips: Sequence[_Clip]) -> AvcConfig:
    """One avcC holding every clip's parameter sets; refuses clips that cannot share one."""
    first = clips[0]
    for clip in clips[1:]:
        facts, ref = clip.facts, first.facts
        if (facts.width, facts.height) != (ref.width, ref.height):
            raise JoinUnsafe("the moments' films have different picture sizes")
        if facts.rotation != ref.rotation or facts.sar != ref.sar:
            raise JoinUnsafe("the moments' films are turned or shaped differently")
        if clip.time_base != first.time_base:
            raise JoinUnsafe("the moments' films keep time in different units")
        if facts.pixel_format != ref.pixel_format or clip.colours != first.colours:
            raise JoinUnsafe("the moments' films use different colour settings")
        a, b = clip.avcc, first.avcc
        if (a.profile, a.length_size, a.trailer) != (b.profile, b.length_size, b.trailer):
            raise JoinUnsafe("the moments' films use different H.264 profiles")
    sps: dict[int, bytes] = {}
    pps: dict[int, bytes] = {}
    for clip in clips:
        for table, nals in ((sps, clip.avcc.sps), (pps, clip.avcc.pps)):
            for nal in nals:
                if table.setdefault(parameter_set_id(nal), nal) != nal:
                    raise JoinUnsafe("the moments' films use clashing H.264 parameter sets")
    level = max(c.avcc.level for c in clips)
    return AvcConfig(first.avcc.profile, first.avcc.compat, level, first.avcc.length_size,
                     tuple(sps.values()), tuple(pps.values()), first.avcc.trailer)


@dataclass(frozen=True)
class _Placed:
    """A part at its place in the reel: ``start`` ticks; a card's frames' durations."""

    part: Part
    start: int
    ticks: int
    clip: _Clip | None = None
    durations: tuple[int, ...] = ()
    fade: int = 0  # frames fading in (and as many out) at the card's ends

    @property
    def frames(self) -> int:
        return self.clip.part.frames if self.clip is not None else len(self.durations)


class _Timeline:
    """Where each part sits, and every output packet's (pts, dts), checked before writing."""

    def __init__(self, parts: Sequence[Part], clips: dict[int, _Clip]) -> None:
        step = min(c.frame_ticks for c in clips.values())
        tb = next(iter(clips.values())).time_base
        self.time_base = tb
        self.delay = max(c.lead for c in clips.values())
        self.placed: list[_Placed] = []
        start = 0
        for n, part in enumerate(parts):
            if isinstance(part, CardPart):
                durations, fade = card_durations(part.seconds, step, tb)
                self.placed.append(_Placed(part, start, sum(durations), durations=durations,
                                           fade=fade))
            else:
                clip = clips[n]
                self.placed.append(_Placed(part, start, clip.ticks, clip=clip))
            start += self.placed[-1].ticks
        self.ticks = start
        self._check()

    def clip_times(self, placed: _Placed) -> Iterator[tuple[int, int]]:
        clip = placed.clip
        assert clip is not None
        back = self.delay - clip.lead
        for pts, dts in zip(clip.pts, clip.dts, strict=True):
            yield placed.start + pts, placed.start + dts - back

    def card_times(self, placed: _Placed) -> Iterator[tuple[int, int]]:
        pts = placed.start
        for duration in placed.durations:
            yield pts, pts - self.delay
            pts += duration

    def _check(self) -> None:
        last_dts: int | None = None
        ended_idr = False
        for placed in self.placed:
            clip = placed.clip
            starts_idr = clip.starts_idr if clip is not None else True
            if not starts_idr:
                raise JoinUnsafe("a clip does not start with an IDR picture")
            if ended_idr:
                raise JoinUnsafe("a one-picture clip would be followed by another IDR picture")
            ended_idr = clip.ends_idr if clip is not None else False
            times = self.clip_times(placed) if clip is not None else self.card_times(placed)
            for pts, dts in times:
                if dts > pts or (last_dts is not None and dts <= last_dts):
                    raise JoinUnsafe("the clips' decode times cannot be joined in order")
                last_dts = dts


def join_parts(
    parts: Sequence[Part],
    tmp: Path,
    fmt: AudioFormat | None,
    progress: Progress,
    cancel: CancelToken,
) -> Joined:
    """Write ``parts`` in order into the MP4 at ``tmp``; JoinUnsafe before anything is muxed."""
    clips = {n: read_clip(p) for n, p in enumerate(parts) if isinstance(p, ClipPart)}
    if not clips:
        raise JoinUnsafe("a reel needs at least one clip")
    config = _merged_config(list(clips.values()))
    first = next(iter(clips.values()))
    taken = {parameter_set_id(nal) for nal in (*config.sps, *config.pps)}
    for clip in clips.values():
        taken |= clip.inband_ids
    look = CardLook(first.facts, first.time_base, first.colours, first.frame_ticks,
                    first.avcc.profile)
    free = set(range(32)) - taken
    if not free:
        raise JoinUnsafe("the clips leave no H.264 parameter set id for the title cards")
    cards = CardEncoder(look, min(free))
    if any(isinstance(p, CardPart) for p in parts):
        config = config.with_sets(*cards.parameter_sets())
    timeline = _Timeline(parts, clips)
    total = sum(p.frames for p in timeline.placed)
    with open_mp4(tmp) as out:
        with av.open(str(first.part.clip)) as template:
            stream = out.add_stream_from_template(template.streams.video[0])
        stream.codec_context.extradata = config.to_bytes()
        stream.time_base = timeline.time_base
        if first.facts.rotation:
            stream.set_display_rotation(first.facts.rotation)
        track = AacTrack(out, fmt) if fmt is not None else None
        if track is not None:
            _queue_sound(track, timeline)
        writer = _Writer(stream, timeline, cards, config.length_size, progress, total, cancel)
        mux_in_step(out, writer.packets(), track)
    first_facts = first.facts
    return Joined(first_facts.width, first_facts.height, total,
                  float(timeline.ticks * timeline.time_base))


def _queue_sound(track: AacTrack, timeline: _Timeline) -> None:
    """Each clip's sound cut again from its recording, silence under the cards, in order."""
    fmt = track.format

    def samples_at(ticks: int) -> int:
        return round(ticks * timeline.time_base * fmt.rate)

    for placed in timeline.placed:
        count = samples_at(placed.start + placed.ticks) - samples_at(placed.start)
        part = placed.part
        if isinstance(part, ClipPart):
            chunks = span_samples(part.source, part.start_s, count, fmt)
            track.queue(faded(chunks, count, fmt.rate, part.sound_fade_s))
        else:
            track.queue(silence(count, fmt))


class _Writer:
    """The reel's video packets in decode order: cards encoded, clips' packets copied."""

    def __init__(
        self,
        stream: VideoStream,
        timeline: _Timeline,
        cards: CardEncoder,
        length_size: int,
        progress: Progress,
        total: int,
        cancel: CancelToken,
    ) -> None:
        self._stream = stream
        self._timeline = timeline
        self._cards = cards
        self._length_size = length_size
        self._progress = progress
        self._total = total
        self._cancel = cancel
        self._done = 0

    def packets(self) -> Iterator[VideoPacket]:
        for placed in self._timeline.placed:
            if placed.clip is not None:
                yield from self._copied(placed)
            else:
                yield from self._card(placed)

    def _stamp(self, packet: VideoPacket, pts: int, dts: int, duration: int) -> VideoPacket:
        packet.pts = pts
        packet.dts = dts
        packet.duration = duration
        packet.time_base = self._timeline.time_base
        packet.stream = self._stream
        self._done += 1
        self._progress(self._done, self._total)
        return packet

    def _copied(self, placed: _Placed) -> Iterator[VideoPacket]:
        clip = placed.clip
        assert clip is not None
        times = list(self._timeline.clip_times(placed))
        ends = [*sorted(pts for pts, _ in times)[1:], placed.start + placed.ticks]
        durations = dict(zip(sorted(pts for pts, _ in times), ends, strict=True))
        with av.open(str(clip.part.clip)) as container:
            stream = container.streams.video[0]
            packets = (p for p in container.demux(stream) if p.size)
            for packet, (pts, dts) in zip(packets, times, strict=True):
                self._cancel.raise_if_cancelled()
                yield self._stamp(packet, pts, dts, durations[pts] - pts)

    def _card(self, placed: _Placed) -> Iterator[VideoPacket]:
        part = placed.part
        assert isinstance(part, CardPart)
        enc = self._cards.open()
        times = dict(self._timeline.card_times(placed))
        durations = dict(zip(times, placed.durations, strict=True))
        pictures = self._cards.pictures(part.title, placed.durations, placed.fade)
        for pts, frame in zip(times, pictures, strict=True):
            self._cancel.raise_if_cancelled()
            frame.pts = pts
            frame.time_base = self._timeline.time_base
            yield from self._rewrap(enc.encode(frame), times, durations)
        yield from self._rewrap(enc.encode(None), times, durations)

    def _rewrap(
        self, packets: list[VideoPacket], times: dict[int, int], durations: dict[int, int]
    ) -> Iterator[VideoPacket]:
        """x264's Annex-B -> length-prefixed NAL units without parameter sets, as the clips'."""
        for packet in packets:
            if packet.pts is None or packet.pts not in times:
                raise JoinUnsafe("x264 gave a card picture an unknown timestamp")
            nals = [n for n in split_annexb(bytes(packet))
                    if n[0] & 0x1F not in (_NAL_SPS, _NAL_PPS)]
            try:
                data = length_prefixed(nals, self._length_size)
            except SmartCutUnsafe as exc:
                raise JoinUnsafe(str(exc)) from exc
            out = cast(VideoPacket, av.Packet(data))
            out.is_keyframe = packet.is_keyframe
            yield self._stamp(out, packet.pts, times[packet.pts], durations[packet.pts])
