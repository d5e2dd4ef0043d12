"""Serve-and-return chains: which tagged turns form one unbroken back-and-forth.

VIG's attuned-interaction cycle is child's initiative -> adult's reception ->
adult's response -> child's reception -> child's response ..., and a long
unbroken chain of such turns is what a practitioner hopes to find and show.
This module finds the chains in a recording's turns and measures them. It
is pure: turns and frame times in, frozen records out.

The rule, as a practitioner reads the tags:

* Turns are taken in frame order. At one frame, an initiative or response
  comes before a reception (the reception is of it).
* A chain alternates between the partners. One partner's consecutive turns
  form one *go*: receiving and then responding ("receiving and then
  responding" is one element of Developing attuned interactions), or
  receiving twice (a look, then a smile). So a same-actor turn continues the
  chain when it is a reception, or the partner's one initiative/response
  after receptions; it does not count as a new exchange.
* A chain breaks when
  - the next turn comes more than ``max_gap_ms`` after the previous one
    (turns are points in time: the gap is between the frames they were
    tagged at);
  - the next turn is an initiative: a new serve opens a new chain;
  - the same partner takes a second initiative/response in one go: the
    other partner did not take a turn (not even a reception), so the ball
    was not returned; the second one opens a new chain.
* Every turn belongs to exactly one chain; a lone turn is a chain of one
  (an unanswered serve, say), so ``chains`` partitions ``turns``.

``exchanges`` counts goes: C init | A rec, A resp | C rec, C resp is 3.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from vigtool.domain.records import Actor, Turn, TurnKind
from vigtool.domain.timebase import FrameTimes

DEFAULT_MAX_GAP_MS = 3000

_ACTING = (TurnKind.INITIATIVE, TurnKind.RESPONSE)
# At one frame, the act comes before the reception of it.
_KIND_ORDER = {TurnKind.INITIATIVE: 0, TurnKind.RESPONSE: 1, TurnKind.RECEPTION: 2}


@dataclass(frozen=True)
class Chain:
    """One unbroken serve-and-return chain, turns in order."""

    turns: tuple[Turn, ...]
    exchanges: int
    start_ms: int
    end_ms: int

    @property
    def initiator(self) -> Actor:
        return self.turns[0].actor

    @property
    def start_frame(self) -> int:
        return self.turns[0].frame

    @property
    def end_frame(self) -> int:
        return self.turns[-1].frame

    @property
    def turn_count(self) -> int:
        return len(self.turns)


@dataclass(frozen=True)
class ChainStats:
    """Chains and timing of one recording's turns.

    ``longest_chain`` is the number of turns in the longest chain (0 without
    turns). ``response_latencies_ms`` holds, for each child initiative the
    adult answered, the ms until the adult's first reception or response
    (within ``max_gap_ms`` and before the child's next initiative), in frame
    order; ``child_initiatives`` counts all of them, answered or not.
    """

    chains: tuple[Chain, ...]
    longest_chain: int
    response_latencies_ms: tuple[int, ...]
    median_latency_ms: float | None
    child_initiatives: int


def ordered_turns(turns: Sequence[Turn]) -> list[Turn]:
    """Turns in the order the chain rule reads them (see the module docstring)."""
    return sorted(turns, key=lambda t: (t.frame, _KIND_ORDER[t.kind], t.id))


def chain_stats(
    turns: Sequence[Turn], times: FrameTimes, *, max_gap_ms: int = DEFAULT_MAX_GAP_MS
) -> ChainStats:
    """Find the chains in one recording's ``turns`` and measure response times.

    Raises FrameOutOfRange if a turn's frame is not in ``times``, ValueError
    if the turns come from more than one recording or ``max_gap_ms`` < 0.
    """
    if max_gap_ms < 0:
        raise ValueError("max_gap_ms must not be negative")
    if len({t.recording_id for t in turns}) > 1:
        raise ValueError("chain statistics need the turns of one recording")
    ordered = ordered_turns(turns)
    at_ms = [times.frame_to_ms(t.frame) for t in ordered]
    chains = _chains(ordered, at_ms, max_gap_ms)
    latencies = _latencies(ordered, at_ms, max_gap_ms)
    return ChainStats(
        chains=chains,
        longest_chain=max((c.turn_count for c in chains), default=0),
        response_latencies_ms=latencies,
        median_latency_ms=float(statistics.median(latencies)) if latencies else None,
        child_initiatives=sum(
            1 for t in ordered if t.actor is Actor.CHILD and t.kind is TurnKind.INITIATIVE
        ),
    )


def _continues(go: Sequence[Turn], turn: Turn) -> bool:
    """Whether ``turn`` carries on a chain whose current go is ``go`` (gap aside)."""
    if turn.kind is TurnKind.INITIATIVE:
        return False
    if turn.actor is not go[-1].actor:
        return True
    return turn.kind is TurnKind.RECEPTION or not any(t.kind in _ACTING for t in go)


def _current_go(ordered: Sequence[Turn], chain: Sequence[int]) -> list[Turn]:
    """The chain's trailing turns by the partner who took the last one."""
    actor = ordered[chain[-1]].actor
    start = len(chain) - 1
    while start > 0 and ordered[chain[start - 1]].actor is actor:
        start -= 1
    return [ordered[i] for i in chain[start:]]


def _chains(ordered: list[Turn], at_ms: list[int], max_gap_ms: int) -> tuple[Chain, ...]:
    groups: list[list[int]] = []
    for i, turn in enumerate(ordered):
        if groups:
            last = groups[-1]
            within_gap = at_ms[i] - at_ms[last[-1]] <= max_gap_ms
            go = _current_go(ordered, last)
            if within_gap and _continues(go, turn):
                last.append(i)
                continue
        groups.append([i])
    chains: list[Chain] = []
    for group in groups:
        members = tuple(ordered[i] for i in group)
        changes = sum(1 for a, b in itertools.pairwise(members) if a.actor is not b.actor)
        chains.append(Chain(members, changes + 1, at_ms[group[0]], at_ms[group[-1]]))
    return tuple(chains)


def _latencies(ordered: list[Turn], at_ms: list[int], max_gap_ms: int) -> tuple[int, ...]:
    latencies: list[int] = []
    for i, turn in enumerate(ordered):
        if turn.actor is not Actor.CHILD or turn.kind is not TurnKind.INITIATIVE:
            continue
        for later, ms in zip(ordered[i + 1 :], at_ms[i + 1 :], strict=True):
            if ms - at_ms[i] > max_gap_ms:
                break
            if later.actor is Actor.CHILD and later.kind is TurnKind.INITIATIVE:
                break  # the adult's answer, if any, belongs to the newer serve
            if later.actor is Actor.ADULT and later.kind is not TurnKind.INITIATIVE:
                latencies.append(ms - at_ms[i])
                break
    return tuple(latencies)
