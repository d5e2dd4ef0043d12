"""Progress across cycles: what a summary's chart shows (no Qt).

Per cycle: how many tagged moments show each code (all tagged moments, not
only the ones chosen for review: they are all better-than-usual moments the
practitioner found), the longest serve-and-return chain in any of the
cycle's recordings, and the median time from a child's initiative to the
adult's first reception or response, pooled over the cycle's recordings.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from vigtool.codebook import Codebook
from vigtool.domain.chains import chain_stats
from vigtool.errors import VigtoolError
from vigtool.workspace import View

UNKNOWN_CODE_COLOUR = "#8C8C8C"


@dataclass(frozen=True)
class ProgressCode:
    """A code that appears in some cycle, in codebook order (unknown codes last)."""

    id: str
    label: str
    colour: str
    known: bool


@dataclass(frozen=True)
class CycleProgress:
    """One cycle's numbers. ``None`` means not measured (no turns, or no frame times)."""

    cycle: int
    moments: int
    moments_per_code: tuple[tuple[str, int], ...]
    longest_chain: int | None
    median_latency_ms: float | None

    def count(self, code_id: str) -> int:
        return dict(self.moments_per_code).get(code_id, 0)


@dataclass(frozen=True)
class Progress:
    codes: tuple[ProgressCode, ...]
    cycles: tuple[CycleProgress, ...]


def measure_progress(
    ws: View, case_id: int, up_to_cycle: int, codebook: Codebook, *, known_only: bool
) -> Progress:
    """Cycles 1..``up_to_cycle`` of a case; ``known_only`` leaves out codes the codebook lacks."""
    numbers = {c.number for c in ws.caseload.cycles(case_id)}
    numbers |= {r.cycle for r in ws.library.recordings(case_id)}
    cycles = tuple(
        _cycle_progress(ws, case_id, n) for n in sorted(numbers) if n <= up_to_cycle
    )
    seen = {code for c in cycles for code, count in c.moments_per_code if count}
    codes = [
        ProgressCode(c.id, c.label, c.colour, known=True) for c in codebook.codes if c.id in seen
    ]
    known = {c.id for c in codebook.codes}
    if not known_only:
        codes += [
            ProgressCode(code, code, UNKNOWN_CODE_COLOUR, known=False)
            for code in sorted(seen - known)
        ]
    return Progress(tuple(codes), cycles)


def _cycle_progress(ws: View, case_id: int, cycle: int) -> CycleProgress:
    per_code: Counter[str] = Counter()
    moments = 0
    longest: int | None = None
    latencies: list[int] = []
    for recording in ws.library.recordings(case_id):
        if recording.cycle != cycle or recording.kind != "family":
            continue  # the shared review's film measures the practitioner, not the family
        for moment in ws.annotations.moments(recording.id):
            moments += 1
            per_code.update(moment.codes)
        turns = ws.annotations.turns(recording.id)
        if not turns:
            continue
        try:
            stats = chain_stats(turns, ws.library.frame_times(recording.id))
        except VigtoolError:
            continue  # no frame index and no media to build one from
        longest = max(longest or 0, stats.longest_chain)
        latencies += stats.response_latencies_ms
    return CycleProgress(
        cycle=cycle,
        moments=moments,
        moments_per_code=tuple(sorted(per_code.items())),
        longest_chain=longest,
        median_latency_ms=float(statistics.median(latencies)) if latencies else None,
    )
