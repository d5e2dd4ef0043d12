"""The suggestion scorer (benchmarks/suggest_score.py) on hand-worked examples.

Every expected number below was worked out by hand from the definitions in
the scorer's docstring; the comments show the working.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.suggest_score import (
    Pair,
    boundary_error,
    detected_pairs,
    match_pairs,
    pearson,
    per_minute,
    score_recording,
    totals,
    truth_as_suggestions,
    truth_pairs,
)


def _turn(actor: str, kind: str, start: int, end: int, chain: int | None = None) -> dict[str, Any]:
    turn: dict[str, Any] = {"actor": actor, "kind": kind, "start_ms": start, "end_ms": end}
    if chain is not None:
        turn["chain"] = chain
    return turn


def _pair(serve: str, serve_ms: int, ret: str, return_ms: int) -> dict[str, Any]:
    return {"serve_actor": serve, "serve_ms": serve_ms, "return_actor": ret,
            "return_ms": return_ms}


# 125 s: two whole minutes (the last 5 s are not a whole minute).
TRUTH: dict[str, Any] = {
    "scenario": "hand",
    "duration_ms": 125_000,
    "turns": [
        _turn("child", "initiative", 1000, 2000, 0),
        _turn("adult", "response", 2500, 3500, 0),
        _turn("child", "response", 4000, 5000, 0),
        _turn("child", "initiative", 20_000, 21_000),  # unanswered
        _turn("child", "initiative", 61_000, 61_500, 1),
        _turn("adult", "response", 62_000, 63_000, 1),
        _turn("adult", "initiative", 70_000, 71_000, 2),
        _turn("child", "response", 71_500, 72_500, 2),
        _turn("adult", "initiative", 120_000, 120_500, 3),
        _turn("child", "response", 121_000, 122_000, 3),  # in the part minute
    ],
    "pairs": [
        _pair("child", 1000, "adult", 2500),
        _pair("adult", 2500, "child", 4000),
        _pair("child", 61_000, "adult", 62_000),
        _pair("adult", 70_000, "child", 71_500),
        _pair("adult", 120_000, "child", 121_000),
    ],
    "chains": [
        {"start_ms": 1000, "end_ms": 5000},
        {"start_ms": 61_000, "end_ms": 63_000},
        {"start_ms": 70_000, "end_ms": 72_500},
        {"start_ms": 120_000, "end_ms": 122_000},
    ],
}


def _suggestion(start: int, end: int, *turns: tuple[str, str, int]) -> dict[str, Any]:
    return {"start_ms": start, "end_ms": end, "score": 0.5,
            "turns": [{"actor": a, "kind": k, "ms": ms} for a, k, ms in turns]}


SUGGESTIONS = [
    # Pairs (child 1200 -> adult 2900): truth pair 1 is 200 and 400 ms off, a match;
    # (adult 2900 -> child 4600): truth pair 2's return is 600 ms off, no match.
    _suggestion(900, 5200, ("child", "initiative", 1200), ("adult", "response", 2900),
                ("child", "response", 4600)),
    # (adult 61000 -> child 62000): truth has child -> adult there, so no match.
    _suggestion(60_500, 63_500, ("adult", "initiative", 61_000), ("child", "response", 62_000)),
    # adult 70000 then adult 71000 "response": same actor, no pair; then
    # (adult 71000 -> child 71500): serve 1000 ms from truth's 70000, no match.
    _suggestion(69_800, 72_000, ("adult", "initiative", 70_000), ("adult", "response", 71_000),
                ("child", "response", 71_500)),
]


def test_detected_pairs_pair_each_response_with_the_turn_before_it() -> None:
    assert detected_pairs(SUGGESTIONS) == [
        Pair("child", 1200, "adult", 2900),
        Pair("adult", 2900, "child", 4600),
        Pair("adult", 61_000, "child", 62_000),
        Pair("adult", 71_000, "child", 71_500),
    ]
    # A response first in its suggestion has nothing to answer.
    assert detected_pairs([_suggestion(0, 1, ("adult", "response", 0))]) == []


def test_hand_worked_recording() -> None:
    score = score_recording(TRUTH, SUGGESTIONS)
    assert (score.truth_pairs, score.detected_pairs, score.matched_pairs) == (5, 4, 1)
    assert score.precision == pytest.approx(1 / 4)
    assert score.recall == pytest.approx(1 / 5)
    assert score.f1 == pytest.approx(2 * 0.25 * 0.2 / 0.45)
    # By return onset: minute 0 has 2500 and 4000, minute 1 has 62000 and 71500;
    # 121000 is in the part minute. Detected: 2900, 4600 | 62000, 71500.
    assert score.truth_per_minute == (2, 2)
    assert score.detected_per_minute == (2, 2)
    # Chains vs the suggestion overlapping each most: |900-1000|, |60500-61000|,
    # |69800-70000| = 100, 500, 200 -> 800/3; ends 200, 500, 500 -> 400. The
    # chain at 120 s overlaps nothing.
    assert score.boundary.chains == 4
    assert score.boundary.matched == 3
    assert score.boundary.start_ms == pytest.approx(800 / 3)
    assert score.boundary.end_ms == pytest.approx(400.0)


def test_the_truth_itself_scores_perfectly() -> None:
    as_suggestions = truth_as_suggestions(TRUTH)
    assert len(as_suggestions) == 4
    score = score_recording(TRUTH, as_suggestions)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.detected_per_minute == score.truth_per_minute
    assert (score.boundary.start_ms, score.boundary.end_ms) == (0.0, 0.0)


def test_tolerance_is_500_ms_inclusive_on_both_onsets() -> None:
    truth = [Pair("child", 10_000, "adult", 11_000)]
    assert match_pairs(truth, [Pair("child", 10_500, "adult", 10_500)]) == [(0, 0)]
    assert match_pairs(truth, [Pair("child", 9_499, "adult", 11_000)]) == []
    assert match_pairs(truth, [Pair("child", 10_000, "adult", 11_501)]) == []
    assert match_pairs(truth, [Pair("adult", 10_000, "child", 11_000)]) == []


def test_matching_is_maximal_and_one_to_one() -> None:
    truth = [Pair("child", 1000, "adult", 2000), Pair("child", 1600, "adult", 2600)]
    # D0 fits both truth pairs but is nearer the second; D1 fits only the second.
    # Nearest-first would give D0 the second pair and leave D1 unmatched.
    detected = [Pair("child", 1400, "adult", 2400), Pair("child", 1950, "adult", 2950)]
    assert match_pairs(truth, detected) == [(0, 0), (1, 1)]
    # Two detections of one truth pair: one match, one false alarm.
    twice = [Pair("child", 1000, "adult", 2000), Pair("child", 1050, "adult", 2050)]
    assert len(match_pairs(truth[:1], twice)) == 1


def test_per_minute_counts_whole_minutes_by_return_onset() -> None:
    pairs = [Pair("child", 59_000, "adult", 60_000), Pair("child", 1000, "adult", 59_999),
             Pair("child", 119_000, "adult", 125_000)]
    assert per_minute(pairs, 130_000) == (1, 1)
    assert per_minute(pairs, 59_000) == ()


def test_pearson_by_hand() -> None:
    # mean x 2, mean y 13/3; sxy = 5, sxx = 2, syy = 38/3; r = 5 / sqrt(76/3).
    assert pearson([1, 2, 3], [2, 4, 7]) == pytest.approx(5 / (76 / 3) ** 0.5)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([1], [1]) is None


def test_boundary_matching_is_one_to_one_by_largest_overlap() -> None:
    chains = [{"start_ms": 0, "end_ms": 10_000}, {"start_ms": 12_000, "end_ms": 14_000}]
    # One long suggestion covers both chains; it goes to the first (overlap 10 s
    # against 2 s), and the short one to the second.
    suggestions = [{"start_ms": 0, "end_ms": 15_000}, {"start_ms": 12_500, "end_ms": 13_000}]
    result = boundary_error(chains, suggestions)
    assert result.matched == 2
    assert result.start_ms == pytest.approx((0 + 500) / 2)
    assert result.end_ms == pytest.approx((5000 + 1000) / 2)
    assert boundary_error(chains, []).start_ms is None


def test_totals_sum_pairs_before_dividing() -> None:
    first = score_recording(TRUTH, SUGGESTIONS)  # 1 of 4 detected, 1 of 5 truth
    second = score_recording(TRUTH, truth_as_suggestions(TRUTH), name="perfect")  # 5 of 5
    total = totals([first, second])
    assert (total.truth_pairs, total.detected_pairs, total.matched_pairs) == (10, 9, 6)
    assert total.precision == pytest.approx(6 / 9)
    assert total.recall == pytest.approx(6 / 10)
    assert total.minutes == 4
    # Every minute has 2 on both sides: no variation, so no correlation.
    assert total.r is None
    assert total.boundary.matched == 3 + 4
    assert total.boundary.start_ms == pytest.approx(800 / 7)
    assert total.duration_ms == 250_000


def test_nothing_detected_and_nothing_to_find() -> None:
    empty_truth = {"duration_ms": 60_000, "pairs": [], "chains": [], "turns": []}
    score = score_recording(empty_truth, [])
    assert (score.precision, score.recall) == (1.0, 1.0)
    missed = score_recording(TRUTH, [])
    assert (missed.precision, missed.recall, missed.f1) == (1.0, 0.0, 0.0)
    assert truth_pairs(empty_truth) == []
