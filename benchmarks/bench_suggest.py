"""Benchmark suggested moments against ground truth, and their speed against decoding alone.

Run from the repository root::

    .venv/bin/python -m benchmarks.bench_suggest                  # ~2-4 min on 2 cores
    .venv/bin/python -m benchmarks.bench_suggest --corpus DIR     # keep (or reuse) the films
    .venv/bin/python -m benchmarks.bench_suggest --json           # JSON on stdout, table on stderr
    .venv/bin/python -m benchmarks.bench_suggest --seed 1307 --seed 4242  # 32 films together

The corpus is :mod:`sample_clips.conversations` (one recording per scenario,
with truth), generated into a temporary folder unless ``--corpus`` names a
folder (used as is when it already holds ``*.truth.json`` files, filled
otherwise). Generation is never timed. For every recording,
``vigtool.analysis.suggest.suggest_moments(path)`` is timed (wall clock,
nothing cached: a fresh call on the file) and scored with
:mod:`benchmarks.suggest_score`; in the same run, interleaved (the sides take
turns going first), the baselines decode the same file: ``ffmpeg -v error -i
FILE -f null -`` (video and sound), and PyAV decoding the sound alone. See
README.md here for the goals and what each column means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import av

from benchmarks.outcome import finish
from benchmarks.suggest_score import (
    RecordingScore,
    Totals,
    detected_pairs,
    match_pairs,
    score_recording,
    totals,
    truth_as_suggestions,
    truth_pairs,
)
from sample_clips.conversations import SCENARIO_NAMES, SEED, generate_corpus

GOALS: Final = {"recall": 0.90, "precision": 0.85, "r": 0.90, "speed": 100.0}


@dataclass
class Row:
    """One recording: its score and its timings (seconds)."""

    name: str
    score: RecordingScore
    analysis_s: float
    ffmpeg_s: float
    audio_s: float
    suggestions: int
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.score.duration_ms / 1000


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def _ffmpeg_decode(path: Path) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
                   check=True)


def _pyav_audio_decode(path: Path) -> int:
    samples = 0
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            samples += frame.to_ndarray().shape[-1]
    return samples


def corpus_files(folder: Path, seed: int, scenarios: Sequence[str] | None) -> list[Path]:
    """The films to measure: those in ``folder``, or a corpus generated into it."""
    present = sorted(folder.glob("*.truth.json")) if folder.is_dir() else []
    if not present:
        _log(f"generating the corpus into {folder} (not timed)...")
        seconds, paths = _timed(lambda: generate_corpus(folder, seed, scenarios))
        _log(f"  made {len(paths)} recordings in {seconds:.1f} s")
        return list(paths)
    order = {name: i for i, name in enumerate(SCENARIO_NAMES)}
    films = [p.with_name(p.name.removesuffix(".truth.json") + ".mp4") for p in present]
    films = [f for f in films if scenarios is None or f.stem in scenarios]
    return sorted(films, key=lambda f: (order.get(f.stem, len(order)), f.stem))


def measure(film: Path, suggest: Callable[[Path], list[Any]], first: str) -> Row:
    """Score and time one film; ``first`` ("vigtool" or "baseline") goes first."""
    truth = json.loads(film.with_name(film.stem + ".truth.json").read_text(encoding="utf-8"))
    sides: dict[str, tuple[float, Any]] = {}
    for side in ((first, "baseline") if first == "vigtool" else ("baseline", "vigtool")):
        if side == "vigtool":
            sides["vigtool"] = _timed(lambda: suggest(film))
        else:
            sides["ffmpeg"] = _timed(lambda: _ffmpeg_decode(film))
            sides["audio"] = _timed(lambda: _pyav_audio_decode(film))
    analysis_s, found = sides["vigtool"]
    suggestions = [s.to_json() for s in found]
    # A film of a multi-seed run lives in seed-N/ and is named with its seed.
    seed = film.parent.name.removeprefix("seed-") if film.parent.name.startswith("seed-") else ""
    name = f"{film.stem} {seed}".strip()
    score = score_recording(truth, suggestions, name=name)
    expected, detected = truth_pairs(truth), detected_pairs(suggestions)
    matched = match_pairs(expected, detected)
    hit_t, hit_d = {i for i, _ in matched}, {j for _, j in matched}
    return Row(
        name=name,
        score=score,
        analysis_s=analysis_s,
        ffmpeg_s=sides["ffmpeg"][0],
        audio_s=sides["audio"][0],
        suggestions=len(suggestions),
        missed=[vars(p) for i, p in enumerate(expected) if i not in hit_t],
        false_alarms=[vars(p) for j, p in enumerate(detected) if j not in hit_d],
    )


def oracle_ok(film: Path) -> bool:
    """The scorer gives the truth itself P = R = F1 = 1 (else the numbers mean nothing)."""
    truth = json.loads(film.with_name(film.stem + ".truth.json").read_text(encoding="utf-8"))
    score = score_recording(truth, truth_as_suggestions(truth))
    return (score.precision, score.recall) == (1.0, 1.0)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _per_minute(counts: Sequence[int]) -> str:
    return "/".join(str(c) for c in counts) or "-"


def format_table(rows: Sequence[Row], total: Totals, goals: list[dict[str, Any]],
                 notes: Sequence[str]) -> str:
    head = (f"{'scenario':<18} {'s':>5} {'T':>3} {'D':>3} {'M':>3} {'P':>5} {'R':>5} {'F1':>5} "
            f"{'per min T':>9} {'per min D':>9} {'start':>6} {'end':>6} {'chains':>6} "
            f"{'anal. s':>7} {'x RT':>6} {'ffmpeg':>7} {'audio':>7}")
    lines = [head, "-" * len(head)]
    for row in rows:
        s, b = row.score, row.score.boundary
        lines.append(
            f"{row.name:<18} {row.seconds:>5.0f} {s.truth_pairs:>3} {s.detected_pairs:>3} "
            f"{s.matched_pairs:>3} {s.precision:>5.2f} {s.recall:>5.2f} {s.f1:>5.2f} "
            f"{_per_minute(s.truth_per_minute):>9} {_per_minute(s.detected_per_minute):>9} "
            f"{_fmt(b.start_ms, '.0f'):>6} {_fmt(b.end_ms, '.0f'):>6} "
            f"{b.matched:>2}/{b.chains:<3} {row.analysis_s:>7.2f} "
            f"{row.seconds / row.analysis_s:>6.0f} {row.seconds / row.ffmpeg_s:>6.0f}x "
            f"{row.seconds / row.audio_s:>6.0f}x"
        )
    b = total.boundary
    seconds = total.duration_ms / 1000
    analysis = sum(r.analysis_s for r in rows)
    lines.append("-" * len(head))
    lines.append(
        f"{'all':<18} {seconds:>5.0f} {total.truth_pairs:>3} {total.detected_pairs:>3} "
        f"{total.matched_pairs:>3} {total.precision:>5.2f} {total.recall:>5.2f} "
        f"{total.f1:>5.2f} {'r=' + _fmt(total.r, '.2f'):>9} {total.minutes:>6} min "
        f"{_fmt(b.start_ms, '.0f'):>6} {_fmt(b.end_ms, '.0f'):>6} {b.matched:>2}/{b.chains:<3} "
        f"{analysis:>7.2f} {seconds / analysis:>6.0f} "
        f"{seconds / sum(r.ffmpeg_s for r in rows):>6.0f}x "
        f"{seconds / sum(r.audio_s for r in rows):>6.0f}x"
    )
    lines += ["", "T/D/M: truth, detected and matched serve->return pairs (+-500 ms on both "
              "onsets, same actors); per min: pairs per whole minute by return onset; "
              "start/end: mean boundary error (ms) of the suggestion overlapping each chain "
              "most; x RT: seconds of film per second of analysis; ffmpeg/audio: the same "
              "for `ffmpeg -i FILE -f null -` and PyAV decoding the sound alone.", ""]
    lines.append(f"{'goal':<36} {'measured':>9} {'target':>9}  result")
    for goal in goals:
        lines.append(f"{goal['name']:<36} {_fmt(goal['value'], '.4f'):>9} "
                     f"{goal['target']:>9}  {'pass' if goal['passed'] else 'MISS'}")
    lines += [f"note: {n}" for n in notes]
    return "\n".join(lines)


def goals_of(total: Totals, rows: Sequence[Row]) -> list[dict[str, Any]]:
    speed = total.duration_ms / 1000 / sum(r.analysis_s for r in rows) if rows else None
    figures = (
        ("serve->return recall", total.recall, GOALS["recall"], ">= 0.90"),
        ("serve->return precision", total.precision, GOALS["precision"], ">= 0.85"),
        ("turn count per minute, Pearson r", total.r, GOALS["r"], ">= 0.90"),
        ("speed, x real time", speed, GOALS["speed"], ">= 100x"),
    )
    return [{"name": name, "value": value, "target": text,
             "passed": value is not None and value >= limit}
            for name, value, limit, text in figures]


def run(films: Sequence[Path], suggest: Callable[[Path], list[Any]],
        load: float) -> dict[str, Any]:
    """Measure every film; ``load`` is the 1-minute load average before this run began."""
    rows: list[Row] = []
    oracle = [f.stem for f in films if not oracle_ok(f)]
    if films:  # imports and first-call set-up are not the analysis's speed
        _log("warming up (not timed)...")
        suggest(films[0])
    for number, film in enumerate(films):
        _log(f"{number + 1}/{len(films)} {film.stem}")
        rows.append(measure(film, suggest, "vigtool" if number % 2 == 0 else "baseline"))
    total = totals([r.score for r in rows])
    goals = goals_of(total, rows)
    cpus = os.cpu_count() or 1
    notes = [f"{cpus} CPUs, {platform.machine()}, Python {platform.python_version()}, "
             f"PyAV {av.__version__}; 1-min load {load:.1f} when the run began"]
    if load > 0.25 * cpus:
        notes.append("the machine was already busy when the run began: absolute times (and "
                     "x RT) may be inflated; the decode baselines were slowed alike")
    checks = [{"name": "the truth itself scores P = R = 1 on every recording",
               "ok": not oracle, "detail": ", ".join(oracle)}]
    return {"rows": rows, "total": total, "goals": goals, "notes": notes, "checks": checks}


def as_json(result: dict[str, Any], seed: int | list[int], corpus: str) -> dict[str, Any]:
    total: Totals = result["total"]
    return {
        "seed": seed,
        "corpus": corpus,
        "recordings": [
            {
                "scenario": r.name, "seconds": r.seconds, "suggestions": r.suggestions,
                "truth_pairs": r.score.truth_pairs, "detected_pairs": r.score.detected_pairs,
                "matched_pairs": r.score.matched_pairs, "precision": r.score.precision,
                "recall": r.score.recall, "f1": r.score.f1,
                "truth_per_minute": r.score.truth_per_minute,
                "detected_per_minute": r.score.detected_per_minute,
                "boundary": vars(r.score.boundary), "analysis_s": r.analysis_s,
                "ffmpeg_decode_s": r.ffmpeg_s, "pyav_audio_decode_s": r.audio_s,
                "x_real_time": r.seconds / r.analysis_s,
                "missed": r.missed, "false_alarms": r.false_alarms,
            }
            for r in result["rows"]
        ],
        "totals": {
            "seconds": total.duration_ms / 1000, "truth_pairs": total.truth_pairs,
            "detected_pairs": total.detected_pairs, "matched_pairs": total.matched_pairs,
            "precision": total.precision, "recall": total.recall, "f1": total.f1,
            "minutes": total.minutes, "r": total.r, "boundary": vars(total.boundary),
        },
        "goals": result["goals"],
        "checks": result["checks"],
        "notes": result["notes"],
        "goals_met": all(g["passed"] for g in result["goals"]),
        "checks_ok": all(c["ok"] for c in result["checks"]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_suggest",
        description="Score suggested moments against generated recordings with ground truth.",
    )
    parser.add_argument("--corpus", type=Path,
                        help="folder of recordings (generated into it when it has none)")
    parser.add_argument("--seed", type=int, action="append",
                        help=f"corpus seed (default {SEED}); repeat it for a larger corpus, "
                        "each seed's films in a folder of their own, scored together")
    parser.add_argument("--scenario", action="append", choices=SCENARIO_NAMES,
                        help="only this scenario (repeatable)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON on stdout (the table goes to stderr)")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 if a goal is missed")
    args = parser.parse_args(argv)
    if shutil.which("ffmpeg") is None:
        print("bench_suggest: the ffmpeg program (the baseline) is not installed", file=sys.stderr)
        return 2
    try:
        from vigtool.analysis.suggest import suggest_moments
    except ImportError as exc:
        print(f"bench_suggest: no analysis to measure ({exc})", file=sys.stderr)
        return 2
    # Sampled before generating the corpus, so it is other programs' load.
    load = os.getloadavg()[0]
    seeds = args.seed or [SEED]
    with tempfile.TemporaryDirectory(prefix="vigtool-conversations-") as temp:
        folder = args.corpus or Path(temp)
        films: list[Path] = []
        for seed in seeds:
            where = folder if len(seeds) == 1 else folder / f"seed-{seed}"
            films += corpus_files(where, seed, args.scenario)
        result = run(films, lambda path: suggest_moments(path), load)
    table = format_table(result["rows"], result["total"], result["goals"], result["notes"])
    report = as_json(result, seeds[0] if len(seeds) == 1 else seeds,
                     str(args.corpus or "(temporary)"))
    for check in report["checks"]:
        if not check["ok"]:
            table += f"\nCHECK FAILED: {check['name']}: {check['detail']}"
    return finish(table, report, as_json=args.json, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
