"""Benchmark vigtool's frame index and exact-frame reader against raw PyAV doing the minimum.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_media            # full run, ~2 minutes
    .venv/bin/python -m benchmarks.bench_media --quick    # smoke test, < 1 minute
    .venv/bin/python -m benchmarks.bench_media --json     # JSON on stdout, table on stderr

Each baseline is measured in the same run, interleaved with vigtool, on the same
generated files (see :mod:`benchmarks.synth`), so a busy or throttled machine
slows both sides alike and the ratios stay meaningful. See README.md here for
what each row measures. This module chooses the media and runs the steps; the
measurements are in ``bench_media_measure``, the rows and the table in
``bench_media_report``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import av
import numpy as np

from benchmarks.bench_media_measure import (
    BenchError,
    bench_index,
    bench_seek,
    bench_step_back,
    decode_rate,
    describe_clip,
)
from benchmarks.bench_media_report import Check, Config, Report, format_table
from benchmarks.synth import ClipSpec, ensure_clip
from vigtool.media.frame_index import build_frame_index

MEDIA_DIR: Final = Path(__file__).resolve().parent / ".media"
PREFETCH_THREAD_NAME: Final = "vigtool-frame-prefetch"
DECODE_SAMPLE_FRAMES: Final = 300


# --------------------------------------------------------------------------- configuration


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


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == PREFETCH_THREAD_NAME]


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
