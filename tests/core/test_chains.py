"""Serve-and-return chains: the dyad clip's known chains, and each rule on its own."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigtool.domain.chains import chain_stats, ordered_turns
from vigtool.domain.records import Actor, Turn, TurnKind
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import FrameOutOfRange
from vigtool.media.frame_index import build_frame_index

CLIPS = Path(__file__).resolve().parents[2] / "sample_clips"
C, A = Actor.CHILD, Actor.ADULT
INIT, REC, RESP = TurnKind.INITIATIVE, TurnKind.RECEPTION, TurnKind.RESPONSE
TIMES = FrameTimes(tuple(range(0, 40 * 1000, 40)), 40 * 1000)  # 25 fps, 40 s


def turns(*spec: tuple[int, Actor, TurnKind]) -> list[Turn]:
    return [Turn(i, 1, frame, actor, kind, "") for i, (frame, actor, kind) in enumerate(spec)]


def chain_ids(spec: list[Turn], **kwargs: int) -> list[list[int]]:
    return [[t.id for t in chain.turns] for chain in chain_stats(spec, TIMES, **kwargs).chains]


def test_the_dyad_clips_turns_form_the_truths_chains() -> None:
    truth = json.loads((CLIPS / "demo" / "dyad.truth.json").read_text())
    times = build_frame_index(CLIPS / "demo" / "dyad.mp4").times
    recorded = [
        Turn(t["id"], 7, t["start_frame"], Actor(t["actor"]), TurnKind(t["kind"]), "")
        for t in truth["turns"]
    ]
    random.Random(3).shuffle(recorded)
    for max_gap_ms in (2000, 3000, 5000):
        stats = chain_stats(recorded, times, max_gap_ms=max_gap_ms)
        assert [[t.id for t in c.turns] for c in stats.chains] == [
            c["turns"] for c in truth["chains"]
        ]
        for chain, want in zip(stats.chains, truth["chains"], strict=True):
            assert chain.initiator == Actor(want["initiator"])
            assert chain.start_frame == want["start_frame"]
            assert chain.start_ms == want["start_ms"]
        assert stats.longest_chain == 8
        assert [c.exchanges for c in stats.chains] == [5, 3, 4, 3]
    stats = chain_stats(recorded, times)
    # Each child serve is received 200 ms (5 frames) after it starts.
    assert stats.child_initiatives == 3
    assert stats.response_latencies_ms == (200, 200, 200)
    assert stats.median_latency_ms == 200.0


def test_strict_alternation_without_receptions_is_one_chain() -> None:
    spec = turns((10, C, INIT), (30, A, RESP), (50, C, RESP), (70, A, RESP))
    stats = chain_stats(spec, TIMES)
    assert chain_ids(spec) == [[0, 1, 2, 3]]
    assert stats.chains[0].exchanges == 4
    assert stats.longest_chain == 4


def test_receiving_then_responding_is_one_go() -> None:
    spec = turns((10, C, INIT), (15, A, REC), (20, A, REC), (40, A, RESP), (45, C, REC))
    stats = chain_stats(spec, TIMES)
    assert chain_ids(spec) == [[0, 1, 2, 3, 4]]
    assert stats.chains[0].exchanges == 3


def test_a_reception_after_ones_own_response_continues_the_chain() -> None:
    spec = turns((10, C, INIT), (30, A, RESP), (40, A, REC), (60, C, RESP))
    assert chain_ids(spec) == [[0, 1, 2, 3]]
    assert chain_stats(spec, TIMES).chains[0].exchanges == 3


def test_acting_twice_without_the_partners_turn_breaks_the_chain() -> None:
    spec = turns((10, C, INIT), (30, A, RESP), (50, A, RESP), (70, C, RESP))
    assert chain_ids(spec) == [[0, 1], [2, 3]]
    spec = turns((10, C, INIT), (20, C, RESP))
    assert chain_ids(spec) == [[0], [1]]


def test_a_new_serve_opens_a_new_chain() -> None:
    spec = turns((10, C, INIT), (20, A, RESP), (30, C, INIT), (40, A, REC))
    assert chain_ids(spec) == [[0, 1], [2, 3]]


def test_a_long_pause_breaks_the_chain() -> None:
    spec = turns((0, C, INIT), (75, A, RESP), (151, C, RESP))  # 3000 ms, then 3040 ms
    assert chain_ids(spec) == [[0, 1], [2]]
    assert chain_ids(spec, max_gap_ms=3040) == [[0, 1, 2]]
    assert chain_ids(spec, max_gap_ms=2999) == [[0], [1], [2]]


def test_the_gap_is_measured_in_ms_on_variable_frame_rate() -> None:
    # Frames 1 and 2 are a second apart: a phone that slowed down.
    vfr = FrameTimes((0, 40, 1040, 1080), 1120)
    spec = turns((1, C, INIT), (2, A, RESP))
    assert len(chain_stats(spec, vfr, max_gap_ms=999).chains) == 2
    assert len(chain_stats(spec, vfr, max_gap_ms=1000).chains) == 1


def test_at_one_frame_the_act_comes_before_its_reception() -> None:
    spec = turns((10, A, REC), (10, C, INIT), (30, A, RESP))
    stats = chain_stats(spec, TIMES)
    assert chain_ids(spec) == [[1, 0, 2]]
    assert stats.response_latencies_ms == (0,)
    assert [t.id for t in ordered_turns(spec)] == [1, 0, 2]


def test_response_latencies() -> None:
    spec = turns(
        (0, C, INIT),  # answered by the adult's reception 200 ms later
        (5, A, REC),
        (100, C, INIT),  # the adult takes an initiative of their own, then responds
        (110, A, INIT),
        (125, A, RESP),
        (300, C, INIT),  # unanswered: the next adult turn is 4 s away
        (400, A, RESP),
        (500, C, INIT),  # superseded by the child's next serve before any answer
        (510, C, INIT),
        (520, A, REC),
    )
    stats = chain_stats(spec, TIMES)
    assert stats.child_initiatives == 5
    assert stats.response_latencies_ms == (200, 1000, 400)
    assert stats.median_latency_ms == 400.0
    even = chain_stats(spec[:5], TIMES)
    assert even.median_latency_ms == 600.0


def test_no_turns() -> None:
    stats = chain_stats([], TIMES)
    assert stats.chains == ()
    assert stats.longest_chain == 0
    assert stats.response_latencies_ms == ()
    assert stats.median_latency_ms is None


def test_bad_input_is_refused() -> None:
    with pytest.raises(FrameOutOfRange):
        chain_stats(turns((1000, C, INIT)), TIMES)
    mixed = [Turn(1, 1, 0, C, INIT, ""), Turn(2, 2, 5, A, REC, "")]
    with pytest.raises(ValueError, match="one recording"):
        chain_stats(mixed, TIMES)
    with pytest.raises(ValueError, match="max_gap_ms"):
        chain_stats([], TIMES, max_gap_ms=-1)


turn_specs = st.lists(
    st.tuples(
        st.integers(0, 999), st.sampled_from(list(Actor)), st.sampled_from(list(TurnKind))
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(spec=turn_specs, max_gap_ms=st.integers(0, 5000))
def test_chains_partition_the_turns_in_order(
    spec: list[tuple[int, Actor, TurnKind]], max_gap_ms: int
) -> None:
    recorded = turns(*spec)
    stats = chain_stats(recorded, TIMES, max_gap_ms=max_gap_ms)
    flat = [t for chain in stats.chains for t in chain.turns]
    assert flat == ordered_turns(recorded)
    assert stats.longest_chain == max((len(c.turns) for c in stats.chains), default=0)
    for chain in stats.chains:
        assert chain.start_ms == TIMES.frame_to_ms(chain.start_frame)
        assert 1 <= chain.exchanges <= len(chain.turns)
        for before, after in zip(chain.turns, chain.turns[1:], strict=False):
            assert TIMES.frame_to_ms(after.frame) - TIMES.frame_to_ms(before.frame) <= max_gap_ms
            assert after.kind is not TurnKind.INITIATIVE
    for latency in stats.response_latencies_ms:
        assert 0 <= latency <= max_gap_ms
    shuffled = list(recorded)
    random.Random(len(spec)).shuffle(shuffled)
    assert chain_stats(shuffled, TIMES, max_gap_ms=max_gap_ms) == stats
