"""The ballots of a Meek count grouped by the path their weight takes, and distributed so.

In a Meek count a ballot's weight goes, in order of preference, to the elected candidates
it names before its first hopeful one, each keeping its share (its keep factor), then all
that is left to that hopeful candidate; excluded candidates are passed over, and weight
still left when the ranking ends is exhausted. A ballot's distribution therefore depends
only on its *path*: the elected candidates it passes through, in order, and where it ends
(a hopeful candidate, or nowhere). Ballots of the same path are counted together.

Paths form a tree: node 0 is the empty path, and each other node adds one elected
candidate to its parent's path. A *group* is a node with the end of its path (a hopeful
candidate, or n where the ranking runs out) and the number of ballots that take it. A
distribution works on the tree, one value per node, whatever the number of ballots. When
a candidate is elected or excluded, only the rows whose path ended at that candidate move
on along their rankings (`Piles`), and their groups are formed anew.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tauride.domain.tally.piles import Piles
from tauride.domain.tally.profile import IntArray
from tauride.domain.tally.single import float_weights, weighted_tally
from tauride.domain.tally.stv_common import AnyArray

HOPEFUL, ELECTED = 0, 1


def distinct_keys(keys: IntArray, bound: int) -> tuple[IntArray, IntArray]:
    """The distinct values of `keys` (all in 0 .. bound - 1), sorted, and where each key is."""
    if bound <= 4 * keys.shape[0] + 4096:
        # A table over the whole range: no sort.
        seen = np.zeros(bound, dtype=bool)
        seen[keys] = True
        distinct = np.flatnonzero(seen)
        where = np.zeros(bound, dtype=np.int64)
        where[distinct] = np.arange(distinct.shape[0])
        return distinct, where[keys]
    distinct, index = np.unique(keys, return_inverse=True)
    return distinct, index.reshape(-1)


class Paths:
    """The path tree of a Meek count, its groups of ballots, and the rows behind them.

    `state` holds each candidate's state (HOPEFUL, ELECTED, or another for excluded and
    withdrawn candidates, which are passed over); `refresh` must be given it whenever it
    has changed, before the next distribution.
    """

    def __init__(self, rankings: IntArray, counts: IntArray, state: AnyArray, dtype: Any) -> None:
        n = state.shape[0]
        self.n, self.base, self.dtype = n, n + 1, dtype
        self.weights = float_weights(counts)  # float64 where every sum of them is exact
        self.seen = state.copy()
        self.piles = Piles(rankings, n, self._stops(state))
        self.node = np.zeros(rankings.shape[0], dtype=np.int64)
        self.parent, self.last, self.depth = [0], [n], [0]
        self.children: dict[int, int] = {}
        # node * (n + 1) + end -> ballots; every row starts at node 0.
        firsts = weighted_tally(self.piles.holders(), self.weights, self.base)
        self.groups = {int(c): int(b) for c, b in enumerate(firsts.tolist()) if b}
        self._tables()

    def _stops(self, state: AnyArray) -> AnyArray:
        """Where a cursor rests: on a hopeful candidate, or on the blank that ends a ranking."""
        return np.append(state == HOPEFUL, True)

    def refresh(self, state: AnyArray) -> None:
        """Move on the rows of every candidate elected or excluded since the last call."""
        changed = np.flatnonzero(state != self.seen).tolist()
        if not changed:
            return
        stop = self._stops(state)
        elected = np.append(state == ELECTED, False)

        def passing(rows: IntArray, candidates: IntArray) -> None:
            through = elected[candidates]
            if through.any():
                rows = rows[through]
                self.node[rows] = self._children(self.node[rows], candidates[through])

        for c in changed:
            self.groups = {k: v for k, v in self.groups.items() if k % self.base != c}
            rows = self.piles.held_by(c)
            if rows.shape[0] == 0:
                continue
            if state[c] == ELECTED:
                self.node[rows] = self._children(self.node[rows], np.full(rows.shape[0], c))
            self._add_groups(rows, self.piles.advance(rows, stop, passing))
        self.seen = state.copy()
        self._tables()

    def _children(self, nodes: IntArray, candidates: IntArray) -> IntArray:
        """The node of each path extended by one elected candidate, made where new."""
        distinct, where = distinct_keys(
            nodes * self.base + candidates, len(self.parent) * self.base
        )
        ids = np.empty(distinct.shape[0], dtype=np.int64)
        for j, key in enumerate(distinct.tolist()):
            child = self.children.get(key)
            if child is None:
                child = self.children[key] = len(self.parent)
                parent, last = divmod(key, self.base)
                self.parent.append(parent)
                self.last.append(last)
                self.depth.append(self.depth[parent] + 1)
            ids[j] = child
        found: IntArray = ids[where]
        return found

    def _add_groups(self, rows: IntArray, ends: IntArray) -> None:
        keys = self.node[rows] * self.base + ends
        bound = len(self.parent) * self.base
        if bound <= 4 * keys.shape[0] + 4096:
            sums = weighted_tally(keys, self.weights[rows], bound)
            distinct = np.flatnonzero(sums)
            sums = sums[distinct]
        else:
            distinct, where = distinct_keys(keys, bound)
            sums = weighted_tally(where, self.weights[rows], distinct.shape[0])
        for key, ballots in zip(distinct.tolist(), sums.tolist(), strict=True):
            self.groups[key] = self.groups.get(key, 0) + ballots

    def _tables(self) -> None:
        """The arrays a distribution reads: the tree by depth, and the groups."""
        self.parents = np.asarray(self.parent, dtype=np.int64)
        self.lasts = np.asarray(self.last, dtype=np.int64)
        depth = np.asarray(self.depth, dtype=np.int64)
        self.levels = [np.flatnonzero(depth == d) for d in range(1, int(depth.max()) + 1)]
        keys = np.fromiter(self.groups, dtype=np.int64, count=len(self.groups))
        ballots = np.asarray(list(self.groups.values()), dtype=self.dtype)
        nodes, ends = np.divmod(keys, self.base)
        # Ballots passing through each node: its own groups', then its descendants'.
        self.through = np.zeros(len(self.parent), dtype=self.dtype)
        np.add.at(self.through, nodes, ballots)
        for level in reversed(self.levels):
            np.add.at(self.through, self.parents[level], self.through[level])
        ending = ends < self.n
        self.ends, self.end_nodes, self.end_ballots = ends[ending], nodes[ending], ballots[ending]

    def distribute(self, keep: AnyArray, one: int) -> list[int]:
        """Every candidate's votes, in units, under the keep factors `keep` (B.2.a).

        Along a path each elected candidate keeps the weight arriving x its keep factor,
        rounded up to the unit; the hopeful candidate at the end receives what is left.
        """
        size = len(self.parent)
        left: AnyArray = np.zeros(size, dtype=self.dtype)
        kept: AnyArray = np.zeros(size, dtype=self.dtype)
        left[0] = one
        for level in self.levels:
            arriving = left[self.parents[level]]
            share = (arriving * keep[self.lasts[level]] + (one - 1)) // one
            kept[level] = share
            # Rounded up, a share can pass what arrived (a keep factor above one, at few
            # decimals): the ballot is then spent, and passes nothing on.
            left[level] = np.maximum(arriving - share, 0)
        votes: AnyArray = np.zeros(self.n + 1, dtype=self.dtype)
        np.add.at(votes, self.lasts[1:], kept[1:] * self.through[1:])
        np.add.at(votes, self.ends, left[self.end_nodes] * self.end_ballots)
        return [int(v) for v in votes[: self.n].tolist()]
