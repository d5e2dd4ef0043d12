"""Benchmark exports (one clip, and everything for a session) against the ffmpeg command line.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_export             # ~7 minutes (+ ~1 min the first time)
    .venv/bin/python -m benchmarks.bench_export --repeats 1 # quicker, noisier
    .venv/bin/python -m benchmarks.bench_export --json      # JSON on stdout, the table on stderr

One clip: ``ffmpeg -ss S -i IN -t 10 -c:v libx264 -preset veryfast -c:a aac OUT``.
The session's set (five 10 s moments as clips, the highlight reel with title
cards, the stills) against ffmpeg re-encoding the same five clips and a reel
of the same five moments (``concat``, no title cards) with ``-preset
veryfast``. Same file, same run, taking turns with vigtool, median of the
repeats. /usr/bin/ffmpeg is installed for benchmarking only: vigtool never
calls it. See README.md here for what each row measures.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from benchmarks.outcome import finish
from benchmarks.synth import ClipSpec, ensure_clip
from vigtool.exports.media_exports import cut_clips, export_reel, write_stills
from vigtool.media.cut import CutOptions, cut_clip
from vigtool.media.frame_index import FrameIndex, build_frame_index
from vigtool.media.smartcut import plan_smart
from vigtool.workspace import Workspace

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
SET_STARTS: Final = (95, 415, 700, 1045, 1390)  # five 10 s moments, none on a keyframe
SMART_GOAL: Final = 0.3
FULL_GOAL: Final = 1.2
SET_GOAL: Final = 0.3


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
    return finish(table, report, as_json=args.json, strict=args.strict)


def measure(source: Path, index: FrameIndex, repeats: int) -> dict[str, Any]:
    last = START_FRAME + CLIP_FRAMES - 1
    plan = plan_smart(index, START_FRAME, last)
    timings: dict[str, list[float]] = {
        "smart": [], "full": [], "ffmpeg": [], "set": [], "set_reel": [], "ffmpeg_set": [],
        "ffmpeg_reel": [], "replay": []}
    checks: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="vigtool-bench-export-") as tmp, \
            _session_workspace(source, Path(tmp) / "ws") as (ws, case_id):
        folder = Path(tmp)

        def smart() -> None:
            result = cut_clip(source, index, START_FRAME, last, folder / "smart.mp4")
            checks.append(_check("smart cut took the smart path", result.smart, ""))

        def full() -> None:
            options = CutOptions(smart=False)
            out = folder / "full.mp4"
            result = cut_clip(source, index, START_FRAME, last, out, options=options)
            checks.append(_check("full re-encode did not copy", not result.smart, ""))

        def replay() -> None:
            options = CutOptions(replay="slow")
            out = folder / "replay.mp4"
            result = cut_clip(source, index, START_FRAME, last, out, options=options)
            checks.append(_check("the replay clip took the smart path", result.smart, ""))

        def ffmpeg() -> None:
            subprocess.run(
                [FFMPEG, "-v", "error", "-y", "-ss", f"{START_FRAME / FPS:.3f}", "-i", str(source),
                 "-t", f"{CLIP_FRAMES / FPS:.3f}", "-c:v", "libx264", "-preset", "veryfast",
                 "-c:a", "aac", str(folder / "ffmpeg.mp4")],
                check=True,
            )

        def whole_set() -> None:
            out = folder / "set"
            shutil.rmtree(out, ignore_errors=True)
            began = time.perf_counter()
            clips = cut_clips(ws, case_id, 1, out)
            reel_began = time.perf_counter()
            reel = export_reel(ws, case_id, 1, out / "reel.mp4", clips=clips)
            timings["set_reel"].append(time.perf_counter() - reel_began)
            stills = write_stills(ws, case_id, 1, out)
            timings["set"].append(time.perf_counter() - began)
            checks.append(_check("the reel was joined from the clips", reel.copied, reel.reason))
            checks.append(_check("every clip took the smart path",
                                 all(c.result.smart for c in clips), ""))
            checks.append(_check("five stills", len(stills) == len(SET_STARTS), ""))
            made = build_frame_index(reel.path)
            cards = made.frame_count - len(SET_STARTS) * CLIP_FRAMES
            checks.append(_check("the reel holds every moment's frames and a card before each",
                                 cards >= 3 * len(SET_STARTS), f"{cards} card frames"))

        def ffmpeg_set() -> None:
            began = time.perf_counter()
            for n, start in enumerate(SET_STARTS):
                _ffmpeg_clip(source, start, folder / f"ffmpeg-set-{n}.mp4")
            reel_began = time.perf_counter()
            _ffmpeg_reel(source, folder / "ffmpeg-reel.mp4")
            timings["ffmpeg_reel"].append(time.perf_counter() - reel_began)
            timings["ffmpeg_set"].append(time.perf_counter() - began)

        runs: list[tuple[str, Callable[[], None]]] = [
            ("smart", smart), ("ffmpeg", ffmpeg), ("full", full), ("replay", replay)
        ]
        for round_ in range(repeats):
            order = runs[round_ % len(runs):] + runs[: round_ % len(runs)]  # take turns first
            for name, run in order:
                timings[name].append(_timed(run))
            pair = [whole_set, ffmpeg_set] if round_ % 2 == 0 else [ffmpeg_set, whole_set]
            for run in pair:
                run()
        for name, frames in (("smart", CLIP_FRAMES), ("full", CLIP_FRAMES),
                             ("replay", 3 * CLIP_FRAMES)):
            made = build_frame_index(folder / f"{name}.mp4")
            checks.append(_check(f"{name} clip has {frames} frames",
                                 made.frame_count == frames, str(made.frame_count)))
    med = {name: statistics.median(values) for name, values in timings.items() if values}
    rows = [
        _row("smart cut, 10 s of 1080p", med["smart"], med["ffmpeg"], SMART_GOAL),
        _row("full re-encode, 10 s of 1080p", med["full"], med["ffmpeg"], FULL_GOAL),
        Row("ffmpeg CLI baseline (veryfast)", med["ffmpeg"], None, None, "", None),
        Row("smart cut + half-speed replay", med["replay"], med["smart"],
            round(med["replay"] / med["smart"], 2), "info: vs the smart cut", None),
        _row("session set: 5 clips+reel+stills", med["set"], med["ffmpeg_set"], SET_GOAL),
        Row("  of which the reel (joined)", med["set_reel"], med["ffmpeg_reel"],
            round(med["set_reel"] / med["ffmpeg_reel"], 2), "info", None),
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


@contextmanager
def _session_workspace(source: Path, root: Path) -> Iterator[tuple[Workspace, int]]:
    """A workspace with the source (not copied) and five 10 s moments chosen for review,
    each with a still in its middle (set up untimed, as in the app before an export)."""
    with Workspace.open(root) as ws:
        case = ws.add_case("BENCH-01")
        ws.add_consent(case.id, kind="filming", given=True)
        recording = ws.library.import_recording(case.id, path=source, copy=False)
        for n, start in enumerate(SET_STARTS, start=1):
            moment = ws.add_moment(recording.id, start_frame=start,
                                   end_frame=start + CLIP_FRAMES - 1, title=f"Moment {n}")
            ws.annotations.choose_for_review(moment.id, True)
            ws.annotations.set_still(moment.id, start + CLIP_FRAMES // 2)
        yield ws, case.id


def _ffmpeg_clip(source: Path, start: int, out: Path) -> None:
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-ss", f"{start / FPS:.3f}", "-i", str(source),
         "-t", f"{CLIP_FRAMES / FPS:.3f}", "-c:v", "libx264", "-preset", "veryfast",
         "-c:a", "aac", str(out)],
        check=True,
    )


def _ffmpeg_reel(source: Path, out: Path) -> None:
    """The five moments re-encoded into one file (concat filter; no title cards)."""
    inputs: list[str] = []
    for start in SET_STARTS:
        inputs += ["-ss", f"{start / FPS:.3f}", "-t", f"{CLIP_FRAMES / FPS:.3f}",
                   "-i", str(source)]
    streams = "".join(f"[{n}:v][{n}:a]" for n in range(len(SET_STARTS)))
    graph = f"{streams}concat=n={len(SET_STARTS)}:v=1:a=1[v][a]"
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", *inputs, "-filter_complex", graph, "-map", "[v]",
         "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(out)],
        check=True,
    )


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
