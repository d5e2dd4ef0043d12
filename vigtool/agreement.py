"""Agreement between two coders of the same film: figures, and what each one means.

``compare(first, second)`` takes each coder's events (a span in ms and one
code) and works out the figures below. They follow these definitions exactly.

Event-based (did they tag the same moments, and code them alike?)
    The FIRST coder is the reference. One event of each coder MATCH when their
    starts differ by at most the tolerance and their ends differ by at most the
    tolerance (inclusive: 500 ms apart matches at a 500 ms tolerance; spans that
    merely touch or overlap do not match unless both ends are that close).
    Matching is one-to-one and ignores codes. Of all one-to-one matchings it
    takes one with the most pairs, and among those the smallest total of start
    and end differences (solved exactly as an assignment problem, not by
    pairing each event greedily with its nearest, which can find fewer pairs).
    precision = matched / second's events; recall = matched / first's events;
    F1 = their harmonic mean, 2 x matched / (first's + second's events).
    Event kappa is Cohen's kappa over the matched pairs' codes only.
Time-based (at each instant, did they have the same code on?)
    The film is sampled every ``frame_ms`` from 0 up to (not including)
    ``duration_ms`` (default: the end of the last event of either coder). An
    event covers a sample at t when start <= t < end. Each sample gets, for each
    coder, the code of the event covering it ("none" when there is none; when
    several overlap, the one that started last, and of those the one listed
    last). Time kappa is Cohen's kappa over the samples; the agreement is the
    plain share of samples with the same label.
Per code
    For each code either coder used: the event figures of that code's events
    alone (matched within the code), but kappa is of "this code or another" over
    the overall matched pairs (within one code every pair agrees); and the time
    figures of "this code on or not" (on: any event with the code covers it).
    An event with several codes (``Event.coded``) counts here for each of them;
    the overall figures compare its whole set as one label ("A + B").
Disagreements
    Every unmatched event of either coder and every matched pair whose codes
    differ, sorted by start; a pair spans from its earlier start to its later end.

Cohen's kappa = (observed - chance) / (1 - chance), where chance is the
agreement two coders would reach by luck given how often each used each code.
A figure that cannot be worked out is None (JSON null) with the reason, never
0 or NaN: with no events at all, precision, recall and F1 are None; when only
the second coder tagged nothing, precision is None while recall and F1 are 0
(and the other way round); kappa is None when there is nothing to compare or
chance agreement is already complete (both coders used one and the same code).

Why kappa can fall as the tolerance widens: event kappa looks only at the
matched pairs, and a wider tolerance pairs up moments further apart, often a
moment with its neighbour of another kind, so more pairs disagree on the code
even as recall rises. The kappa sentence says so, in plain words.

Every figure comes with one plain sentence for a practitioner, filled with the
numbers (``Figure.explanation``). Pure Python and numpy; no Qt; any thread.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from vigtool.domain.clock import player_time
from vigtool.errors import VigtoolError
from vigtool.matching import match

NO_CODE = "(no code)"
DEFAULT_TOLERANCE_MS = 500
DEFAULT_FRAME_MS = 40


@dataclass(frozen=True)
class Event:
    """One coder's event: ``start_ms`` to ``end_ms`` (end exclusive) with one code.
    ``ref`` is the caller's own handle (a moment id, an annotation id); the figures
    ignore it, and it comes back on the disagreements so a view can jump there.
    From a moment, as the ELAN export times it: ``Event.coded(times.frame_to_ms(
    m.start_frame), times.frame_end_ms(m.end_frame), code_labels, ref=m.id)``."""

    start_ms: float
    end_ms: float
    code: str
    ref: int | str | None = None
    parts: tuple[str, ...] = ()  # a several-code event's codes (see ``coded``)

    @classmethod
    def coded(cls, start_ms: float, end_ms: float, codes: Sequence[str],
              ref: int | str | None = None) -> Event:
        """An event carrying any number of codes (a vigtool moment): its ``code`` is
        them sorted and joined with " + ", so one set reads the same for both
        coders, or ``NO_CODE`` when there are none."""
        kept = tuple(sorted({c.strip() for c in codes if c.strip()}, key=str.casefold))
        return cls(start_ms, end_ms, " + ".join(kept) or NO_CODE, ref, kept)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes it counts for in the per-code figures."""
        return self.parts or (self.code,)


@dataclass(frozen=True)
class Figure:
    """A figure (None when it cannot be worked out) and the sentence saying what it
    means, or why it cannot be worked out."""

    value: float | None
    explanation: str


@dataclass(frozen=True)
class EventFigures:
    """Precision, recall, F1 and kappa of matched events, and the counts behind them."""

    precision: Figure
    recall: Figure
    f1: Figure
    kappa: Figure
    matched: int
    first_count: int
    second_count: int

    def named(self) -> tuple[tuple[str, Figure], ...]:
        """(JSON key, figure) in the order a table shows them."""
        return (("precision", self.precision), ("recall", self.recall), ("f1", self.f1),
                ("kappa", self.kappa))


@dataclass(frozen=True)
class TimeFigures:
    """Kappa and plain agreement over ``samples`` instants of the film."""

    kappa: Figure
    agreement: Figure
    samples: int

    def named(self) -> tuple[tuple[str, Figure], ...]:
        return (("kappa", self.kappa), ("agreement", self.agreement))


@dataclass(frozen=True)
class CodeAgreement:
    code: str
    event: EventFigures
    time: TimeFigures


@dataclass(frozen=True)
class Disagreement:
    """An event only one coder tagged (the other side None), or a matched pair
    with different codes; ``first_event``/``second_event`` are the events."""

    start_ms: float
    end_ms: float
    first: str | None
    second: str | None
    first_event: Event | None
    second_event: Event | None

    def to_json(self) -> dict[str, Any]:
        return {"start_ms": _number(self.start_ms), "end_ms": _number(self.end_ms),
                "first": self.first, "second": self.second}


@dataclass(frozen=True)
class Agreement:
    """Everything ``compare`` found: the overall figures, each code's (sorted by
    name), the disagreements in time order and the matched pairs (first, second)."""

    event: EventFigures
    time: TimeFigures
    per_code: tuple[CodeAgreement, ...]
    disagreements: tuple[Disagreement, ...]
    pairs: tuple[tuple[Event, Event], ...]
    tolerance_ms: float
    frame_ms: float
    duration_ms: float

    def to_json(self) -> dict[str, Any]:
        """The issue's JSON: figures (null when undefined), then the same shape again
        under "explanations" with each figure's sentence."""

        def table(pick: Callable[[Figure], Any]) -> dict[str, Any]:
            def of(figures: EventFigures | TimeFigures) -> dict[str, Any]:
                return {key: pick(figure) for key, figure in figures.named()}

            return {"event": of(self.event), "time": of(self.time),
                    "per_code": {c.code: {"event": of(c.event), "time": of(c.time)}
                                 for c in self.per_code}}

        return {**table(lambda figure: figure.value),
                "disagreements": [d.to_json() for d in self.disagreements],
                "matched": self.event.matched, "first_count": self.event.first_count,
                "second_count": self.event.second_count,
                "explanations": table(lambda figure: figure.explanation)}


def compare(first: Sequence[Event], second: Sequence[Event], *,
            tolerance_ms: float = DEFAULT_TOLERANCE_MS, frame_ms: float = DEFAULT_FRAME_MS,
            duration_ms: float | None = None) -> Agreement:
    """How far ``second`` agrees with ``first`` (the reference); see the module
    docstring for every definition. Raises VigtoolError for a negative tolerance or
    duration, a frame step that is not above zero, or an event that ends before it
    starts."""
    _check(first, second, tolerance_ms, frame_ms, duration_ms)
    if duration_ms is None:
        duration_ms = max((e.end_ms for e in (*first, *second)), default=0)
    within = _within(tolerance_ms)
    index_pairs = match(_spans(first), _spans(second), tolerance_ms)
    pairs = tuple((first[i], second[j]) for i, j in index_pairs)
    event = _event_figures(len(first), len(second), len(pairs), within, None,
                           _code_kappa(pairs, within))
    grid = _Grid(math.ceil(Fraction(duration_ms) / Fraction(frame_ms)), frame_ms, duration_ms)
    labels = sorted({e.code for e in (*first, *second)}, key=lambda c: (c.casefold(), c))
    time = _time_figures(grid, first, second, {c: n for n, c in enumerate(labels, 1)})
    per_code = []
    for code in sorted({c for e in (*first, *second) for c in e.codes},
                       key=lambda c: (c.casefold(), c)):
        mine = [replace(e, code=code) for e in first if code in e.codes]
        theirs = [replace(e, code=code) for e in second if code in e.codes]
        matched = len(match(_spans(mine), _spans(theirs), tolerance_ms))
        figures = _event_figures(len(mine), len(theirs), matched, within, code,
                                 _binary_kappa(pairs, code, within))
        per_code.append(CodeAgreement(code, figures,
                                      _time_figures(grid, mine, theirs, {code: 1}, code)))
    found = [Disagreement(min(a.start_ms, b.start_ms), max(a.end_ms, b.end_ms), a.code,
                          b.code, a, b) for a, b in pairs if a.code != b.code]
    paired_first, paired_second = ({pair[side] for pair in index_pairs} for side in (0, 1))
    found += [Disagreement(a.start_ms, a.end_ms, a.code, None, a, None)
              for i, a in enumerate(first) if i not in paired_first]
    found += [Disagreement(b.start_ms, b.end_ms, None, b.code, None, b)
              for j, b in enumerate(second) if j not in paired_second]
    found.sort(key=lambda d: (d.start_ms, d.end_ms, d.first or "", d.second or ""))
    return Agreement(event, time, tuple(per_code), tuple(found), pairs, tolerance_ms,
                     frame_ms, duration_ms)


# -- Cohen's kappa --------------------------------------------------------------------


@dataclass(frozen=True)
class _Kappa:
    items: int
    agreed: int
    value: float | None  # None: no items, or chance agreement already complete
    only: Hashable = None  # the one label both used, when chance agreement is complete


def _cohen(firsts: Sequence[Hashable], seconds: Sequence[Hashable]) -> _Kappa:
    agreed = sum(1 for a, b in zip(firsts, seconds, strict=True) if a == b)
    return _from_counts(len(firsts), agreed, Counter(firsts), Counter(seconds))


def _from_counts(n: int, agreed: int, counts_a: Mapping[Hashable, int],
                 counts_b: Mapping[Hashable, int]) -> _Kappa:
    """Cohen's kappa in whole numbers: (agreed x n - S) / (n^2 - S), S the sum over
    labels of the two coders' counts multiplied (n^2 x the chance agreement)."""
    chance = sum(count * counts_b.get(label, 0) for label, count in counts_a.items())
    if n == 0 or chance == n * n:
        return _Kappa(n, agreed, None, next(iter(counts_a), None))
    return _Kappa(n, agreed, (agreed * n - chance) / (n * n - chance))


def _grid_kappa(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> _Kappa:
    labels = max(int(a.max(initial=0)), int(b.max(initial=0))) + 1
    counts_a, counts_b = np.bincount(a, minlength=labels), np.bincount(b, minlength=labels)
    return _from_counts(int(a.size), int(np.count_nonzero(a == b)),
                        {k: int(c) for k, c in enumerate(counts_a) if c},
                        {k: int(c) for k, c in enumerate(counts_b) if c})


# -- the figures and their sentences --------------------------------------------------


def _event_figures(first: int, second: int, matched: int, within: str, code: str | None,
                   kappa: Figure) -> EventFigures:
    what = "moments" if code is None else f"{_q(code)} moments"
    if first == 0 and second == 0:
        nothing = Figure(None, f"Neither coder tagged any {what}, so there is nothing to "
                               "compare.")
        return EventFigures(nothing, nothing, nothing, nothing, 0, 0, 0)
    if second == 0:
        precision = Figure(None, f"Precision cannot be worked out: the second coder tagged no "
                                 f"{what}, so there are none to check against the first coder.")
    else:
        p = matched / second
        precision = Figure(p, f"Of the {second} {what} the second coder tagged, "
                              f"{_count(matched)} match one of the first coder's within "
                              f"{within} (precision {p:.2f}).")
    if first == 0:
        recall = Figure(None, f"Recall cannot be worked out: the first coder tagged no {what}, "
                              "so there was nothing for the second to find.")
    else:
        r = matched / first
        recall = Figure(r, f"Of the {first} {what} the first coder tagged, the second found "
                           f"{_count(matched)} within {within} (recall {r:.2f}).")
    f = 2 * matched / (first + second)
    f1 = Figure(f, f"F1 {f:.2f} puts recall and precision together ({_count(matched)} matched; "
                   f"the coders tagged {first} and {second}); it is 1 only when every moment "
                   "of each coder has a match.")
    return EventFigures(precision, recall, f1, kappa, matched, first, second)


def _code_kappa(pairs: Sequence[tuple[Event, Event]], within: str) -> Figure:
    k = _cohen([a.code for a, _ in pairs], [b.code for _, b in pairs])
    if k.items == 0:
        return Figure(None, _NO_PAIRS.format(within=within))
    if k.value is None:
        return Figure(None, f"Kappa cannot be worked out: on the {_moments(k.items)} matched "
                            f"within {within} both coders used only one code, {_q(k.only)}, so "
                            "agreement by chance is already complete.")
    return Figure(k.value, f"On the {_moments(k.items)} matched within {within} the coders "
                           f"gave the same code to {k.agreed} ({k.agreed / k.items:.0%}); "
                           f"allowing for agreement by chance, kappa is {k.value:.2f} (only "
                           "matched moments count, so a wider tolerance can pair up moments "
                           "of different kinds and lower it).")


def _binary_kappa(pairs: Sequence[tuple[Event, Event]], code: str, within: str) -> Figure:
    k = _cohen([code in a.codes for a, _ in pairs], [code in b.codes for _, b in pairs])
    if k.items == 0:
        return Figure(None, _NO_PAIRS.format(within=within))
    if k.value is None and k.only:
        return Figure(None, f"Kappa cannot be worked out: both coders gave {_q(code)} to all "
                            f"{_moments(k.items)} matched within {within}, so agreement by "
                            "chance is already complete.")
    if k.value is None:
        return Figure(None, f"Kappa cannot be worked out: neither coder gave {_q(code)} to "
                            f"any of the {_moments(k.items)} matched within {within}.")
    return Figure(k.value, f"On the {_moments(k.items)} matched within {within} the coders "
                           f"agreed on whether it was {_q(code)} for {k.agreed} "
                           f"({k.agreed / k.items:.0%}); allowing for agreement by chance, "
                           f"kappa is {k.value:.2f}.")


_NO_PAIRS = ("Kappa cannot be worked out: no moment of one coder matched one of the other's "
             "within {within}, so there are no pairs whose codes could be compared.")


@dataclass(frozen=True)
class _Grid:
    samples: int
    frame_ms: float
    duration_ms: float

    def covered(self, event: Event) -> slice:
        """The samples k (at k x frame_ms) with start <= k x frame_ms < end."""
        low, high = (math.ceil(Fraction(ms) / Fraction(self.frame_ms))
                     for ms in (event.start_ms, event.end_ms))
        return slice(min(low, self.samples), min(high, self.samples))

    def labels(self, events: Sequence[Event],
               number: Mapping[str, int]) -> npt.NDArray[np.int64]:
        """Each sample's label (0: none); painted in order of start, so where events
        overlap the one that started last (then the one listed last) wins."""
        out = np.zeros(self.samples, dtype=np.int64)
        for event in sorted(events, key=lambda e: e.start_ms):
            out[self.covered(event)] = number[event.code]
        return out

    def scope(self) -> str:
        return f"every {_number(self.frame_ms)} ms up to {player_time(self.duration_ms)}"


def _time_figures(grid: _Grid, first: Sequence[Event], second: Sequence[Event],
                  number: Mapping[str, int], code: str | None = None) -> TimeFigures:
    """Over every code (``number``: code -> label, 0 is none), or ``code`` on or not."""
    if grid.samples == 0:
        why = ("Cannot be worked out: there is no film to sample (no length was given and "
               "neither coder tagged anything).")
        return TimeFigures(Figure(None, why), Figure(None, why), 0)
    k = _grid_kappa(grid.labels(first, number), grid.labels(second, number))
    share = k.agreed / k.items
    same = ("the coders had the same code on (or neither had any)" if code is None else
            f"the coders agreed on whether {_q(code)} was on")
    agreement = Figure(share, f"At {k.agreed} of the {k.items} instants sampled {grid.scope()} "
                              f"({share:.0%}), {same}.")
    if k.value is None:
        names = {0: "nothing tagged", **{n: _q(c) for c, n in number.items()}}
        only = next(name for n, name in names.items() if n == k.only)
        what = (f"every instant the same one label ({only})" if code is None else
                f"{_q(code)} on at {'every' if k.only else 'no'} instant")
        why = f"Kappa cannot be worked out: both coders gave {what}" if code is None else (
            f"Kappa cannot be worked out: both coders had {what}")
        return TimeFigures(Figure(None, f"{why}, so agreement by chance is already complete."),
                           agreement, k.items)
    kappa = Figure(k.value, f"Sampling the film {grid.scope()}, {same} {share:.0%} of the time; "
                            f"allowing for agreement by chance, kappa is {k.value:.2f}.")
    return TimeFigures(kappa, agreement, k.items)


# -- wording and checks ---------------------------------------------------------------


def _within(tolerance_ms: float) -> str:
    """A tolerance as a person says it: "half a second", "1 second", "250 ms"."""
    if tolerance_ms == 500:
        return "half a second"
    if tolerance_ms and tolerance_ms % 1000 == 0:
        seconds = int(tolerance_ms // 1000)
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{_number(tolerance_ms)} ms"


def _q(text: object) -> str:
    return f"\u201c{text}\u201d"


def _count(n: int) -> str:
    return "none" if n == 0 else str(n)


def _moments(n: int) -> str:
    return "1 moment" if n == 1 else f"{n} moments"


def _spans(events: Sequence[Event]) -> list[tuple[float, float]]:
    return [(e.start_ms, e.end_ms) for e in events]


def _number(ms: float) -> float | int:
    return int(ms) if float(ms).is_integer() else ms


def _check(first: Sequence[Event], second: Sequence[Event], tolerance_ms: float,
           frame_ms: float, duration_ms: float | None) -> None:
    if not 0 <= tolerance_ms < math.inf:
        raise VigtoolError(f"the tolerance must be zero or more milliseconds, not {tolerance_ms}")
    if not 0 < frame_ms < math.inf:
        raise VigtoolError(f"the sampling step must be more than 0 ms, not {frame_ms}")
    if duration_ms is not None and not 0 <= duration_ms < math.inf:
        raise VigtoolError(f"the film's length must be zero or more ms, not {duration_ms}")
    for who, events in (("first", first), ("second", second)):
        for event in events:
            if not 0 <= event.start_ms <= event.end_ms < math.inf:
                raise VigtoolError(
                    f"the {who} coder's {_q(event.code)} from {event.start_ms} ms to "
                    f"{event.end_ms} ms is not a span of the film (it must start at 0 ms or "
                    "later and not end before it starts)")
