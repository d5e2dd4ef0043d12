"""``vigtool agreement``: how far two coders of the same film agree, from two ELAN files.

Each file gives one coder's events: the annotations of one tier, the value being
the code. The tier is ``--tier-a``/``--tier-b``, or else ``Moments`` (what
vigtool's own export writes) when the file has it, or else the file's only tier
with annotations. On vigtool's own ``Moments`` tier the value is the moment's
title, so there a moment's code is read from the code tiers that subdivide it
(several codes read as one, "A + B"; none as "(no code)"), and the overflow
tiers ``Moments 2``... (where overlapping moments go) count too. The figures
and their sentences come from ``vigtool.agreement``; this only reads and prints.
"""

from __future__ import annotations

import argparse
import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

from vigtool.agreement import (
    DEFAULT_FRAME_MS,
    DEFAULT_TOLERANCE_MS,
    Agreement,
    Event,
    Figure,
    compare,
)
from vigtool.cli_args import one_line
from vigtool.domain.clock import player_time
from vigtool.errors import VigtoolError
from vigtool.exports.eaf import CODE_TYPE_PREFIX, MOMENT_TYPE, MOMENTS_TIER, OTHER_CODES_TYPE
from vigtool.exports.eaf_document import EafDocument, EafTier, read_eaf

MAX_TOLERANCE_MS = 3_600_000  # an hour: past any sensible tolerance
MAX_FRAME_MS = 60_000
WIDTH = 88
_LABELS = {"precision": "precision", "recall": "recall", "f1": "F1", "kappa": "kappa",
           "agreement": "agreement"}


def _whole_ms(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        shown = text if len(text) <= 20 else f"{text[:17]}..."
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} is a whole number of milliseconds, "
                                             f"not {shown!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} is from {low:,} to {high:,} ms, "
                                             f"not {value:,}")
        return value

    parse.__name__ = name.replace(" ", "_")
    return parse


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "agreement", help="how far two coders of one film agree (two ELAN files)",
        description="Compare two coders' annotations of the same film: event-based "
        "precision, recall, F1 and kappa, time-based kappa, per code, and every "
        "disagreement, each figure with a sentence saying what it means. FIRST is the "
        "reference. A tier's annotations are the events and their values the codes; "
        "on vigtool's own Moments tier, each moment's codes.")
    p.add_argument("first", type=Path, metavar="FIRST.eaf",
                   help="the first coder's ELAN file (the reference)")
    p.add_argument("second", type=Path, metavar="SECOND.eaf",
                   help="the second coder's ELAN file (may be the same file, another tier)")
    p.add_argument("--tier-a", metavar="TIER",
                   help="FIRST's tier (default: Moments, else its only tier with annotations)")
    p.add_argument("--tier-b", metavar="TIER",
                   help="SECOND's tier (default: --tier-a's if SECOND has it, else as for FIRST)")
    p.add_argument("--tolerance-ms", type=_whole_ms("the tolerance", 0, MAX_TOLERANCE_MS),
                   default=DEFAULT_TOLERANCE_MS, metavar="MS",
                   help="how far apart two coders' starts, and ends, may be for one "
                   f"moment (default {DEFAULT_TOLERANCE_MS})")
    p.add_argument("--frame-ms", type=_whole_ms("the sampling step", 1, MAX_FRAME_MS),
                   default=DEFAULT_FRAME_MS, metavar="MS",
                   help=f"time-based kappa samples the film this often (default "
                   f"{DEFAULT_FRAME_MS}: a frame at 25 fps)")
    p.add_argument("--json", action="store_true", help="print JSON")


def run_agreement(args: argparse.Namespace) -> int:
    first_doc = read_eaf(args.first)
    second_doc = first_doc if args.second == args.first else read_eaf(args.second)
    tier_b = args.tier_b
    if tier_b is None and args.tier_a is not None and _tier(second_doc, args.tier_a):
        tier_b = args.tier_a
    first_tier, first, first_left = coder_events(first_doc, args.tier_a, "--tier-a")
    second_tier, second, second_left = coder_events(second_doc, tier_b, "--tier-b")
    result = compare(first, second, tolerance_ms=args.tolerance_ms, frame_ms=args.frame_ms)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return 0
    print(f"First coder:  {one_line(first_doc.name)}, tier {one_line(first_tier)!r}: "
          f"{_annotations(len(first))}{_left_out(first_left)}")
    print(f"Second coder: {one_line(second_doc.name)}, tier {one_line(second_tier)!r}: "
          f"{_annotations(len(second))}{_left_out(second_left)}")
    for line in report_lines(result):
        print(line)
    return 0


def coder_events(document: EafDocument, tier_id: str | None,
                 option: str) -> tuple[str, list[Event], int]:
    """(tier used, its events, annotations left out for having no usable time)."""
    if tier_id is not None:
        tier = _tier(document, tier_id)
        if tier is None:
            raise VigtoolError(f"{document.name} has no tier {one_line(tier_id)!r}; its tiers "
                               f"are {_names(document.tiers)}")
    else:
        tier = _default_tier(document, option)
    if tier.linguistic_type == MOMENT_TYPE:
        lanes = [tier, *(t for t in document.tiers if t.linguistic_type == MOMENT_TYPE
                         and re.fullmatch(re.escape(tier.id) + r" \d+", t.id))]
        codes: dict[str, list[str]] = {}
        for other in document.tiers:
            if other.linguistic_type.startswith(CODE_TYPE_PREFIX) or (
                    other.linguistic_type == OTHER_CODES_TYPE):
                for ann in other.annotations:
                    if ann.host is not None:
                        codes.setdefault(ann.host, []).append(ann.value)
        found = [(a, codes.get(a.id, [])) for lane in lanes for a in lane.annotations
                 if a.ref is None]
    else:
        found = [(a, [a.value]) for a in tier.annotations]
    events = [Event.coded(a.start_ms, a.end_ms, values, ref=a.id) for a, values in found
              if a.start_ms is not None and a.end_ms is not None and a.start_ms <= a.end_ms]
    return tier.id, events, len(found) - len(events)


def _default_tier(document: EafDocument, option: str) -> EafTier:
    moments = _tier(document, MOMENTS_TIER)
    if moments is not None:
        return moments
    annotated = [t for t in document.tiers if t.annotations]
    if len(annotated) == 1:
        return annotated[0]
    if not annotated:
        raise VigtoolError(f"{document.name} has no annotations to compare")
    raise VigtoolError(f"{document.name} has several tiers with annotations "
                       f"({_names(annotated)}); choose one with {option}")


def _tier(document: EafDocument, tier_id: str) -> EafTier | None:
    return next((t for t in document.tiers if t.id == tier_id), None)


def _names(tiers: tuple[EafTier, ...] | list[EafTier]) -> str:
    names = [repr(one_line(t.id)) for t in tiers]
    shown = ", ".join(names[:12])
    return shown + (f" and {len(names) - 12} more" if len(names) > 12 else "") or "none"


def _annotations(count: int) -> str:
    return "1 annotation" if count == 1 else f"{count} annotations"


def _left_out(count: int) -> str:
    return f" ({count} left out: no usable time)" if count else ""


def report_lines(result: Agreement) -> list[str]:
    """The plain-text report: overall and per code, each figure followed by its
    sentence, then the disagreements with their times as the player shows them."""
    lines = [f"Tolerance {result.tolerance_ms:g} ms; film sampled every "
             f"{result.frame_ms:g} ms up to {player_time(result.duration_ms)}.", "",
             "Overall"]
    lines += _figures("Moments", result.event.named()) + _figures("Time", result.time.named())
    if result.per_code:
        lines += ["", "Per code"]
    for code in result.per_code:
        lines.append(f"  {one_line(code.code)}")
        lines += _figures("Moments", code.event.named(), indent=4)
        lines += _figures("Time", code.time.named(), indent=4)
    lines += ["", f"Disagreements ({len(result.disagreements)})"]
    if not result.disagreements:
        lines.append("  none: every moment matched, with the same code")
    for d in result.disagreements:
        span = f"{player_time(d.start_ms)}-{player_time(d.end_ms)}"
        lines.append(f"  {span:<17}  first:  {_side(d.first)}")
        lines.append(f"  {'':<17}  second: {_side(d.second)}")
    return lines


def _figures(scope: str, figures: tuple[tuple[str, Figure], ...], indent: int = 2) -> list[str]:
    lines = []
    for key, figure in figures:
        shown = "-" if figure.value is None else f"{figure.value:.2f}"
        lines.append(f"{' ' * indent}{scope + ' ' + _LABELS[key]:<20} {shown}")
        lines += textwrap.wrap(figure.explanation, WIDTH, initial_indent=" " * (indent + 4),
                               subsequent_indent=" " * (indent + 4))
    return lines


def _side(code: str | None) -> str:
    return "(nothing there)" if code is None else one_line(code)
