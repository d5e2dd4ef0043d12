"""Smart cut of H.264: re-encode only the partial GOPs at the ends, copy the GOPs between.

A 10 s moment from a phone clip mostly consists of whole GOPs (keyframe to
keyframe) that can be copied byte for byte; only the frames from the start
frame to the next keyframe (the head) and from the last keyframe to the end
frame (the tail) need new pictures. The recipe (see DESIGN.md, "Facts
measured"):

* libx264 encodes head and tail with its own SPS/PPS id (``sps-id``), so its
  parameter sets can sit beside the source's;
* the output's avcC holds both the source's and the new SPS/PPS;
* the encoder's Annex-B output becomes length-prefixed NAL units with the
  source's length size;
* the head's DTS are moved back by the source's reorder delay so DTS keep
  increasing into the copied B-frame GOPs.

Everything that could make the result wrong is checked first (open GOPs,
packets out of decode order, clashing ids, an encoder that changed its
parameter sets); any doubt raises :class:`SmartCutUnsafe` and the caller
re-encodes the clip instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import cast

import av
import av.container
import numpy as np
from av.video.stream import VideoStream

from vigtool.jobs import CancelToken, Progress
from vigtool.media.encode import (
    VideoPacket,
    frame_durations,
    packets_from,
    ready_for_encoder,
)
from vigtool.media.frame_index import FrameIndex
from vigtool.media.segments import segment_encoder

_NAL_IDR = 5
_NAL_SPS = 7
_NAL_PPS = 8
_PROFILES = {66: "baseline", 77: "main", 100: "high"}
_SMART_PIXEL_FORMATS = frozenset({"yuv420p", "yuvj420p"})


class SmartCutUnsafe(Exception):
    """This span cannot be smart-cut with certainty; the clip must be re-encoded."""


# --- H.264 parameter sets and NAL units ----------------------------------------------------


@dataclass(frozen=True)
class AvcConfig:
    """An ``avcC`` box body (ISO/IEC 14496-15): how MP4 carries H.264 parameter sets."""

    profile: int
    compat: int
    level: int
    length_size: int
    sps: tuple[bytes, ...]
    pps: tuple[bytes, ...]
    trailer: bytes  # chroma format / bit depth fields of High profiles, kept as they are

    @classmethod
    def parse(cls, data: bytes | None) -> AvcConfig:
        if not data or len(data) < 7 or data[0] != 1:
            raise SmartCutUnsafe("the H.264 stream has no avcC (Annex-B source)")
        try:
            pos = 6
            sps: list[bytes] = []
            for _ in range(data[5] & 0x1F):
                size = int.from_bytes(data[pos : pos + 2], "big")
                sps.append(data[pos + 2 : pos + 2 + size])
                pos += 2 + size
            pps: list[bytes] = []
            count = data[pos]
            pos += 1
            for _ in range(count):
                size = int.from_bytes(data[pos : pos + 2], "big")
                pps.append(data[pos + 2 : pos + 2 + size])
                pos += 2 + size
        except IndexError as exc:
            raise SmartCutUnsafe("the avcC box is damaged") from exc
        if pos > len(data) or not sps or not pps:
            raise SmartCutUnsafe("the avcC box is damaged")
        return cls(data[1], data[2], data[3], (data[4] & 3) + 1, tuple(sps), tuple(pps),
                   bytes(data[pos:]))

    def to_bytes(self) -> bytes:
        out = bytearray([1, self.profile, self.compat, self.level, 0xFC | (self.length_size - 1)])
        out.append(0xE0 | len(self.sps))
        for nal in self.sps:
            out += len(nal).to_bytes(2, "big") + nal
        out.append(len(self.pps))
        for nal in self.pps:
            out += len(nal).to_bytes(2, "big") + nal
        return bytes(out + self.trailer)

    def with_sets(self, sps: list[bytes], pps: list[bytes]) -> AvcConfig:
        """This config plus more parameter sets; the level is the highest any SPS asks for."""
        level = max([self.level, *(nal[3] for nal in sps)])
        return replace(self, level=level, sps=(*self.sps, *sps), pps=(*self.pps, *pps))


def split_annexb(data: bytes) -> list[bytes]:
    """NAL units of an Annex-B byte stream (start codes removed)."""
    nals: list[bytes] = []
    starts = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append(i + 3)
        i = data.find(b"\x00\x00\x01", i + 3)
    for k, start in enumerate(starts):
        end = starts[k + 1] - 3 if k + 1 < len(starts) else len(data)
        nal = data[start:end]
        if k + 1 < len(starts):
            nal = nal.rstrip(b"\x00")  # the zero byte of a following 4-byte start code
        if nal:
            nals.append(nal)
    return nals


def split_length_prefixed(data: bytes, length_size: int) -> list[bytes]:
    nals: list[bytes] = []
    pos = 0
    while pos + length_size <= len(data):
        size = int.from_bytes(data[pos : pos + length_size], "big")
        pos += length_size
        if size == 0 or pos + size > len(data):
            raise SmartCutUnsafe("a source packet is not made of whole NAL units")
        nals.append(data[pos : pos + size])
        pos += size
    return nals


def length_prefixed(nals: list[bytes], length_size: int) -> bytes:
    limit = 1 << (8 * length_size)
    out = bytearray()
    for nal in nals:
        if len(nal) >= limit:
            raise SmartCutUnsafe("a NAL unit is too long for the source's length field")
        out += len(nal).to_bytes(length_size, "big") + nal
    return bytes(out)


def parameter_set_id(nal: bytes) -> int:
    """The id of an SPS (after profile, flags and level) or a PPS (first field)."""
    bits = _Bits(nal[4:] if nal[0] & 0x1F == _NAL_SPS else nal[1:])
    return bits.ue()


class _Bits:
    """Reads Exp-Golomb codes from a NAL unit payload (emulation-prevention bytes removed)."""

    def __init__(self, payload: bytes) -> None:
        self._data = payload.replace(b"\x00\x00\x03", b"\x00\x00")
        self._pos = 0

    def bit(self) -> int:
        byte = self._pos >> 3
        if byte >= len(self._data):
            raise SmartCutUnsafe("a parameter set is cut short")
        value = (self._data[byte] >> (7 - (self._pos & 7))) & 1
        self._pos += 1
        return value

    def ue(self) -> int:
        zeros = 0
        while self.bit() == 0:
            zeros += 1
            if zeros > 31:
                raise SmartCutUnsafe("a parameter set is damaged")
        value = 1
        for _ in range(zeros):
            value = (value << 1) | self.bit()
        return value - 1


# --- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmartPlan:
    """Frames ``first..last`` of the source: [first, copy_from) and [copy_to, last] are
    re-encoded, [copy_from, copy_to) copied; decoding for the head starts at ``decode_from``."""

    first: int
    last: int
    copy_from: int
    copy_to: int
    decode_from: int

    @property
    def head(self) -> range:
        return range(self.first, min(self.copy_from, self.last + 1))

    @property
    def tail(self) -> range:
        return range(self.copy_to, self.last + 1)


def plan_smart(index: FrameIndex, first: int, last: int) -> SmartPlan | None:
    """Where to copy and where to re-encode; None if no whole GOP can be copied safely."""
    count = index.frame_count
    keys = np.flatnonzero(index.keyframe)
    i = int(np.searchsorted(keys, first, side="left"))
    if i == len(keys):
        return None
    copy_from = int(keys[i])
    if copy_from - first == 1:
        # A one-frame head is itself an IDR; two IDRs in a row might share an idr_pic_id.
        copy_from = int(keys[i + 1]) if i + 1 < len(keys) else count
    if last + 1 == count or index.keyframe[last + 1]:
        copy_to = last + 1
    else:
        j = int(np.searchsorted(keys, last, side="right")) - 1
        copy_to = int(keys[j])
        if j > 0 and copy_to - int(keys[j - 1]) == 1:  # same rule where the tail begins
            copy_to = int(keys[j - 1])
    if copy_to <= copy_from:
        return None
    pts, dts = index.pts, index.dts
    copied = dts[copy_from:copy_to]
    if copied.min() != dts[copy_from] or bool((copied > pts[copy_from:copy_to]).any()):
        return None
    if copy_from and dts[:copy_from].max() >= copied.min():
        return None
    if copy_to < count and dts[copy_to:].min() <= copied.max():
        return None
    before = int(keys[max(int(np.searchsorted(keys, first, side="right")) - 1, 0)])
    return SmartPlan(first, last, copy_from, copy_to, before if copy_from > first else copy_from)


# --- writing -------------------------------------------------------------------------------


class SmartWriter:
    """Produces the video packets of a smart-cut clip, in decode order, ready to mux.

    Raises SmartCutUnsafe from the constructor, ``add_stream`` or ``packets``
    as soon as something rules the smart path out; nothing is muxed by then
    that the caller cannot throw away.
    """

    def __init__(
        self,
        container: av.container.InputContainer,
        stream: VideoStream,
        index: FrameIndex,
        plan: SmartPlan,
        rotation: int,
    ) -> None:
        ctx = stream.codec_context
        if ctx.name != "h264" or ctx.pix_fmt not in _SMART_PIXEL_FORMATS:
            raise SmartCutUnsafe("only 8-bit 4:2:0 H.264 is smart-cut")
        self._avcc = AvcConfig.parse(ctx.extradata)
        profile = _PROFILES.get(self._avcc.profile)
        if profile is None:
            raise SmartCutUnsafe(f"H.264 profile {self._avcc.profile} is not smart-cut")
        self._container = container
        self._stream = stream
        self._index = index
        self._plan = plan
        self._rotation = rotation
        self._tb = Fraction(*index.time_base)
        taken = {parameter_set_id(nal) for nal in (*self._avcc.sps, *self._avcc.pps)}
        self._own_id = min(set(range(32)) - taken)
        self._profile = profile
        self._config = self._avcc
        self._own_sets: tuple[list[bytes], list[bytes]] = ([], [])
        if plan.head or plan.tail:
            sps, pps = self._own_sets = parameter_sets(self._open_encoder())
            if {parameter_set_id(nal) for nal in (*sps, *pps)} != {self._own_id}:
                raise SmartCutUnsafe("x264 did not use the parameter set id it was given")
            self._config = self._avcc.with_sets(sps, pps)
        self._out_stream: VideoStream | None = None

    def add_stream(self, out: av.container.OutputContainer) -> VideoStream:
        stream = out.add_stream_from_template(self._stream)
        stream.codec_context.extradata = self._config.to_bytes()
        stream.time_base = self._tb
        if self._rotation % 360:
            stream.set_display_rotation(self._rotation % 360)
        self._out_stream = stream
        return stream

    def packets(self, progress: Progress, cancel: CancelToken) -> Iterator[VideoPacket]:
        plan, index = self._plan, self._index
        numbers = {int(p): n for n, p in enumerate(index.pts.tolist())}
        origin = int(index.pts[plan.first])
        durations = dict(
            zip(
                (int(p) - origin for p in index.pts[plan.first : plan.last + 1]),
                frame_durations(index, plan.first, plan.last),
                strict=True,
            )
        )
        # Moving the head's DTS back by the source's reorder delay at the first copied
        # keyframe keeps DTS increasing into copied GOPs that use B-frames.
        key = plan.copy_from if plan.copy_from < index.frame_count else plan.decode_from
        shift = max(0, int(index.pts[key]) - int(index.dts[key]))
        done = 0
        output = _Output(self._output(), self._tb, self._avcc.length_size, durations)
        head = self._segment(plan.head, origin, shift, output) if plan.head else None
        # The tail keeps the source's delay too: even DTS steps, and reels join clips end to end.
        end_key = plan.copy_to if plan.tail else key
        tail_shift = max(0, int(index.pts[end_key]) - int(index.dts[end_key]))
        tail = self._segment(plan.tail, origin, tail_shift, output) if plan.tail else None
        copied = 0
        for packet in packets_from(self._container, self._stream, index, plan.decode_from):
            cancel.raise_if_cancelled()
            pts, dts = packet.pts, packet.dts
            n = numbers.get(pts) if pts is not None else None
            if n is None or pts is None or dts is None:
                raise SmartCutUnsafe("a packet without a known timestamp")
            if n < plan.copy_from:
                assert head is not None
                yield from head.decode(packet)
                progress(done + head.encoded, len(durations))
                continue
            if head is not None and not head.finished:
                yield from head.finish()
                done += head.encoded
            if n < plan.copy_to:
                self._check_copied(packet, first=copied == 0)
                packet.pts = pts - origin
                packet.dts = dts - origin
                packet.stream = self._output()
                copied += 1
                done += 1
                progress(done, len(durations))
                yield packet
                continue
            if tail is None:
                break
            yield from tail.decode(packet)
            progress(done + tail.encoded, len(durations))
            if tail.has_all:
                break
        if head is not None and not head.finished:
            yield from head.finish()
        if tail is not None:
            yield from tail.finish()
        expected = (len(plan.head), plan.copy_to - plan.copy_from, len(plan.tail))
        got = (head.encoded if head else 0, copied, tail.encoded if tail else 0)
        if got != expected:
            raise SmartCutUnsafe(f"frames head/copy/tail {got} instead of {expected}")
        progress(len(durations), len(durations))

    def _segment(self, frames: range, origin: int, shift: int, output: _Output) -> _Segment:
        encoder = self._open_encoder()
        if parameter_sets(encoder) != self._own_sets:
            raise SmartCutUnsafe("x264 made different parameter sets for the same settings")
        pts_of = {int(self._index.pts[n]): n for n in frames}
        return _Segment(self._stream.codec_context, encoder, pts_of, origin, shift, output)

    def _output(self) -> VideoStream:
        if self._out_stream is None:
            raise RuntimeError("add_stream() first")
        return self._out_stream

    def _check_copied(self, packet: VideoPacket, *, first: bool) -> None:
        nals = split_length_prefixed(bytes(packet), self._avcc.length_size)
        types = [nal[0] & 0x1F for nal in nals]
        if first and _NAL_IDR not in types:
            raise SmartCutUnsafe("the first copied keyframe is not an IDR picture (open GOP)")
        for nal, kind in zip(nals, types, strict=True):
            if kind in (_NAL_SPS, _NAL_PPS) and parameter_set_id(nal) == self._own_id:
                raise SmartCutUnsafe("the source carries a parameter set with our id")

    def _open_encoder(self) -> av.VideoCodecContext:
        """A libx264 encoder whose SPS/PPS use our id, matching the source's profile and colours."""
        return segment_encoder(self._stream, self._index, self._tb, profile=self._profile,
                               params=f"sps-id={self._own_id}:bframes=0:keyint=infinite")


def parameter_sets(
    enc: av.VideoCodecContext, unsafe: type[Exception] = SmartCutUnsafe
) -> tuple[list[bytes], list[bytes]]:
    """The one SPS and one PPS an encoder made; ``unsafe`` is raised when it made more or none."""
    nals = split_annexb(enc.extradata or b"")
    sps = [nal for nal in nals if nal[0] & 0x1F == _NAL_SPS]
    pps = [nal for nal in nals if nal[0] & 0x1F == _NAL_PPS]
    if len(sps) != 1 or len(pps) != 1:
        raise unsafe("x264 gave no single SPS and PPS")
    return sps, pps


@dataclass(frozen=True)
class _Output:
    """Where and how a re-encoded segment's packets go."""

    stream: VideoStream
    time_base: Fraction
    length_size: int
    durations: dict[int, int]  # output pts -> duration


class _Segment:
    """Decode part of the source and re-encode ``frames`` of it with a fresh x264."""

    def __init__(
        self,
        decoder: av.VideoCodecContext,
        encoder: av.VideoCodecContext,
        pts_of: dict[int, int],
        origin: int,
        dts_shift: int,
        output: _Output,
    ) -> None:
        """``pts_of`` maps the source pts of each frame to re-encode to its frame number."""
        self._decoder = decoder
        self._decoder.flush_buffers()
        self._encoder = encoder
        self._numbers = pts_of
        self._origin = origin
        self._shift = dts_shift
        self._output = output
        self._next = min(pts_of.values())
        self._last = max(pts_of.values())
        self.encoded = 0
        self.finished = False

    @property
    def has_all(self) -> bool:
        return self._next > self._last

    def decode(self, packet: VideoPacket | None) -> Iterator[VideoPacket]:
        for frame in self._decoder.decode(packet):
            at = frame.pts if frame.pts is not None else frame.dts
            n = self._numbers.get(at) if at is not None else None
            if n is None or at is None or self.has_all:
                continue
            if n != self._next:
                raise SmartCutUnsafe(f"frame {self._next} did not come out of the decoder")
            self._next += 1
            ready = ready_for_encoder(frame, at - self._origin, self._output.time_base)
            yield from self._rewrap(self._encoder.encode(ready))
            self.encoded += 1

    def finish(self) -> Iterator[VideoPacket]:
        if not self.has_all:
            yield from self.decode(None)
        self._decoder.flush_buffers()
        yield from self._rewrap(self._encoder.encode(None))
        self.finished = True
        if not self.has_all:
            raise SmartCutUnsafe(f"frame {self._next} could not be decoded")

    def _rewrap(self, packets: list[VideoPacket]) -> Iterator[VideoPacket]:
        """Annex-B from x264 -> length-prefixed NAL units, as the copied packets are."""
        out_info = self._output
        for packet in packets:
            if packet.pts is None:
                raise SmartCutUnsafe("x264 gave a packet without a timestamp")
            nals = [
                n for n in split_annexb(bytes(packet)) if n[0] & 0x1F not in (_NAL_SPS, _NAL_PPS)
            ]
            out = cast(VideoPacket, av.Packet(length_prefixed(nals, out_info.length_size)))
            out.pts = packet.pts
            out.dts = (packet.dts if packet.dts is not None else packet.pts) - self._shift
            out.duration = out_info.durations.get(int(packet.pts), 0)
            out.time_base = out_info.time_base
            out.is_keyframe = packet.is_keyframe
            out.stream = out_info.stream
            yield out
