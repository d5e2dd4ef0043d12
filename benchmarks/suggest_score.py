"""Scoring suggested moments against a recording's ground truth (pure functions).

The truth is a ``NAME.truth.json`` from :mod:`sample_clips.conversations`;
the suggestions are the JSON list ``vigtool suggest VIDEO --json`` prints
(``Suggestion.to_json()``): ``[{"start_ms", "end_ms", "score", "turns":
[{"actor", "kind", "ms"}]}]``.

* **Detected pairs**: inside each suggestion, every turn of kind
  ``"response"`` whose actor differs from the turn before it (in the same
  suggestion) makes a serve->return pair: (previous actor, previous ms,
  this actor, this ms). A response with no turn before it, or after a turn
  by the same actor, makes none.
* **Matching**: one-to-one between truth pairs and detected pairs with the
  same serve and return actors whose serve onsets *and* return onsets each
  differ by at most 500 ms; the largest such matching (Hungarian method,
  :func:`vigtool.matching.match`), so no pair is counted twice and no
  nearest-first greed loses a match.
* **Precision** = matched / detected, **recall** = matched / truth, F1 their
  harmonic mean. With nothing detected precision is 1.0 (no false alarm);
  with nothing to find recall is 1.0.
* **Turn counts per minute**: pairs whose *return* onset falls in each whole
  minute [0, 60 s), [60, 120 s) ... of a recording (a trailing part minute is
  left out), truth and detected; Pearson's r over all minutes of all
  recordings.
* **Boundary error**: each truth chain is paired with the suggestion that
  overlaps it most (one-to-one, largest overlaps first); the error is the
  mean absolute difference of starts and of ends, in ms, over those pairs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from vigtool.matching import match

TOLERANCE_MS: Final = 500
MINUTE_MS: Final = 60_000


@dataclass(frozen=True)
class Pair:
    """A serve and its return: who and when each began (ms)."""

    serve_actor: str
    serve_ms: int
    return_actor: str
    return_ms: int


@dataclass(frozen=True)
class Boundary:
    """How far suggestion edges are from the truth chains they overlap most."""

    chains: int  # truth chains
    matched: int  # of which overlapped by a suggestion
    start_ms: float | None  # mean |suggestion start - chain start| over matched
    end_ms: float | None


class _PairRatios:
    """Precision, recall and F1 from the pair counts of a score."""

    truth_pairs: int
    detected_pairs: int
    matched_pairs: int

    @property
    def precision(self) -> float:
        return ratio(self.matched_pairs, self.detected_pairs)

    @property
    def recall(self) -> float:
        return ratio(self.matched_pairs, self.truth_pairs)

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


@dataclass(frozen=True)
class RecordingScore(_PairRatios):
    """One recording's figures."""

    name: str
    duration_ms: int
    truth_pairs: int
    detected_pairs: int
    matched_pairs: int
    truth_per_minute: tuple[int, ...]
    detected_per_minute: tuple[int, ...]
    boundary: Boundary


@dataclass(frozen=True)
class Totals(_PairRatios):
    """Every recording together: pairs summed before dividing (micro averages)."""

    recordings: int
    duration_ms: int
    truth_pairs: int
    detected_pairs: int
    matched_pairs: int
    minutes: int
    r: float | None  # Pearson r of per-minute counts; None when either side is constant
    boundary: Boundary


def ratio(part: int, whole: int) -> float:
    """part / whole, and 1.0 for 0 / 0 (nothing to get wrong)."""
    return part / whole if whole else 1.0


def f1(precision: float, recall: float) -> float:
    """The harmonic mean, 0.0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def truth_pairs(truth: Mapping[str, Any]) -> list[Pair]:
    """The serve->return pairs listed in a truth file."""
    return [Pair(p["serve_actor"], int(p["serve_ms"]), p["return_actor"], int(p["return_ms"]))
            for p in truth["pairs"]]


def detected_pairs(suggestions: Iterable[Mapping[str, Any]]) -> list[Pair]:
    """The pairs the suggestions claim (see the module docstring)."""
    pairs: list[Pair] = []
    for suggestion in suggestions:
        turns = suggestion["turns"]
        for before, turn in itertools.pairwise(turns):
            if turn["kind"] == "response" and turn["actor"] != before["actor"]:
                pairs.append(Pair(before["actor"], int(before["ms"]), turn["actor"],
                                  int(turn["ms"])))
    return pairs


def match_pairs(truth: Sequence[Pair], detected: Sequence[Pair],
                tolerance_ms: int = TOLERANCE_MS) -> list[tuple[int, int]]:
    """(truth index, detected index) of the largest one-to-one matching."""
    matched: list[tuple[int, int]] = []
    roles = {(p.serve_actor, p.return_actor) for p in truth}
    for role in sorted(roles):
        t_idx = [i for i, p in enumerate(truth) if (p.serve_actor, p.return_actor) == role]
        d_idx = [j for j, p in enumerate(detected) if (p.serve_actor, p.return_actor) == role]
        spans_t = [(float(truth[i].serve_ms), float(truth[i].return_ms)) for i in t_idx]
        spans_d = [(float(detected[j].serve_ms), float(detected[j].return_ms)) for j in d_idx]
        matched += [(t_idx[a], d_idx[b]) for a, b in match(spans_t, spans_d, tolerance_ms)]
    return sorted(matched)


def per_minute(pairs: Iterable[Pair], duration_ms: int) -> tuple[int, ...]:
    """Pairs per whole minute, by return onset."""
    counts = [0] * (duration_ms // MINUTE_MS)
    for pair in pairs:
        minute = pair.return_ms // MINUTE_MS
        if 0 <= minute < len(counts):
            counts[minute] += 1
    return tuple(counts)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than two points or when either side is constant."""
    if len(xs) != len(ys):
        raise ValueError("pearson needs two lists of the same length")
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def boundary_error(chains: Sequence[Mapping[str, Any]],
                   suggestions: Sequence[Mapping[str, Any]]) -> Boundary:
    """Suggestion edges against the truth chains they overlap most (one-to-one)."""
    overlaps: list[tuple[int, int, int]] = []
    for i, chain in enumerate(chains):
        for j, s in enumerate(suggestions):
            shared = min(chain["end_ms"], s["end_ms"]) - max(chain["start_ms"], s["start_ms"])
            if shared > 0:
                overlaps.append((-shared, i, j))
    used_chains: set[int] = set()
    used_suggestions: set[int] = set()
    starts: list[float] = []
    ends: list[float] = []
    for _, i, j in sorted(overlaps):
        if i in used_chains or j in used_suggestions:
            continue
        used_chains.add(i)
        used_suggestions.add(j)
        starts.append(abs(suggestions[j]["start_ms"] - chains[i]["start_ms"]))
        ends.append(abs(suggestions[j]["end_ms"] - chains[i]["end_ms"]))
    return Boundary(len(chains), len(starts), _mean(starts), _mean(ends))


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def score_recording(truth: Mapping[str, Any], suggestions: Sequence[Mapping[str, Any]],
                    name: str | None = None) -> RecordingScore:
    """One recording's precision, recall, counts per minute and boundary error."""
    expected, found = truth_pairs(truth), detected_pairs(suggestions)
    duration = int(truth["duration_ms"])
    return RecordingScore(
        name=name or str(truth.get("scenario", "")),
        duration_ms=duration,
        truth_pairs=len(expected),
        detected_pairs=len(found),
        matched_pairs=len(match_pairs(expected, found)),
        truth_per_minute=per_minute(expected, duration),
        detected_per_minute=per_minute(found, duration),
        boundary=boundary_error(truth["chains"], suggestions),
    )


def totals(scores: Sequence[RecordingScore]) -> Totals:
    """All recordings together (pairs summed; r over every whole minute)."""
    xs = [c for s in scores for c in s.truth_per_minute]
    ys = [c for s in scores for c in s.detected_per_minute]
    matched = sum(s.boundary.matched for s in scores)

    def weighted(attr: str) -> float | None:
        parts = [(getattr(s.boundary, attr), s.boundary.matched) for s in scores
                 if s.boundary.matched]
        return sum(v * n for v, n in parts) / matched if matched else None

    return Totals(
        recordings=len(scores),
        duration_ms=sum(s.duration_ms for s in scores),
        truth_pairs=sum(s.truth_pairs for s in scores),
        detected_pairs=sum(s.detected_pairs for s in scores),
        matched_pairs=sum(s.matched_pairs for s in scores),
        minutes=len(xs),
        r=pearson(xs, ys),
        boundary=Boundary(sum(s.boundary.chains for s in scores), matched,
                          weighted("start_ms"), weighted("end_ms")),
    )


def truth_as_suggestions(truth: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The truth's chains written as suggestions (each turn of a chain, in order):
    what a perfect analysis would print. Scoring it must give P = R = F1 = 1."""
    out = []
    for index, chain in enumerate(truth["chains"]):
        turns = [t for t in truth["turns"] if t.get("chain") == index]
        out.append({
            "start_ms": chain["start_ms"],
            "end_ms": chain["end_ms"],
            "score": 1.0,
            "turns": [{"actor": t["actor"], "kind": t["kind"], "ms": t["start_ms"]}
                      for t in turns],
        })
    return out
