"""Where each distinct ranking stands in a transferable count, and how it moves on.

A transfer moves only the ballots of the candidate just elected or excluded. `Piles`
keeps, for every row of a profile, a cursor on the candidate that holds it, so that a
transfer reads the rows of one candidate and moves each of them on from where it stands:
the work of a round is the rows that actually move, not every preference of every row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from tauride.domain.tally.profile import NO_CANDIDATE, IntArray

BoolArray = npt.NDArray[np.bool_]
Passing = Callable[[IntArray, IntArray], None]
_WHOLE_ROWS = 1 << 16  # cells below which the rows to move are read whole (`Piles._jump`)


def narrow_dtype(n: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer type that holds -1 .. n."""
    if n < 2**7:
        return np.int8
    if n < 2**15:
        return np.int16
    return np.int64


class Piles:
    """A cursor per ranking on the candidate that holds it.

    `stop` (n + 1 entries, the last for the blank that ends a ranking, always True) says
    on which candidates a cursor may rest; the others are passed over. A cursor only
    moves forward: a candidate passed over must never become a place to stop again, and
    rows are advanced only once their holder is no longer one.
    """

    def __init__(self, rankings: IntArray, n: int, stop: BoolArray) -> None:
        m, width = rankings.shape
        self.n = n
        dtype = narrow_dtype(n)
        # A narrow copy with a closing blank column: a cursor never leaves its row, and the
        # blank (-1) indexes the last entry of `stop`.
        table = np.empty((m, width + 1), dtype=dtype)
        table[:, :width] = rankings
        table[:, width] = NO_CANDIDATE
        self.width = width + 1
        self.table = table.reshape(-1)
        self.rankings = rankings
        self.cell = np.arange(0, m * self.width, self.width, dtype=np.int64)
        # The candidate under each cursor: -1 once the ranking is exhausted.
        self.top = table[:, 0].copy()
        if not stop.all():
            self._walk(np.flatnonzero(~np.take(stop, self.top)), stop, None)

    def holders(self) -> IntArray:
        """The candidate holding each row, n where the ranking is exhausted."""
        return np.where(self.top < 0, self.n, self.top).astype(np.int64)

    def held_by(self, candidate: int) -> IntArray:
        """The rows `candidate` holds."""
        return np.flatnonzero(self.top == candidate)

    def advance(self, rows: IntArray, stop: BoolArray, passing: Passing | None = None) -> IntArray:
        """Move the given rows on to the next candidate they may stop on; their new holders.

        `passing(rows, candidates)` is told of every candidate passed over on the way. A
        row with no such candidate left is exhausted: its holder is n.
        """
        self._walk(rows, stop, passing)
        tops = self.top[rows]
        return np.where(tops < 0, self.n, tops).astype(np.int64)

    def _walk(self, rows: IntArray, stop: BoolArray, passing: Passing | None) -> None:
        few = rows.shape[0] * self.width <= _WHOLE_ROWS
        if passing is None and few and self.rankings.shape[1]:
            self._jump(rows, stop)
            return
        cells = self.cell[rows]
        while True:
            cells += 1
            found = self.table[cells]
            # np.take: indexing by a narrow integer array is several times slower.
            rests = np.take(stop, found)
            # Every row is written; those that go on are written again further on.
            self.cell[rows] = cells
            self.top[rows] = found
            if rests.all():
                return
            going = ~rests
            rows, cells = rows[going], cells[going]
            if passing is not None:
                passing(rows, found[going].astype(np.int64))

    def _jump(self, rows: IntArray, stop: BoolArray) -> None:
        """Move a few rows at once: read the rest of each row, and rest on the first stop.

        For few rows a step-by-step walk costs more in calls than in reading. The rows are
        read from the given rankings (wide integers index `stop` fastest).
        """
        at = np.arange(rows.shape[0])
        block = self.rankings[rows]
        # No candidate up to the cursor is a place to stop any more (see the class): the
        # first place in the whole row is the next one.
        rests = stop[block]
        place = rests.argmax(axis=1)
        resting = rests[at, place]
        # A row with no place left rests on the closing blank.
        self.cell[rows] = rows * self.width + np.where(resting, place, block.shape[1])
        self.top[rows] = np.where(resting, block[at, place], NO_CANDIDATE)
