"""Agreement between two coders: every figure against arithmetic worked out by hand.

The worked examples are small enough to check on paper; the arithmetic is in the
comments. Kappa is Cohen's: (agreed x n - S) / (n^2 - S), where S sums, over
the labels, the first coder's count times the second's (n^2 x chance agreement).
The command line is tested in test_agreement_cli.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigtool.agreement import NO_CODE, Agreement, Event, compare
from vigtool.errors import VigtoolError
from vigtool.matching import Span, match

A, B, C = "Being attentive", "Receiving initiatives", "Guiding"


def E(start: float, end: float, code: str) -> Event:  # reads like the record it makes
    return Event(start, end, code)


# The worked example: 4 events by the first coder, 5 by the second, 3 codes,
# tolerance 500 ms, sampled every 1000 ms.
FIRST = [E(0, 2000, A), E(3000, 5000, B), E(6000, 7000, A), E(8000, 10000, C)]
SECOND = [
    E(0, 2400, A),      # first's 0-2000 A: starts 0 apart, ends 400 apart -> match
    E(3000, 4600, C),   # first's 3000-5000 B: 0 and 400 apart -> match, codes differ
    E(6000, 7400, A),   # first's 6000-7000 A: 0 and 400 apart -> match
    E(8700, 10000, C),  # first's 8000-10000 C: starts 700 apart -> no match
    E(5000, 5800, B),   # touches first's B (which ends at 5000) but starts 2000 apart -> no
]


@pytest.fixture
def worked() -> Agreement:
    return compare(FIRST, SECOND, tolerance_ms=500, frame_ms=1000)


def test_event_figures_of_the_worked_example(worked: Agreement) -> None:
    # 3 pairs matched; precision 3/5, recall 3/4, F1 = 2 x 3 / (4 + 5) = 6/9
    # (the harmonic mean of 0.6 and 0.75: 2 x 0.45 / 1.35 = 2/3).
    assert (worked.event.matched, worked.event.first_count, worked.event.second_count) == (3, 4, 5)
    assert worked.event.precision.value == pytest.approx(0.6)
    assert worked.event.recall.value == pytest.approx(0.75)
    assert worked.event.f1.value == pytest.approx(2 / 3)
    # The pairs' codes: (A, A), (B, C), (A, A). n = 3, agreed 2.
    # First: A 2, B 1. Second: A 2, C 1. S = 2 x 2 = 4 (B and C have no partner).
    # kappa = (2 x 3 - 4) / (9 - 4) = 2/5
    assert worked.event.kappa.value == pytest.approx(0.4)


def test_time_figures_of_the_worked_example(worked: Agreement) -> None:
    # Samples at 0, 1000 ... 9000 (10; the last event ends at 10000, end exclusive):
    #            0   1   2   3   4   5   6   7   8   9   (seconds)
    # first:     A   A   -   B   B   -   A   -   C   C
    # second:    A   A   A   C   C   B   A   A   -   C
    # agree:     y   y   n   n   n   n   y   n   n   y   -> 4 of 10
    # First: A 3, B 2, C 2, none 3. Second: A 5, B 1, C 3, none 1.
    # S = 3x5 + 2x1 + 2x3 + 3x1 = 26; kappa = (4 x 10 - 26) / (100 - 26) = 14/74 = 7/37
    assert worked.time.samples == 10
    assert worked.time.agreement.value == pytest.approx(0.4)
    assert worked.time.kappa.value == pytest.approx(7 / 37)


def test_per_code_figures_of_the_worked_example(worked: Agreement) -> None:
    codes = {c.code: c for c in worked.per_code}
    assert list(codes) == [A, C, B]  # sorted by name
    a, b, c = codes[A], codes[B], codes[C]
    # A: 2 and 2 events, both pairs match within A -> 1, 1, 1.
    # Kappa of "A or not" on the 3 overall pairs: first T F T, second T F T: agreed 3;
    # first T2 F1, second T2 F1: S = 4 + 1 = 5; (3 x 3 - 5) / (9 - 5) = 1.
    assert [f.value for _, f in a.event.named()] == [1.0, 1.0, 1.0, 1.0]
    # A on in time: first 0 1 6, second 0 1 2 6 7: agree at 8 of 10.
    # first on 3 off 7, second on 5 off 5: S = 15 + 35 = 50; (80 - 50) / (100 - 50) = 0.6
    assert a.time.agreement.value == pytest.approx(0.8)
    assert a.time.kappa.value == pytest.approx(0.6)
    # B: first's 3000-5000 and second's 5000-5800 touch but do not match: 0, 0, 0.
    # "B or not" on the pairs: first F T F, second F F F: agreed 2; first T1 F2,
    # second F3: S = 2 x 3 = 6; (2 x 3 - 6) / (9 - 6) = 0.
    assert [f.value for _, f in b.event.named()] == [0.0, 0.0, 0.0, 0.0]
    # B on: first 3 4, second 5: agree 7 of 10; first on 2 off 8, second on 1 off 9:
    # S = 2 + 72 = 74; (70 - 74) / (100 - 74) = -4/26
    assert b.time.agreement.value == pytest.approx(0.7)
    assert b.time.kappa.value == pytest.approx(-2 / 13)
    # C: first 1, second 2, none match within C: precision 0/2, recall 0/1, F1 0.
    # "C or not": first F F F, second F T F: agreed 2; S = 3 x 2 = 6; kappa 0.
    assert [f.value for _, f in c.event.named()] == [0.0, 0.0, 0.0, 0.0]
    # C on: first 8 9, second 3 4 9: agree 7; first 2/8, second 3/7: S = 6 + 56 = 62;
    # (70 - 62) / (100 - 62) = 8/38
    assert c.time.kappa.value == pytest.approx(4 / 19)


def test_disagreements_of_the_worked_example(worked: Agreement) -> None:
    assert [d.to_json() for d in worked.disagreements] == [
        {"start_ms": 3000, "end_ms": 5000, "first": B, "second": C},  # matched, codes differ
        {"start_ms": 5000, "end_ms": 5800, "first": None, "second": B},
        {"start_ms": 8000, "end_ms": 10000, "first": C, "second": None},
        {"start_ms": 8700, "end_ms": 10000, "first": None, "second": C},
    ]
    pair = worked.disagreements[0]
    assert (pair.first_event, pair.second_event) == (FIRST[1], SECOND[1])


def test_each_figure_has_a_sentence_with_its_numbers(worked: Agreement) -> None:
    event = worked.event
    assert event.recall.explanation == ("Of the 4 moments the first coder tagged, the second "
                                        "found 3 within half a second (recall 0.75).")
    assert event.precision.explanation.startswith("Of the 5 moments the second coder tagged, 3 ")
    assert "(precision 0.60)" in event.precision.explanation
    assert "F1 0.67" in event.f1.explanation
    assert "the same code to 2 (67%)" in event.kappa.explanation
    assert "kappa is 0.40" in event.kappa.explanation
    assert "wider tolerance" in event.kappa.explanation
    assert "every 1000 ms up to 0:10.00" in worked.time.kappa.explanation
    assert "kappa is 0.19" in worked.time.kappa.explanation
    assert worked.time.agreement.explanation.startswith("At 4 of the 10 instants")


def test_json_has_exactly_the_issue_keys(worked: Agreement) -> None:
    data = json.loads(json.dumps(worked.to_json()))
    assert set(data) == {"event", "time", "per_code", "disagreements", "explanations",
                         "matched", "first_count", "second_count"}
    assert set(data["event"]) == {"precision", "recall", "f1", "kappa"}
    assert set(data["time"]) == {"kappa", "agreement"}
    for figures in data["per_code"].values():
        assert set(figures) == {"event", "time"}
        assert set(figures["event"]) == {"precision", "recall", "f1", "kappa"}
        assert set(figures["time"]) == {"kappa", "agreement"}
    assert all(set(d) == {"start_ms", "end_ms", "first", "second"}
               for d in data["disagreements"])
    assert set(data["explanations"]) == {"event", "time", "per_code"}
    assert set(data["explanations"]["per_code"]) == set(data["per_code"])
    assert (data["matched"], data["first_count"], data["second_count"]) == (3, 4, 5)


# -- the edge cases that confuse users of other tools -----------------------------------


def test_no_events_at_all_gives_no_figures_and_says_why() -> None:
    result = compare([], [])
    data = result.to_json()
    assert data["event"] == {"precision": None, "recall": None, "f1": None, "kappa": None}
    assert data["time"] == {"kappa": None, "agreement": None}
    assert data["per_code"] == {}
    assert data["disagreements"] == []
    assert "Neither coder tagged any moments" in result.event.recall.explanation
    assert "no film to sample" in result.time.kappa.explanation
    # Given the film's length: every sample is "nothing tagged" for both, so they
    # agree everywhere (1.0), but chance agreement is complete too: no kappa.
    film = compare([], [], duration_ms=5000)
    assert film.time.agreement.value == 1.0
    assert film.time.kappa.value is None
    assert "(nothing tagged)" in film.time.kappa.explanation
    assert "agreement by chance is already complete" in film.time.kappa.explanation


def test_one_coder_empty() -> None:
    tagged = [E(0, 1000, A), E(2000, 3000, B), E(4000, 5000, A)]
    second_empty = compare(tagged, [])
    # precision = 0/0: undefined; recall 0/3; F1 = 2 x 0 / (3 + 0) = 0
    assert second_empty.event.precision.value is None
    assert "the second coder tagged no moments" in second_empty.event.precision.explanation
    assert second_empty.event.recall.value == 0.0
    assert "the second found none" in second_empty.event.recall.explanation
    assert second_empty.event.f1.value == 0.0
    assert second_empty.event.kappa.value is None
    assert "no pairs" in second_empty.event.kappa.explanation
    assert len(second_empty.disagreements) == 3
    assert all(d.second is None for d in second_empty.disagreements)
    first_empty = compare([], tagged)  # the other way round
    assert first_empty.event.recall.value is None
    assert first_empty.event.precision.value == 0.0
    assert first_empty.event.f1.value == 0.0


def test_a_code_only_one_coder_used() -> None:
    first = [E(0, 1000, A), E(2000, 3000, B)]
    second = [E(0, 1000, A), E(2000, 3000, A)]  # the second coder never uses B
    result = compare(first, second, frame_ms=1000)
    b = next(c for c in result.per_code if c.code == B)
    # B: precision = 0/0 (the second never used it): undefined; recall 0/1; F1 0
    assert b.event.precision.value is None
    assert "the second coder tagged no \u201cReceiving initiatives\u201d moments" in (
        b.event.precision.explanation)
    assert (b.event.recall.value, b.event.f1.value) == (0.0, 0.0)
    # "B or not" on the 2 pairs: first F T, second F F: agreed 1; first F1 T1,
    # second F2: S = 1 x 2 = 2; (1 x 2 - 2) / (4 - 2) = 0
    assert b.event.kappa.value == 0.0
    # B in time (samples 0, 1000, 2000): first - - B, second - - -: agree 2;
    # first off 2 on 1, second off 3: S = 6; (2 x 3 - 6) / (9 - 6) = 0
    assert b.time.agreement.value == pytest.approx(2 / 3)
    assert b.time.kappa.value == 0.0
    # Overall: pairs (A, A), (B, A): agreed 1; first A1 B1, second A2: S = 2; kappa 0
    assert result.event.kappa.value == 0.0


def test_spans_exactly_at_the_tolerance_match_and_one_ms_beyond_do_not() -> None:
    first = [E(1000, 3000, A)]
    assert compare(first, [E(1500, 3500, A)]).event.matched == 1  # 500 and 500: inclusive
    assert compare(first, [E(500, 2500, A)]).event.matched == 1
    assert compare(first, [E(1501, 3500, A)]).event.matched == 0  # start 501 apart
    assert compare(first, [E(1500, 3501, A)]).event.matched == 0  # end 501 apart
    assert compare(first, [E(1000, 2499, A)]).event.matched == 0
    # Spans that merely touch are not the same moment (start 2000 apart).
    assert compare(first, [E(3000, 5000, A)]).event.matched == 0
    # A tolerance of 0 asks for the very same span.
    assert compare(first, [E(1000, 3000, A)], tolerance_ms=0).event.matched == 1
    assert compare(first, [E(1000, 3001, A)], tolerance_ms=0).event.matched == 0


def greedy_nearest(first: Sequence[Event], second: Sequence[Event], tolerance: float) -> int:
    """What a simpler tool does: each first event takes its nearest free partner."""
    free = list(second)
    found = 0
    for a in first:
        near = [b for b in free if abs(a.start_ms - b.start_ms) <= tolerance
                and abs(a.end_ms - b.end_ms) <= tolerance]
        if near:
            free.remove(min(near, key=lambda b: abs(a.start_ms - b.start_ms)
                            + abs(a.end_ms - b.end_ms)))
            found += 1
    return found


def test_the_greedy_trap_is_solved_exactly() -> None:
    # first 1000-2000 is nearest to second 1200-2200 (200 + 200 = 400 away; second
    # 600-1600 is 400 + 400 = 800 away). Greedy gives it 1200-2200 and then first
    # 1500-2500 has nothing left (600-1600 is 900 away). Both can match: 1000-2000
    # with 600-1600, and 1500-2500 with 1200-2200 (300 + 300).
    first = [E(1000, 2000, A), E(1500, 2500, B)]
    second = [E(1200, 2200, B), E(600, 1600, A)]
    assert greedy_nearest(first, second, 500) == 1
    result = compare(first, second)
    assert result.event.matched == 2
    assert result.pairs == ((first[0], second[1]), (first[1], second[0]))
    assert result.event.kappa.value == 1.0  # (A, A) and (B, B)


def test_of_the_largest_matchings_the_closest_is_taken() -> None:
    # Both pairings match two: 0-1000/100-1100 + 400-1400/350-1350 differ by
    # 200 + 100 = 300 in all; the crossed pairing by 700 + 600 = 1300.
    first = [(0.0, 1000.0), (400.0, 1400.0)]
    second = [(350.0, 1350.0), (100.0, 1100.0)]
    assert match(first, second, 500) == [(0, 1), (1, 0)]
    # one first event, two candidates: the nearer one
    assert match([(1000.0, 2000.0)], [(1300.0, 2300.0), (1100.0, 2100.0)], 500) == [(0, 1)]


def best_by_trying_all(first: Sequence[Span], second: Sequence[Span],
                       tolerance: float) -> tuple[int, float]:
    """(pairs, total difference) of the best one-to-one matching, by trying them all."""

    def best(i: int, used: frozenset[int]) -> tuple[int, float]:
        if i == len(first):
            return 0, 0.0
        options = [best(i + 1, used)]
        for j, (start, end) in enumerate(second):
            gaps = abs(first[i][0] - start), abs(first[i][1] - end)
            if j not in used and max(gaps) <= tolerance:
                pairs, cost = best(i + 1, used | {j})
                options.append((pairs + 1, cost + sum(gaps)))
        return max(options, key=lambda option: (option[0], -option[1]))

    return best(0, frozenset())


_span = st.tuples(st.integers(0, 30), st.integers(0, 12)).map(
    lambda s: (s[0] * 100.0, (s[0] + s[1]) * 100.0))


@settings(max_examples=300, deadline=None)
@given(st.lists(_span, max_size=6), st.lists(_span, max_size=6), st.sampled_from([0, 300, 500]))
def test_the_matching_is_the_best_of_all_matchings(
    first: list[Span], second: list[Span], tolerance: int
) -> None:
    found = match(first, second, tolerance)
    assert len({i for i, _ in found}) == len({j for _, j in found}) == len(found)
    for i, j in found:
        assert abs(first[i][0] - second[j][0]) <= tolerance
        assert abs(first[i][1] - second[j][1]) <= tolerance
    cost = sum(abs(first[i][0] - second[j][0]) + abs(first[i][1] - second[j][1])
               for i, j in found)
    assert (len(found), cost) == best_by_trying_all(first, second, tolerance)


def test_both_coders_using_one_and_the_same_code() -> None:
    first = [E(0, 1000, A), E(2000, 3000, A)]
    second = [E(0, 1000, A), E(2000, 3000, A)]
    result = compare(first, second, frame_ms=1000)
    # Pairs (A, A), (A, A): agreed 2 of 2 but S = 2 x 2 = 4 = n^2: chance agreement is
    # complete, kappa = 0/0.
    assert result.event.kappa.value is None
    assert ("both coders used only one code, \u201cBeing attentive\u201d, so agreement by "
            "chance is already complete") in result.event.kappa.explanation
    assert result.disagreements == ()
    # In time they agree everywhere (samples 0 1 2: A - A for both) and "nothing
    # tagged" is a second label, so time kappa is defined: (3 x 3 - 5) / (9 - 5) = 1.
    assert result.time.agreement.value == 1.0
    assert result.time.kappa.value == 1.0
    # One moment each covering the whole film: one label everywhere, no time kappa.
    whole = compare([E(0, 4000, A)], [E(0, 4000, A)], frame_ms=1000)
    assert whole.time.agreement.value == 1.0
    assert whole.time.kappa.value is None
    assert "every instant the same one label" in whole.time.kappa.explanation


def test_kappa_can_fall_as_the_tolerance_widens() -> None:
    # Two moments that both coders saw the same way, and two where the second coder
    # tagged a neighbouring moment of the other kind 800 ms later. At 200 ms only
    # the first two match: pairs (A, A), (B, B): S = 1 + 1 = 2, (2 x 2 - 2) / (4 - 2) = 1.
    # At 1000 ms the late ones match too, each with the wrong code: pairs (A, A),
    # (B, B), (A, B), (B, A): agreed 2, S = 2 x 2 + 2 x 2 = 8, (2 x 4 - 8) / (16 - 8) = 0.
    # Recall rises from 0.5 to 1 while kappa falls from 1 to 0: kappa counts only
    # matched pairs, and a wider window adds the loose pairs that disagree.
    first = [E(0, 1000, A), E(3000, 4000, B), E(6000, 7000, A), E(9000, 10000, B)]
    second = [E(100, 1100, A), E(3100, 4100, B), E(6800, 7800, B), E(9800, 10800, A)]
    narrow = compare(first, second, tolerance_ms=200)
    wide = compare(first, second, tolerance_ms=1000)
    assert (narrow.event.recall.value, narrow.event.kappa.value) == (0.5, 1.0)
    assert (wide.event.recall.value, wide.event.kappa.value) == (1.0, 0.0)
    assert "within 200 ms" in narrow.event.kappa.explanation
    assert "within 1 second" in wide.event.kappa.explanation
    assert "a wider tolerance can pair up moments of different kinds and lower it" in (
        wide.event.kappa.explanation)


def test_where_events_overlap_the_one_starting_last_labels_the_instant() -> None:
    # first: A over 0-4000 with B inside it at 1000-2000: samples A B A A.
    # second: A over 0-4000: A A A A. Agree 3 of 4.
    result = compare([E(0, 4000, A), E(1000, 2000, B)], [E(0, 4000, A)], frame_ms=1000)
    assert result.time.agreement.value == 0.75
    # Listed the other way round, B still started last and still wins.
    flipped = compare([E(1000, 2000, B), E(0, 4000, A)], [E(0, 4000, A)], frame_ms=1000)
    assert flipped.time.agreement.value == 0.75
    # Per code, A is on wherever any A covers the instant: 4 of 4 for both.
    a = next(c for c in result.per_code if c.code == A)
    assert a.time.agreement.value == 1.0


def test_a_moment_with_several_codes_counts_for_each_of_them_per_code() -> None:
    first = [Event.coded(0, 1000, [C, A], ref=7)]
    second = [Event.coded(0, 1000, [A]), Event.coded(2000, 3000, [], ref="x")]
    assert first[0].code == f"{A} + {C}"  # sorted, so one set always reads the same
    assert second[1].code == NO_CODE
    result = compare(first, second, frame_ms=1000)
    codes = {c.code: c for c in result.per_code}
    assert set(codes) == {A, C, NO_CODE}
    assert codes[A].event.recall.value == 1.0
    # "A or not" on the one pair: both gave A (A + C counts as A too): no kappa.
    assert codes[A].event.kappa.value is None
    assert "both coders gave \u201cBeing attentive\u201d to all 1 moment" in (
        codes[A].event.kappa.explanation)
    assert codes[C].event.precision.value is None  # the second never used C
    # Overall the whole set is the label: "A + C" against "A" is a disagreement.
    assert [(d.first, d.second) for d in result.disagreements] == [
        (f"{A} + {C}", A), (None, NO_CODE)]
    assert result.disagreements[0].first_event is not None
    assert result.disagreements[0].first_event.ref == 7


@pytest.mark.parametrize(("first", "options", "says"), [
    ([], {"tolerance_ms": -1}, "tolerance must be zero or more"),
    ([], {"frame_ms": 0}, "sampling step must be more than 0"),
    ([], {"duration_ms": -5}, "length must be zero or more"),
    ([E(2000, 1000, A)], {}, "not a span of the film"),
    ([E(-10, 1000, A)], {}, "not a span of the film"),
    ([E(0, float("nan"), A)], {}, "not a span of the film"),
])
def test_impossible_input_is_refused_in_one_line(
    first: list[Event], options: dict[str, float], says: str
) -> None:
    with pytest.raises(VigtoolError, match=says) as caught:
        compare(first, [], **options)
    assert "\n" not in str(caught.value)
