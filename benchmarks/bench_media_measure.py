"""The three timed comparisons of ``bench_media``, each against raw PyAV doing the minimum.

1. the frame index vs a demux loop that touches nothing; 2. a cold exact seek
vs a keyframe seek that decodes to the target; 3. stepping back one frame at
a time vs an ideal cache. Each appends its rows, checks and notes to a
``Report``; vigtool and the baseline take turns going first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final, TypeVar

import av
import numpy as np
import numpy.typing as npt

from benchmarks.bench_media_report import Check, Goal, Report, Row
from benchmarks.synth import ClipSpec
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.reader import FrameReader

# vigtool.media.reader sets this on its decoders; the baselines use the same.
THREAD_TYPE: Final = "AUTO"
KEY_REPEAT_S: Final = 1 / 30  # a held arrow key autorepeats at about 30 Hz

RGBImage = npt.NDArray[np.uint8]
T = TypeVar("T")
_NO_IMAGE: Final[RGBImage] = np.zeros((0, 0, 3), dtype=np.uint8)


class BenchError(RuntimeError):
    """The benchmark could not measure what it meant to (bad media, wrong frames)."""


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95 and max of ``samples`` (seconds), in ms."""
    arr = np.asarray(samples, dtype=np.float64) * 1000.0
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95)), float(arr.max())


# --------------------------------------------------------------------------- 1. frame index


def bench_index(report: Report, path: Path, spec: ClipSpec) -> None:
    """build_frame_index vs a PyAV loop that demuxes the video stream and touches nothing."""

    def vigtool() -> float:
        start = time.perf_counter()
        index = build_frame_index(path)
        elapsed = time.perf_counter() - start
        if index.frame_count != spec.frames:
            raise BenchError(f"index has {index.frame_count} frames, expected {spec.frames}")
        return elapsed

    def baseline() -> float:
        start = time.perf_counter()
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            for _packet in container.demux(stream):
                pass
        return time.perf_counter() - start

    vigtool()  # warm-up: page cache, lazy imports, first-call costs
    baseline()
    vig_s: list[float] = []
    base_s: list[float] = []
    for i in range(report.config.index_repeats):
        vt, bt = _both(i, vigtool, baseline)
        vig_s.append(vt)
        base_s.append(bt)
    minutes = spec.seconds / 60
    report.rows.append(
        Row(
            f"frame index, {minutes:g} min {spec.height}p (median of {len(vig_s)})",
            _ms(float(np.median(vig_s))),
            _ms(float(np.median(base_s))),
            Goal("ratio", 1.2),
        )
    )


def _both(i: int, vigtool: Callable[[], T], baseline: Callable[[], T]) -> tuple[T, T]:
    """Run both, vigtool first when ``i`` is even and the baseline first when odd.

    Alternating spreads any drift of the machine (heat, a neighbour's load,
    page cache) evenly over the two sides.
    """
    if i % 2 == 0:
        vig = vigtool()
        return vig, baseline()
    base = baseline()
    return vigtool(), base


# --------------------------------------------------------------------------- 2. exact seek


@dataclass(frozen=True)
class Seek:
    """One timed exact seek and what it decoded."""

    seconds: float
    rgb: RGBImage
    decoded_before_key: int  # frames decoded that precede the keyframe: wasted work


def vigtool_seek(path: Path, index: FrameIndex, target: int) -> Seek:
    """Time ``FrameReader.frame(target)`` on a fresh reader: empty cache, decoder never used."""
    key = index.keyframe_at_or_before(target)
    with FrameReader(path, index, prefetch=False) as reader:
        start = time.perf_counter()
        rgb = reader.frame(target)
        elapsed = time.perf_counter() - start
        # The reader caches every frame it decodes (its cache holds several GOPs
        # of 1080p), so the cache shows how far before the keyframe it started.
        earlier = index.keyframe_before(key)
        wasted = 0 if earlier is None else sum(n in reader._cache for n in range(earlier, key))
    return Seek(elapsed, rgb, wasted)


def baseline_seek(path: Path, index: FrameIndex, target: int) -> Seek:
    """The minimum raw PyAV does: seek to the keyframe at or before, decode to the target's pts.

    Only the target is converted to RGB; every other frame is dropped as soon as
    it is decoded. Opening the file is outside the timing, as for vigtool. The
    seek asks for the keyframe's *pts*, which lands on that keyframe in MP4, MOV
    and Matroska; frames decoded before it are counted, so a seek that lands
    early shows up in the report rather than silently inflating the baseline.
    """
    key = index.keyframe_at_or_before(target)
    key_pts = int(index.pts[key])
    want = int(index.pts[target])
    wasted = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = THREAD_TYPE
        start = time.perf_counter()
        container.seek(key_pts, stream=stream, backward=True, any_frame=False)
        for frame in container.decode(stream):
            if frame.pts == want:
                rgb = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
                return Seek(time.perf_counter() - start, rgb, wasted)
            if frame.pts is not None and frame.pts < key_pts:
                wasted += 1
    raise BenchError(f"baseline never decoded frame {target} (pts {want})")


def bench_seek(report: Report, path: Path, index: FrameIndex, rng: np.random.Generator) -> None:
    count = report.config.seek_targets
    targets = [int(t) for t in rng.choice(index.frame_count, size=count, replace=False)]
    # One-time costs per recording or per process, not per seek.
    _ = index.times
    vigtool_seek(path, index, targets[0])
    baseline_seek(path, index, targets[0])

    vig: list[Seek] = []
    base: list[Seek] = []
    mismatched: list[int] = []
    for i, target in enumerate(targets):
        v, b = _both(
            i,
            partial(vigtool_seek, path, index, target),
            partial(baseline_seek, path, index, target),
        )
        if not np.array_equal(v.rgb, b.rgb):
            mismatched.append(target)
        # Keep the timings, drop the 6 MB pictures.
        vig.append(Seek(v.seconds, _NO_IMAGE, v.decoded_before_key))
        base.append(Seek(b.seconds, _NO_IMAGE, b.decoded_before_key))
        del v, b

    report.checks.append(
        Check(
            "exact seek: vigtool's frame equals the baseline's, pixel for pixel",
            not mismatched,
            f"{count - len(mismatched)}/{count} identical"
            + (f"; differing targets: {mismatched}" if mismatched else ""),
        )
    )
    base_early = sum(1 for s in base if s.decoded_before_key)
    report.checks.append(
        Check(
            "exact seek: the baseline decoded nothing before the keyframe",
            base_early == 0,
            f"{count - base_early}/{count} seeks started at the keyframe",
        )
    )
    vig_early = [s.decoded_before_key for s in vig if s.decoded_before_key]
    if vig_early:
        report.notes.append(
            f"vigtool decoded frames before the keyframe in {len(vig_early)}/{count} seeks "
            f"(mean {np.mean(vig_early):.0f} wasted frames): its seek landed a GOP early"
        )
    vig_s = [s.seconds for s in vig]
    base_s = [s.seconds for s in base]
    v50, v95, vmax = _percentiles(vig_s)
    b50, b95, bmax = _percentiles(base_s)
    label = f"exact seek 1080p, cold ({count} targets)"
    report.rows += [
        Row(f"{label} p50", v50, b50),
        Row(f"{label} p95", v95, b95, Goal("ratio", 1.1)),
        Row(f"{label} p95", v95, b95, Goal("vigtool_ms", 250)),
        Row(f"{label} max", vmax, bmax),
    ]
    report.facts["seek_targets"] = targets
    worst = int(np.argmax(vig_s))
    key = index.keyframe_at_or_before(targets[worst])
    report.notes.append(
        f"slowest vigtool seek: frame {targets[worst]}, {targets[worst] - key} frames after "
        f"its keyframe, {_ms(vig_s[worst]):.1f} ms (baseline {_ms(base_s[worst]):.1f} ms)"
    )


# --------------------------------------------------------------------------- 3. step back


class _Pacer:
    """Releases steps at a key-autorepeat cadence.

    A step that comes due while the previous one is still running goes at
    once (queued key events coalesce), then the cadence resumes from there.
    """

    def __init__(self, period: float) -> None:
        self._period = period
        self._next = time.perf_counter() + period

    def wait(self) -> None:
        if self._period <= 0:
            return
        delay = self._next - time.perf_counter()
        if delay > 0:
            time.sleep(delay)

    def done(self, finished_at: float) -> None:
        self._next = max(self._next + self._period, finished_at)


def vigtool_steps(
    path: Path, index: FrameIndex, start: int, count: int, period: float
) -> list[float]:
    """Show ``start``, then step back ``count`` frames one at a time; time each ``frame()``."""
    times: list[float] = []
    with FrameReader(path, index) as reader:
        reader.frame(start)
        pacer = _Pacer(period)
        for number in range(start - 1, start - 1 - count, -1):
            pacer.wait()
            begin = time.perf_counter()
            reader.frame(number)
            end = time.perf_counter()
            times.append(end - begin)
            pacer.done(end)
    return times


def baseline_steps(
    path: Path, index: FrameIndex, start: int, count: int, period: float
) -> list[float]:
    """An ideal cache: all frames already decoded, so a step is only the RGB conversion.

    The frames ``start - count .. start`` are decoded up front (untimed) with
    raw PyAV; each step then times ``to_ndarray(format="rgb24")`` of a held
    frame, which is the least any step can cost.
    """
    wanted = {int(index.pts[n]): n for n in range(start - count, start + 1)}
    frames: dict[int, av.VideoFrame] = {}
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = THREAD_TYPE
        key = index.keyframe_at_or_before(start - count)
        container.seek(int(index.pts[key]), stream=stream, backward=True, any_frame=False)
        for frame in container.decode(stream):
            number = wanted.get(frame.pts) if frame.pts is not None else None
            if number is not None:
                frames[number] = frame
                if len(frames) == len(wanted):
                    break
    if len(frames) != len(wanted):
        raise BenchError(f"baseline decoded {len(frames)} of {len(wanted)} frames")
    frames[start].to_ndarray(format="rgb24")
    times: list[float] = []
    pacer = _Pacer(period)
    for number in range(start - 1, start - 1 - count, -1):
        pacer.wait()
        begin = time.perf_counter()
        frames[number].to_ndarray(format="rgb24")
        end = time.perf_counter()
        times.append(end - begin)
        pacer.done(end)
    return times


def bench_step_back(
    report: Report, path: Path, index: FrameIndex, rng: np.random.Generator
) -> None:
    cfg = report.config
    starts = [
        int(s)
        for s in rng.choice(
            np.arange(cfg.step_count, index.frame_count), size=cfg.step_starts, replace=False
        )
    ]
    report.facts["step_starts"] = starts
    for paced in (True, False):
        period = KEY_REPEAT_S if paced else 0.0
        vig_s: list[float] = []
        base_s: list[float] = []
        for i, start in enumerate(starts):
            vig_part, base_part = _both(
                i,
                partial(vigtool_steps, path, index, start, cfg.step_count, period),
                partial(baseline_steps, path, index, start, cfg.step_count, period),
            )
            vig_s += vig_part
            base_s += base_part
        v50, v95, vmax = _percentiles(vig_s)
        b50, b95, bmax = _percentiles(base_s)
        how = "at 30 Hz" if paced else "no pause"
        label = f"step back {how} ({len(starts)}x{cfg.step_count} steps)"
        goal = Goal("vigtool_ms", 15) if paced else None
        report.rows += [
            Row(f"{label} p50", v50, b50),
            Row(f"{label} p95", v95, b95, goal),
            Row(f"{label} max", vmax, bmax),
        ]
        slow = sum(1 for t in vig_s if t > 0.015)
        report.notes.append(f"step back {how}: {slow} of {len(vig_s)} vigtool steps took > 15 ms")


# --------------------------------------------------------------------------- media facts


def describe_clip(path: Path, spec: ClipSpec, index: FrameIndex) -> dict[str, Any]:
    keys = index.keyframe_positions
    gaps = np.diff(keys)
    with av.open(str(path)) as container:
        has_audio = bool(container.streams.audio)
    return {
        "file": path.name,
        "size": f"{spec.width}x{spec.height}",
        "frames": index.frame_count,
        "seconds": spec.seconds,
        "mbit_per_s": round(path.stat().st_size * 8 / spec.seconds / 1e6, 2),
        "gop_frames": int(np.median(gaps)) if gaps.size else index.frame_count,
        "b_frames": bool(np.any(np.diff(index.dts) < 0)),
        "audio": has_audio,
    }


def decode_rate(path: Path, frames: int) -> float:
    """Raw PyAV sequential decode speed (frames per second), for reading the absolute goals."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = THREAD_TYPE
        start = time.perf_counter()
        decoded = 0
        for _frame in container.decode(stream):
            decoded += 1
            if decoded >= frames:
                break
        return decoded / (time.perf_counter() - start)
