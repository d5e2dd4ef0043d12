"""Benchmark clip export (smart cut, full re-encode) and reels against the ffmpeg command line.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_export             # ~2 minutes (+ ~1 min the first time)
    .venv/bin/python -m benchmarks.bench_export --repeats 1 # quicker, noisier
    .venv/bin/python -m benchmarks.bench_export --json      # JSON on stdout, the table on stderr

The baseline is ``ffmpeg -ss S -i IN -t 10 -c:v libx264 -preset veryfast -c:a aac OUT``
on the same file, in the same run, taking turns with vigtool, median of the
repeats. /usr/bin/ffmpeg is installed for benchmarking only: vigtool never
calls it. See README.md here for what each row measures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from benchmarks.synth import ClipSpec, ensure_clip
from vigtool.media.cut import CutOptions, cut_clip
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.reel import ReelSegment, make_reel
from vigtool.media.smartcut import plan_smart

MEDIA_DIR: Final = Path(__file__).resolve().parent / ".media"
FFMPEG: Final = "/usr/bin/ffmpeg"
# The same 1080p clip bench_media seeks in (and caches): 8 Mbit/s textured, grainy
# picture, 3 B-frames, a keyframe every 60 frames (2 s), mono AAC.
SOURCE: Final = ClipSpec(
    "seek-1080p", 1920, 1080, 60, gop=60, preset="superfast", bframes=3,
    bit_rate=8_000_000, textured=True,
)
FPS: Final = 30
START_FRAME: Final = 615  # 20.5 s: half a GOP into one, as a tagged moment usually is
CLIP_FRAMES: Final = 300  # 10 s
REEL_STARTS: Final = (95, 700, 1390)  # three 10 s moments, none on a keyframe
SMART_GOAL: Final = 0.3
FULL_GOAL: Final = 1.2


@dataclass
class Row:
    measurement: str
    vigtool_s: float
    baseline_s: float | None
    ratio: float | None
    goal: str
    passed: bool | None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="JSON on stdout, table on stderr")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--media-dir", type=Path, default=MEDIA_DIR)
    args = parser.parse_args(argv)
    if not Path(FFMPEG).is_file():
        print(f"{FFMPEG} is needed for the baseline (apt-get install ffmpeg)", file=sys.stderr)
        return 2
    source, made = ensure_clip(SOURCE, args.media_dir)
    began = time.perf_counter()
    index = build_frame_index(source)
    index_s = time.perf_counter() - began
    report = measure(source, index, args.repeats)
    report["facts"].update(
        clip=source.name, generated_now=made, index_s=round(index_s, 3),
        load_at_start=os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    )
    table = render(report)
    if args.json:
        print(table, file=sys.stderr)
        print(json.dumps(report, indent=2))
    else:
        print(table)
    if not report["checks_ok"]:
        return 1
    return 1 if args.strict and not report["goals_met"] else 0


def measure(source: Path, index: FrameIndex, repeats: int) -> dict[str, Any]:
    last = START_FRAME + CLIP_FRAMES - 1
    plan = plan_smart(index, START_FRAME, last)
    timings: dict[str, list[float]] = {"smart": [], "full": [], "ffmpeg": [], "reel": []}
    checks: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="vigtool-bench-export-") as tmp:
        folder = Path(tmp)

        def smart() -> None:
            result = cut_clip(source, index, START_FRAME, last, folder / "smart.mp4")
            checks.append(_check("smart cut took the smart path", result.smart, ""))

        def full() -> None:
            options = CutOptions(smart=False)
            out = folder / "full.mp4"
            result = cut_clip(source, index, START_FRAME, last, out, options=options)
            checks.append(_check("full re-encode did not copy", not result.smart, ""))

        def ffmpeg() -> None:
            subprocess.run(
                [FFMPEG, "-v", "error", "-y", "-ss", f"{START_FRAME / FPS:.3f}", "-i", str(source),
                 "-t", f"{CLIP_FRAMES / FPS:.3f}", "-c:v", "libx264", "-preset", "veryfast",
                 "-c:a", "aac", str(folder / "ffmpeg.mp4")],
                check=True,
            )

        def reel() -> None:
            segments = [
                ReelSegment(source, index, s, s + CLIP_FRAMES - 1, f"Moment {i + 1}", None)
                for i, s in enumerate(REEL_STARTS)
            ]
            make_reel(segments, folder / "reel.mp4")

        runs: list[tuple[str, Callable[[], None]]] = [
            ("smart", smart), ("ffmpeg", ffmpeg), ("full", full)
        ]
        for round_ in range(repeats):
            order = runs[round_ % len(runs):] + runs[: round_ % len(runs)]  # take turns first
            for name, run in order:
                timings[name].append(_timed(run))
        timings["reel"].append(_timed(reel))
        for name in ("smart", "full"):
            made = build_frame_index(folder / f"{name}.mp4")
            checks.append(_check(f"{name} clip has {CLIP_FRAMES} frames",
                                 made.frame_count == CLIP_FRAMES, str(made.frame_count)))
    med = {name: statistics.median(values) for name, values in timings.items() if values}
    rows = [
        _row("smart cut, 10 s of 1080p", med["smart"], med["ffmpeg"], SMART_GOAL),
        _row("full re-encode, 10 s of 1080p", med["full"], med["ffmpeg"], FULL_GOAL),
        Row("ffmpeg CLI baseline (veryfast)", med["ffmpeg"], None, None, "", None),
        Row("reel: 3 cards + 3 x 10 s", med["reel"], 3 * med["ffmpeg"],
            round(med["reel"] / (3 * med["ffmpeg"]), 2), "info (vs 3 baselines)", None),
    ]
    checks_ok = all(c["ok"] for c in checks)
    return {
        "facts": {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
            "repeats": repeats,
            "span": f"frames {START_FRAME}..{last}",
            "plan": None if plan is None else {
                "head": len(plan.head), "copied": plan.copy_to - plan.copy_from,
                "tail": len(plan.tail),
            },
            "runs_s": {k: [round(v, 3) for v in vs] for k, vs in timings.items()},
        },
        "rows": [asdict(r) for r in rows],
        "checks": _dedup(checks),
        "goals_met": all(r.passed is not False for r in rows),
        "checks_ok": checks_ok,
    }


def _timed(run: Callable[[], None]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def _row(name: str, ours: float, baseline: float, goal: float) -> Row:
    ratio = ours / baseline
    return Row(name, ours, baseline, round(ratio, 2), f"<= {goal}x ffmpeg", ratio <= goal)


def _check(name: str, ok: bool, detail: str) -> dict[str, Any]:
    return {"name": name, "ok": bool(ok), "detail": detail}


def _dedup(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for check in checks:
        seen = merged.setdefault(check["name"], dict(check))
        seen["ok"] = seen["ok"] and check["ok"]
    return list(merged.values())


def render(report: dict[str, Any]) -> str:
    facts = report["facts"]
    lines = [
        f"clip export benchmark: {facts['clip']} ({facts['machine']})",
        f"span {facts['span']}; smart plan {facts['plan']}; "
        f"median of {facts['repeats']}; frame index built in {facts.get('index_s')} s (untimed)",
        "",
        f"{'measurement':<32} {'vigtool s':>10} {'ffmpeg s':>9} {'ratio':>6}  {'goal':<22} result",
        "-" * 90,
    ]
    for row in report["rows"]:
        base = f"{row['baseline_s']:.2f}" if row["baseline_s"] is not None else ""
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else ""
        verdict = {True: "pass", False: "FAIL", None: ""}[row["passed"]]
        lines.append(
            f"{row['measurement']:<32} {row['vigtool_s']:>10.2f} {base:>9} {ratio:>6}  "
            f"{row['goal']:<22} {verdict}"
        )
    lines.append("")
    for check in report["checks"]:
        mark = "ok" if check["ok"] else "FAILED"
        lines.append(f"check: {check['name']}: {mark} {check['detail']}".rstrip())
    lines.append(f"runs (s): {facts['runs_s']}")
    if shutil.which("nproc") is None:
        lines.append("note: nproc not found")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
