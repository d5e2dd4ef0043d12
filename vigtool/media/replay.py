"""A clip's replay: the moment again at half speed, or its still held, after it plays.

A parent sees the moment at its own pace, with its own sound in sync, and then
again slowly (every frame of the moment, each shown twice as long) or frozen
on the moment's still for a few seconds, so a look or a smile that passes in
a blink has time to be seen.

The replay plays at the clip's own frame rate: each frame is repeated (twice
at half speed) rather than shown once for twice as long, so the file stays
constant-frame-rate wherever the source is, which every phone plays smoothly.
Its sound is silence, or the moment's sound stretched to the slower pace
without changing its pitch (FFmpeg's ``atempo``); a held still is silent.

``cut.cut_clip`` makes a replay clip (``CutOptions.replay``). When the clip is
smart-cut, the moment's own part is made exactly as a plain clip's (its whole
GOPs copied) and :class:`ReplayWriter` adds the replay encoded by an x264 of
its own, under its own SPS/PPS id beside the others in the one ``avcC``;
when the clip is re-encoded, the same encoder goes on with the replay's
frames. Anything that would make the join doubtful raises
:class:`SmartCutUnsafe` and the whole clip is re-encoded instead.

Threading: runs on the calling (worker) thread; no UI.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Literal, cast

import av
import av.container
import numpy as np
from av.video.stream import VideoStream

from vigtool.errors import MediaError, VigtoolError
from vigtool.jobs import CancelToken, Progress
from vigtool.media.audiotrack import AudioFormat, Samples, faded, silence, span_samples
from vigtool.media.encode import (
    VideoPacket,
    decoded_frames,
    frame_durations,
    pts_numbers,
    ready_for_encoder,
)
from vigtool.media.frame_index import FrameIndex
from vigtool.media.segments import segment_encoder
from vigtool.media.smartcut import (
    AvcConfig,
    SmartCutUnsafe,
    SmartPlan,
    SmartWriter,
    length_prefixed,
    parameter_set_id,
    parameter_sets,
    split_annexb,
    split_length_prefixed,
)

ReplayKind = Literal["none", "slow", "freeze"]
ReplaySound = Literal["silent", "pitch-kept"]
REPLAY_KINDS: tuple[ReplayKind, ...] = ("none", "slow", "freeze")
REPLAY_SOUNDS: tuple[ReplaySound, ...] = ("silent", "pitch-kept")
SLOWEST = 0.1  # a tenth of the speed: slower than that is a still
LONGEST_FREEZE_S = 60.0
DECLICK_S = 0.02  # the sound fades this fast where the replay begins (no click)
_NAL_SPS = 7
_NAL_PPS = 8
_NAL_IDR = 5
_PROFILES = {66: "baseline", 77: "main", 100: "high"}


def check_replay(kind: str, speed: float, freeze_s: float, sound: str) -> None:
    """Raise VigtoolError (one line) unless these make a replay vigtool can write."""
    if kind not in REPLAY_KINDS:
        raise VigtoolError(f"a replay is 'none', 'slow' or 'freeze', not {kind!r}")
    if sound not in REPLAY_SOUNDS:
        raise VigtoolError(f"a slow replay's sound is 'silent' or 'pitch-kept', not {sound!r}")
    if kind == "slow" and not SLOWEST <= speed < 1:
        raise VigtoolError(f"a slow replay plays at {SLOWEST:g} to under 1 times the speed "
                           f"(0.5 is half speed), not {speed:g}")
    if kind == "freeze" and not 0 < freeze_s <= LONGEST_FREEZE_S:
        raise VigtoolError(f"a still is held for more than 0 and at most "
                           f"{LONGEST_FREEZE_S:g} seconds, not {freeze_s:g}")


@dataclass(frozen=True)
class Shown:
    """One output frame of the replay: source frame ``frame`` at ``pts`` for ``duration``
    (output ticks, in the source's time base, counted from the clip's first frame)."""

    frame: int
    pts: int
    duration: int


@dataclass(frozen=True)
class ReplayPlan:
    """What the replay shows, frame by frame, after the ``starts`` ticks of the moment."""

    kind: Literal["slow", "freeze"]
    sound: ReplaySound
    speed: Fraction  # of the slow part (1 for a held still)
    starts: int
    shown: tuple[Shown, ...]
    time_base: Fraction

    @property
    def ticks(self) -> int:
        return sum(s.duration for s in self.shown)

    @property
    def seconds(self) -> Fraction:
        return self.ticks * self.time_base

    @property
    def first(self) -> int:
        return min(s.frame for s in self.shown)

    @property
    def last(self) -> int:
        return max(s.frame for s in self.shown)


def plan_replay(
    index: FrameIndex,
    first: int,
    last: int,
    *,
    kind: Literal["slow", "freeze"],
    speed: float = 0.5,
    freeze_s: float = 3.0,
    still: int | None = None,
    sound: ReplaySound = "silent",
) -> ReplayPlan:
    """The replay of frames ``first..last``: slowed to ``speed``, or ``still`` (by default
    the last frame) held ``freeze_s`` seconds; every output frame lasts one frame step."""
    check_replay(kind, speed, freeze_s, sound)
    durations = frame_durations(index, first, last)
    step = max(1, round(statistics.median(durations)))
    starts = sum(durations)
    tb = Fraction(*index.time_base)
    shown: list[Shown] = []
    if kind == "slow":
        rate = Fraction(speed).limit_denominator(1000)
        origin = int(index.pts[first])
        for n, duration in zip(range(first, last + 1), durations, strict=True):
            at = int(index.pts[n]) - origin
            begin, end = starts + round(at / rate), starts + round((at + duration) / rate)
            shown += _repeated(n, begin, end - begin, step)
        return ReplayPlan("slow", sound, rate, starts, tuple(shown), tb)
    frame = last if still is None else still
    if not first <= frame <= last:
        raise VigtoolError(f"the still to hold (frame {frame}) is not inside the clip "
                           f"(frames {first} to {last})")
    held = _repeated(frame, starts, max(1, round(Fraction(freeze_s) / tb)), step)
    return ReplayPlan("freeze", "silent", Fraction(1), starts, tuple(held), tb)


def _repeated(frame: int, start: int, ticks: int, step: int) -> list[Shown]:
    """``frame`` shown from ``start`` for ``ticks``, in copies of about one frame step."""
    copies = max(1, round(Fraction(ticks, step)))
    cuts = [start + ticks * i // copies for i in range(copies + 1)]
    return [Shown(frame, a, b - a) for a, b in itertools.pairwise(cuts)]


def replay_pictures(
    shown: Sequence[Shown], frames: Iterator[tuple[int, av.VideoFrame]]
) -> Iterator[tuple[Shown, av.VideoFrame]]:
    """Each of ``shown`` (in source order) with its picture; ``frames`` gives the source
    frames from the first shown to the last, in order."""
    wanted = iter(shown)
    pending = next(wanted, None)
    for n, frame in frames:
        while pending is not None and pending.frame == n:
            yield pending, frame
            pending = next(wanted, None)
        if pending is None:
            return
    if pending is not None:
        raise MediaError(f"frame {pending.frame} could not be decoded; the file may be damaged")


def exact_frames(
    container: av.container.InputContainer,
    stream: VideoStream,
    index: FrameIndex,
    first: int,
    last: int,
    cancel: CancelToken,
) -> Iterator[tuple[int, av.VideoFrame]]:
    """Frames ``first..last`` as decoded (not reshaped), each once and in order."""
    expected = first
    for n, frame in decoded_frames(container, stream, index, pts_numbers(index), first):
        cancel.raise_if_cancelled()
        if n < first:
            continue
        if n != expected:
            raise MediaError(f"frame {expected} could not be decoded; the file may be damaged")
        yield n, frame
        expected += 1
        if expected > last:
            return
    raise MediaError(f"frame {expected} could not be decoded; the file may be damaged")


# --- sound ---------------------------------------------------------------------------------


def replay_sound(
    plan: ReplayPlan, source: Path, start_s: Fraction, heard: int, count: int,
    fmt: AudioFormat,
) -> Iterator[Samples]:
    """``count`` samples under the replay: silence, or the ``heard`` samples of the moment
    from ``start_s`` stretched to the replay's pace at their own pitch.

    ``atempo`` gives back a little less than asked (about half a window at each
    end: 56 ms short of 20 s at half speed, 48 kHz) and everything as much
    early; centring what it gives in the replay's time puts the sound back
    where its pictures are (measured: within 15 ms at half speed, 16-48 kHz; within
    50 ms at a quarter, where two ``atempo`` run one after the other)."""
    if plan.sound == "silent" or plan.kind == "freeze":
        yield from silence(count, fmt)
        return
    stretched = list(_stretched(span_samples(source, start_s, heard, fmt), plan.speed, fmt))
    given = sum(chunk.shape[1] for chunk in stretched)
    late = max(0, round((heard / plan.speed - given) / 2))
    chunks = itertools.chain(silence(late, fmt), stretched)
    yield from faded(_exactly(chunks, count, fmt), count, fmt.rate, DECLICK_S)


def _tempos(speed: Fraction) -> list[str]:
    """``atempo`` factors multiplying to ``speed``, each within its 0.5..2 sweet spot."""
    factors: list[str] = []
    rest = speed
    while rest < Fraction(1, 2):
        factors.append("0.5")
        rest *= 2
    factors.append(f"{float(rest):.6f}")
    return factors


def _stretched(chunks: Iterator[Samples], speed: Fraction, fmt: AudioFormat
               ) -> Iterator[Samples]:
    """The sound played at ``speed`` without changing its pitch (libavfilter ``atempo``)."""
    graph = av.filter.Graph()
    nodes = [graph.add("abuffer", sample_rate=str(fmt.rate), sample_fmt="fltp",
                       channel_layout=fmt.layout, time_base=f"1/{fmt.rate}")]
    nodes += [graph.add("atempo", factor) for factor in _tempos(speed)]
    nodes += [graph.add("aformat", f"sample_fmts=fltp:channel_layouts={fmt.layout}"),
              graph.add("abuffersink")]
    graph.link_nodes(*nodes)
    graph.configure()

    def pulled() -> Iterator[Samples]:
        while True:
            try:
                frame = cast(av.AudioFrame, graph.pull())
            except (av.BlockingIOError, av.EOFError):
                return
            data = np.asarray(frame.to_ndarray(), dtype=np.float32)
            yield data.reshape(fmt.channels, -1)

    position = 0
    for chunk in chunks:
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk, dtype=np.float32),
                                           format="fltp", layout=fmt.layout)
        frame.sample_rate = fmt.rate
        frame.pts = position
        frame.time_base = Fraction(1, fmt.rate)
        position += chunk.shape[1]
        graph.push(frame)
        yield from pulled()
    graph.push(None)
    yield from pulled()


def _exactly(chunks: Iterator[Samples], count: int, fmt: AudioFormat) -> Iterator[Samples]:
    """The first ``count`` samples of ``chunks``, silence after them if they run short."""
    given = 0
    for chunk in chunks:
        take = chunk[:, : count - given]
        if take.shape[1]:
            yield take
            given += take.shape[1]
        if given >= count:
            return
    yield from silence(count - given, fmt)


# --- the replay after a smart-cut moment ---------------------------------------------------


class ReplayWriter:
    """A smart-cut moment's packets, then its replay's, encoded by an x264 of its own.

    The replay's encoder is set up as the smart cut's head and tail are (the
    source's profile, size, colours and time base; no B-frames), under an
    SPS/PPS id nothing else in the clip uses. It also encodes the moment's
    tail (the frames after its last copied GOP), so the replay's first
    picture, an IDR, never follows another IDR (two in a row might share an
    ``idr_pic_id``). Its packets go after the moment's with their decode
    times moved back by the moment's reorder delay, so decode order stays
    strictly increasing across the join; that and everything else is
    checked, and SmartCutUnsafe raised on any doubt.
    """

    def __init__(
        self,
        container: av.container.InputContainer,
        stream: VideoStream,
        index: FrameIndex,
        smart: SmartPlan,
        rotation: int,
        plan: ReplayPlan,
    ) -> None:
        origin = int(index.pts[smart.first])
        self._tail = tuple(
            Shown(n, int(index.pts[n]) - origin, duration)
            for n, duration in zip(smart.tail, frame_durations(index, smart.first, smart.last)
                                   [smart.copy_to - smart.first:], strict=True))
        moment = replace(smart, last=smart.copy_to - 1) if self._tail else smart
        self._moment = SmartWriter(container, stream, index, moment, rotation)
        self._container = container
        self._stream = stream
        self._index = index
        self._plan = plan
        self._tb = Fraction(*index.time_base)
        self._out: VideoStream | None = None
        self._config: AvcConfig | None = None
        self._own_id = -1
        self._last_dts = 0
        self._profile = "high"
        self._sets: tuple[list[bytes], list[bytes]] = ([], [])

    def add_stream(self, out: av.container.OutputContainer) -> VideoStream:
        stream = self._moment.add_stream(out)
        config = AvcConfig.parse(stream.codec_context.extradata)
        profile = _PROFILES.get(config.profile)
        if profile is None:
            raise SmartCutUnsafe(f"H.264 profile {config.profile} is not matched for a replay")
        taken = {parameter_set_id(nal) for nal in (*config.sps, *config.pps)}
        free = sorted(set(range(32)) - taken)
        if not free:
            raise SmartCutUnsafe("no H.264 parameter set id is left for the replay")
        self._own_id = free[0]
        encoder = self._open_encoder(profile)
        sets = parameter_sets(encoder)
        if {parameter_set_id(nal) for nal in (*sets[0], *sets[1])} != {self._own_id}:
            raise SmartCutUnsafe("x264 did not use the parameter set id it was given")
        self._profile = profile
        self._sets = sets
        self._config = config
        stream.codec_context.extradata = config.with_sets(*sets).to_bytes()
        self._out = stream
        return stream

    def packets(self, progress: Progress, cancel: CancelToken) -> Iterator[VideoPacket]:
        if self._out is None or self._config is None:
            raise RuntimeError("add_stream() first")
        plan = self._plan
        moment_frames = 0
        total = 1

        def moment_progress(done: int, of: int) -> None:
            nonlocal moment_frames, total
            moment_frames, total = done, of + len(self._tail) + len(plan.shown)
            progress(done, total)

        lead: int | None = None
        ends_idr = False
        length_size = self._config.length_size
        for packet in self._moment.packets(moment_progress, cancel):
            if packet.dts is None or packet.pts is None:
                raise SmartCutUnsafe("a packet without a known timestamp")
            if lead is None:
                lead = max(0, -int(packet.dts))
            self._last_dts = int(packet.dts)
            kinds = self._nal_kinds(bytes(packet), length_size)
            ends_idr = _NAL_IDR in kinds
            yield packet
        if lead is None:
            raise SmartCutUnsafe("the moment gave no pictures")
        if ends_idr:
            # Two IDR pictures in a row might share an idr_pic_id.
            raise SmartCutUnsafe("the moment ends on a keyframe")
        encoder = self._open_encoder(self._profile)
        if parameter_sets(encoder) != self._sets:
            raise SmartCutUnsafe("x264 made different parameter sets for the same settings")
        durations = {s.pts: s.duration for s in (*self._tail, *plan.shown)}
        done = moment_frames
        for run in (self._tail, plan.shown):
            if not run:
                continue
            first, last = run[0].frame, max(s.frame for s in run)
            frames = exact_frames(self._container, self._stream, self._index, first, last,
                                  cancel)
            for shown, frame in replay_pictures(run, frames):
                ready = ready_for_encoder(frame, shown.pts, self._tb)
                yield from self._rewrap(encoder.encode(ready), lead, durations, length_size)
                done += 1
                progress(done, total)
        yield from self._rewrap(encoder.encode(None), lead, durations, length_size)

    def _nal_kinds(self, data: bytes, length_size: int) -> list[int]:
        """The packet's NAL unit types; refuses one carrying a parameter set with our id."""
        kinds = []
        for nal in split_length_prefixed(data, length_size):
            kind = nal[0] & 0x1F
            if kind in (_NAL_SPS, _NAL_PPS) and parameter_set_id(nal) == self._own_id:
                raise SmartCutUnsafe("the source carries a parameter set with the replay's id")
            kinds.append(kind)
        return kinds

    def _rewrap(
        self, packets: list[VideoPacket], lead: int, durations: dict[int, int],
        length_size: int,
    ) -> Iterator[VideoPacket]:
        """Annex-B from x264 -> length-prefixed NAL units, after the moment in decode order
        (checked: decode times strictly increasing, never after a picture is shown)."""
        stream = self._out
        assert stream is not None
        for packet in packets:
            if packet.pts is None or packet.pts not in durations:
                raise SmartCutUnsafe("x264 gave a replay picture an unknown timestamp")
            nals = [n for n in split_annexb(bytes(packet))
                    if n[0] & 0x1F not in (_NAL_SPS, _NAL_PPS)]
            out = cast(VideoPacket, av.Packet(length_prefixed(nals, length_size)))
            out.pts = packet.pts
            dts = packet.dts if packet.dts is not None else packet.pts
            out.dts = dts - lead
            if out.dts > out.pts or out.dts <= self._last_dts:
                raise SmartCutUnsafe("the replay's decode times cannot follow the moment's")
            self._last_dts = out.dts
            out.duration = durations[packet.pts]
            out.time_base = self._tb
            out.is_keyframe = packet.is_keyframe
            out.stream = stream
            yield out

    def _open_encoder(self, profile: str) -> av.VideoCodecContext:
        return segment_encoder(self._stream, self._index, self._tb, profile=profile,
                               params=f"sps-id={self._own_id}:bframes=0")


