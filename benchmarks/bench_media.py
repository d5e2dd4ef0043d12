"""Benchmark vigtool's frame index and exact-frame reader against raw PyAV doing the minimum.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_media            # full run, ~2 minutes
    .venv/bin/python -m benchmarks.bench_media --quick    # smoke test, < 1 minute
    .venv/bin/python -m benchmarks.bench_media --json     # JSON on stdout, table on stderr

Each baseline is measured in the same run, interleaved with vigtool, on the same
generated files (see :mod:`benchmarks.synth`), so a busy or throttled machine
slows both sides alike and the ratios stay meaningful. See README.md here for
what each row measures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import av
import numpy as np
import numpy.typing as npt

from benchmarks.synth import ClipSpec, ensure_clip
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.reader import FrameReader

MEDIA_DIR: Final = Path(__file__).resolve().parent / ".media"
# vigtool.media.reader sets this on its decoders; the baselines use the same.
THREAD_TYPE: Final = "AUTO"
PREFETCH_THREAD_NAME: Final = "vigtool-frame-prefetch"
KEY_REPEAT_S: Final = 1 / 30  # a held arrow key autorepeats at about 30 Hz
DECODE_SAMPLE_FRAMES: Final = 300

RGBImage = npt.NDArray[np.uint8]
T = TypeVar("T")
_NO_IMAGE: Final[RGBImage] = np.zeros((0, 0, 3), dtype=np.uint8)


class BenchError(RuntimeError):
    """The benchmark could not measure what it meant to (bad media, wrong frames)."""


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Config:
    mode: str
    index_clip: ClipSpec
    seek_clip: ClipSpec
    index_repeats: int
    seek_targets: int
    step_starts: int
    step_count: int


def _seek_clip(seconds: int) -> ClipSpec:
    # 8 Mbit/s of textured, grainy 1080p with B-frames: decodes at about the cost
    # of a camera's file (phones write 8-17 Mbit/s at 1080p30).
    return ClipSpec(
        "seek-1080p",
        1920,
        1080,
        seconds,
        gop=60,
        preset="superfast",
        bframes=3,
        bit_rate=8_000_000,
        textured=True,
    )


FULL: Final = Config(
    mode="full",
    index_clip=ClipSpec("index-720p", 1280, 720, 300, gop=60),
    seek_clip=_seek_clip(60),
    index_repeats=5,
    seek_targets=40,
    step_starts=10,
    step_count=60,
)
QUICK: Final = Config(
    mode="quick",
    index_clip=ClipSpec("index-720p", 1280, 720, 60, gop=60),
    seek_clip=_seek_clip(12),
    index_repeats=3,
    seek_targets=8,
    step_starts=2,
    step_count=60,
)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Goal:
    """A pass/fail bound on a row: on the vigtool/baseline ratio or on vigtool's own time."""

    kind: Literal["ratio", "vigtool_ms"]
    limit: float

    @property
    def text(self) -> str:
        if self.kind == "ratio":
            return f"ratio <= {self.limit:g}"
        return f"vigtool <= {self.limit:g} ms"


@dataclass(frozen=True)
class Row:
    measurement: str
    vigtool_ms: float
    baseline_ms: float | None
    goal: Goal | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline_ms is None or self.baseline_ms <= 0:
            return None
        return self.vigtool_ms / self.baseline_ms

    @property
    def passed(self) -> bool | None:
        if self.goal is None:
            return None
        if self.goal.kind == "ratio":
            ratio = self.ratio
            return ratio is not None and ratio <= self.goal.limit
        return self.vigtool_ms <= self.goal.limit

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "measurement": self.measurement,
            "vigtool_ms": round(self.vigtool_ms, 3),
            "baseline_ms": None if self.baseline_ms is None else round(self.baseline_ms, 3),
            "ratio": None if ratio is None else round(ratio, 3),
            "goal": None if self.goal is None else self.goal.text,
            "passed": self.passed,
        }


@dataclass(frozen=True)
class Check:
    """A correctness condition the numbers depend on (not a speed goal)."""

    name: str
    ok: bool
    detail: str


@dataclass
class Report:
    config: Config
    seed: int
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def goals_met(self) -> bool:
        return all(row.passed is not False for row in self.rows)

    @property
    def checks_ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.config.mode,
            "seed": self.seed,
            "facts": self.facts,
            "rows": [row.as_json() for row in self.rows],
            "checks": [vars(check) for check in self.checks],
            "notes": self.notes,
            "goals_met": self.goals_met,
            "checks_ok": self.checks_ok,
        }


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95 and max of ``samples`` (seconds), in ms."""
    arr = np.asarray(samples, dtype=np.float64) * 1000.0
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95)), float(arr.max())


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


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


def _prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == PREFETCH_THREAD_NAME]


# --------------------------------------------------------------------------- output


def format_table(report: Report) -> str:
    header = ("measurement", "vigtool", "baseline", "ratio", "goal", "result")
    lines: list[tuple[str, ...]] = []
    for row in report.rows:
        ratio = row.ratio
        passed = row.passed
        lines.append(
            (
                row.measurement,
                f"{row.vigtool_ms:.1f} ms",
                "-" if row.baseline_ms is None else f"{row.baseline_ms:.1f} ms",
                "-" if ratio is None else f"{ratio:.2f}x",
                "-" if row.goal is None else row.goal.text,
                "info" if passed is None else ("pass" if passed else "FAIL"),
            )
        )
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]

    def fmt(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:4], widths[1:4], strict=True)]
        tail = [c.ljust(w) for c, w in zip(cells[4:], widths[4:], strict=True)]
        return "  ".join([first, *rest, *tail]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [fmt(header), rule, *(fmt(line) for line in lines), rule]
    facts = report.facts
    out.append(f"machine: {facts['machine']}")
    for key in ("index_clip", "seek_clip"):
        clip = facts[key]
        out.append(
            f"{key}: {clip['size']} {clip['seconds']} s, {clip['frames']} frames, "
            f"GOP {clip['gop_frames']}, B-frames {'yes' if clip['b_frames'] else 'no'}, "
            f"audio {'yes' if clip['audio'] else 'no'}, {clip['mbit_per_s']} Mbit/s, "
            f"{clip['file']}"
        )
    out.append(
        f"raw PyAV sequential decode of seek_clip: {facts['seek_clip_decode_fps']:.0f} fps "
        f"({1000 / facts['seek_clip_decode_fps']:.1f} ms a frame)"
    )
    out.append(
        "baselines: index = PyAV demux loop touching nothing; seek = PyAV keyframe seek + "
        "decode to the target pts, RGB of the target only; step = RGB conversion of an "
        "already-decoded frame (an ideal cache)"
    )
    out += [f"note: {note}" for note in report.notes]
    out += [f"check {'ok' if c.ok else 'FAILED'}: {c.name}: {c.detail}" for c in report.checks]
    return "\n".join(out)


# --------------------------------------------------------------------------- main


def run(config: Config, seed: int, media_dir: Path) -> Report:
    # Sampled before this process does any work, so it is other programs' load.
    load = os.getloadavg()[0]
    report = Report(config=config, seed=seed)
    report.facts["machine"] = (
        f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
        f"PyAV {av.__version__}, libavcodec "
        + ".".join(str(v) for v in av.library_versions["libavcodec"])
    )
    clips: dict[str, Path] = {}
    for key, spec in (("index_clip", config.index_clip), ("seek_clip", config.seek_clip)):
        if not (media_dir / spec.filename).is_file():
            _log(f"generating {spec.filename} (one-time, not timed)...")
        began = time.perf_counter()
        path, made = ensure_clip(spec, media_dir)
        if made:
            _log(f"  made in {time.perf_counter() - began:.1f} s")
        clips[key] = path

    threads_before = len(_prefetch_threads())
    _log("1/3 frame index...")
    bench_index(report, clips["index_clip"], config.index_clip)
    report.facts["index_clip"] = describe_clip(
        clips["index_clip"], config.index_clip, build_frame_index(clips["index_clip"])
    )

    seek_index = build_frame_index(clips["seek_clip"])
    seek_facts = describe_clip(clips["seek_clip"], config.seek_clip, seek_index)
    report.facts["seek_clip"] = seek_facts
    if not seek_facts["b_frames"]:
        raise BenchError("the seek clip has no B-frames; the encoder settings changed")
    report.facts["seek_clip_decode_fps"] = decode_rate(
        clips["seek_clip"], min(DECODE_SAMPLE_FRAMES, seek_index.frame_count)
    )

    rng = np.random.default_rng(seed)
    _log("2/3 exact seek...")
    bench_seek(report, clips["seek_clip"], seek_index, rng)
    _log("3/3 step back...")
    bench_step_back(report, clips["seek_clip"], seek_index, rng)

    report.facts["load_average_1min_at_start"] = load
    cpus = os.cpu_count() or 1
    if load > 0.25 * cpus:
        report.notes.append(
            f"the machine was already busy when the run began (1-min load {load:.1f} on "
            f"{cpus} CPUs): absolute times may be inflated; ratios come from interleaved "
            "runs and suffer less"
        )
    left = len(_prefetch_threads()) - threads_before
    report.checks.append(
        Check(
            "every FrameReader closed its prefetch thread",
            left == 0,
            f"{left} prefetch thread(s) still running",
        )
    )
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_media",
        description="Benchmark vigtool's frame index and exact-frame reader against raw PyAV.",
    )
    parser.add_argument("--quick", action="store_true", help="short files, few samples (< 1 min)")
    parser.add_argument(
        "--json", action="store_true", help="print JSON on stdout (the table goes to stderr)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for targets (default 1)")
    parser.add_argument(
        "--media-dir",
        type=Path,
        default=MEDIA_DIR,
        help=f"where generated clips are cached (default {MEDIA_DIR})",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 if a goal is missed"
    )
    args = parser.parse_args(argv)

    config = QUICK if args.quick else FULL
    try:
        report = run(config, args.seed, args.media_dir)
    except BenchError as exc:
        print(f"bench_media: {exc}", file=sys.stderr)
        return 2
    table = format_table(report)
    if args.json:
        print(table, file=sys.stderr)
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(table)
    if not report.checks_ok:
        return 1
    return 1 if args.strict and not report.goals_met else 0


if __name__ == "__main__":
    sys.exit(main())
