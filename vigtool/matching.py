"""Exact one-to-one matching of two lists of spans within a tolerance.

Used by ``vigtool.agreement`` (two coders' events). Greedy nearest-first pairing
can find fewer pairs than there are (an event takes the partner another one
needed), so this solves it exactly: the spans are split into groups that can
reach each other, and each group is an assignment problem solved by the
Hungarian method, where an impossible pair costs more than any set of possible
pairs can. A film's groups are small (a handful of events close in time), so
the O(n^3) solver stays fast. Pure Python; any thread.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

Span = tuple[float, float]


def match(first: Sequence[Span], second: Sequence[Span],
          tolerance: float) -> list[tuple[int, int]]:
    """Indices (i into first, j into second) of a one-to-one matching of spans
    whose starts and whose ends each differ by at most ``tolerance``: the most
    pairs, and among those the smallest total start + end difference."""
    order = sorted(range(len(second)), key=lambda j: second[j][0])
    starts = [second[j][0] for j in order]
    cost: dict[tuple[int, int], float] = {}
    for i, (a_start, a_end) in enumerate(first):
        low = bisect_left(starts, a_start - tolerance - 1)
        high = bisect_right(starts, a_start + tolerance + 1)
        for j in order[low:high]:
            b_start, b_end = second[j]
            start_gap, end_gap = abs(a_start - b_start), abs(a_end - b_end)
            if start_gap <= tolerance and end_gap <= tolerance:
                cost[i, j] = start_gap + end_gap
    parent = list(range(len(first) + len(second)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for i, j in cost:
        parent[root(i)] = root(len(first) + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i, j in cost:
        groups.setdefault(root(i), []).append((i, j))
    pairs: list[tuple[int, int]] = []
    for edges in groups.values():
        rows, cols = sorted({i for i, _ in edges}), sorted({j for _, j in edges})
        # An impossible pair costs more than any set of possible pairs can, so the
        # cheapest assignment has the most possible pairs, then the smallest total.
        big = 2 * tolerance * min(len(rows), len(cols)) + 1
        table = [[cost.get((i, j), big) for j in cols] for i in rows]
        if len(rows) <= len(cols):
            chosen = [(rows[r], cols[c]) for r, c in enumerate(_assignment(table))]
        else:
            flipped = [list(column) for column in zip(*table, strict=True)]
            chosen = [(rows[r], cols[c]) for c, r in enumerate(_assignment(flipped))]
        pairs += [pair for pair in chosen if pair in cost]
    return sorted(pairs)


def _assignment(cost: list[list[float]]) -> list[int]:
    """For each row its column, with the smallest total cost (rows <= columns):
    the Hungarian method with potentials, O(rows^2 x columns)."""
    rows, cols = len(cost), len(cost[0])
    u, v = [0.0] * (rows + 1), [0.0] * (cols + 1)
    owner, way = [0] * (cols + 1), [0] * (cols + 1)
    for row in range(1, rows + 1):
        owner[0], col0 = row, 0
        slack, used = [math.inf] * (cols + 1), [False] * (cols + 1)
        while owner[col0]:
            used[col0] = True
            row0, delta, col1 = owner[col0], math.inf, 0
            for col in range(1, cols + 1):
                if not used[col]:
                    reduced = cost[row0 - 1][col - 1] - u[row0] - v[col]
                    if reduced < slack[col]:
                        slack[col], way[col] = reduced, col0
                    if slack[col] < delta:
                        delta, col1 = slack[col], col
            for col in range(cols + 1):
                if used[col]:
                    u[owner[col]] += delta
                    v[col] -= delta
                else:
                    slack[col] -= delta
            col0 = col1
        while col0:
            col1 = way[col0]
            owner[col0] = owner[col1]
            col0 = col1
    column_of = {owner[col] - 1: col - 1 for col in range(1, cols + 1) if owner[col]}
    return [column_of[row] for row in range(rows)]
