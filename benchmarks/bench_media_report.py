"""What a ``bench_media`` run found, and the table it prints.

Rows pair vigtool's time with a baseline measured in the same run, with an
optional goal; checks are conditions the numbers depend on (the right frame,
no thread left running); facts describe the machine and the media.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from benchmarks.synth import ClipSpec


@dataclass(frozen=True)
class Config:
    mode: str
    index_clip: ClipSpec
    seek_clip: ClipSpec
    index_repeats: int
    seek_targets: int
    step_starts: int
    step_count: int


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
