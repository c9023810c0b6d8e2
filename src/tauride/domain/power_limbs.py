"""Coalitions counted by size and weight in multi-limb integers, for the Shapley–Shubik index.

The table T[k][s] of coalitions of k players weighing s (below the quota) grows one player
at a time: a player of weight w adds row k, shifted w columns on, to row k + 1. Its counts
run to hundreds of bits. Each is held exactly in limbs of 48 bits, low limb first, one
uint64 word per limb, and an addition adds limb to limb without passing carries on
(carry-save): a word has 16 bits of headroom, so 15 players are added before the carries
are settled one limb up. A row k holds only the limbs that C(n, k) needs, and only the
weights a coalition of k players can have (from the k lightest to the k heaviest); every
addition is one NumPy addition over contiguous words.

From the finished table, the coalitions that make a player of weight w critical (of the
others, weighing q - w .. q - 1) are counted per size by dividing the player's factor
(1 + y·x^w) back out: alternating sums of blocks of w columns, each block one row further
up (see `power._alternating_blocks`), taken here on running sums of each limb split into
24-bit halves, whose sums stay exact in int64.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

LIMB = 48  # bits of a settled limb
_HEADROOM = 15  # additions between settlements: (2^48 + 2^16) * 2^15 < 2^64
_MASK = np.uint64((1 << LIMB) - 1)
_SHIFT = np.uint64(LIMB)
_DIGIT = 24  # bits of a half limb in the running sums
MAX_LIMB_BYTES = 3 << 29  # 1.5 GiB: a larger table is counted modulo primes in turns instead

Words = npt.NDArray[np.uint64]
Int64s = npt.NDArray[np.int64]


@dataclass
class _Row:
    """Row k of the table: its limbs (limb, weight - low) and the weights filled so far."""

    low: int
    cells: Words
    first: int  # least weight counted so far; first > last while the row is empty
    last: int


def table_bytes(weights: Sequence[int], quota: int, rows: int) -> int:
    """Bytes the limb table of this game takes."""
    return sum(8 * limbs * (high - low + 1) for low, high, limbs in _shape(weights, quota, rows))


def _shape(weights: Sequence[int], quota: int, rows: int) -> list[tuple[int, int, int]]:
    """Per size k < rows that can weigh less than the quota: its least and greatest weight
    below the quota, and the limbs its counts need."""
    players = sorted(w for w in weights if w < quota)
    n = len(players)
    shape = []
    light = heavy = 0
    for k in range(min(rows, n + 1)):
        if light >= quota:
            break  # no coalition this large weighs less than the quota
        limbs = max(1, -(-math.comb(n, k).bit_length() // LIMB))
        shape.append((light, min(heavy, quota - 1), limbs))
        if k < n:
            light += players[k]
            heavy += players[n - 1 - k]
    return shape


def size_weight_table(weights: Sequence[int], quota: int, rows: int) -> list[_Row]:
    """Tabulate the coalitions of all players by size (< rows) and weight (< quota), exactly.

    Players are added heaviest first: their coalitions pass the quota soonest, so the
    filled part of each row stays narrow longest (for 1,000 weights 1..100, 30% fewer
    words added than lightest first). Rows are updated from the top down, so that no row is read
    after it was written.
    """
    shape = _shape(weights, quota, rows)
    table = [
        _Row(low, np.zeros((limbs, high - low + 1), dtype=np.uint64), quota, -1)
        for low, high, limbs in shape
    ]
    table[0].cells[0, 0] = 1
    table[0].first = table[0].last = 0
    top = len(table) - 1
    pending = 0
    for added, w in enumerate(sorted((w for w in weights if w < quota), reverse=True)):
        for k in range(min(added, top - 1), -1, -1):
            source, target = table[k], table[k + 1]
            last = min(source.last, quota - 1 - w)
            if last < source.first:
                continue
            limbs = min(source.cells.shape[0], target.cells.shape[0])
            # The count of a source cell never exceeds C(n, k + 1) (it is added into one):
            # limbs the target row lacks are zero there.
            into = target.cells[:limbs, source.first + w - target.low : last + w - target.low + 1]
            into += source.cells[:limbs, source.first - source.low : last - source.low + 1]
            target.first = min(target.first, source.first + w)
            target.last = max(target.last, last + w)
        pending += 1
        if pending == _HEADROOM:
            pending = 0
            for row in table:
                _settle(row, once=True)
    for row in table:
        _settle(row, once=False)
    return table


def _settle(row: _Row, *, once: bool) -> None:
    """Pass the carries one limb up: all at once (limbs stay below 2^48 + 2^16), or in turn.

    The top limb never carries: a count of row k is below 2^(48·limbs).
    """
    if row.cells.shape[0] == 1 or row.last < row.first:
        return
    cells = row.cells[:, row.first - row.low : row.last - row.low + 1]
    if once:
        carry = cells[:-1] >> _SHIFT
        cells[:-1] &= _MASK
        cells[1:] += carry
        return
    for limb in range(cells.shape[0] - 1):
        carry = cells[limb] >> _SHIFT
        cells[limb] &= _MASK
        cells[limb + 1] += carry


def critical_by_size(
    table: list[_Row], quota: int, rows: int, distinct: Sequence[int]
) -> dict[int, list[int]]:
    """Per weight w, how many coalitions of the others, by size, make a player of weight w critical.

    C_w[k] = sum_j (-1)^j (T[k - j] summed over quota - (j+1)·w <= s < quota - j·w): the
    table's j-th block of w columns below the quota, j rows up. Row k's blocks count for
    sizes k + j; all weights' blocks of a row are gathered at once.
    """
    depth = 2 * max(row.cells.shape[0] for row in table)
    weights = np.asarray([w for w in distinct if w > 0], dtype=np.int64)
    # sums[w_index * rows + k] holds C_w[k] in signed base-2^24 digits, least first.
    sums = np.zeros((weights.shape[0] * rows, depth), dtype=np.int64)
    low_half = np.uint64((1 << _DIGIT) - 1)
    for k, row in enumerate(table):
        if row.last < row.first or weights.shape[0] == 0:
            continue
        limbs, width = row.cells.shape
        # running[i] sums each half limb over the weights below row.low + i.
        running = np.empty((width + 1, 2 * limbs), dtype=np.int64)
        running[0] = 0
        running[1:, 0::2] = (row.cells & low_half).T
        running[1:, 1::2] = (row.cells >> np.uint64(_DIGIT)).T
        np.cumsum(running, axis=0, out=running)
        # Blocks reaching below the row's least weight hold nothing.
        blocks = np.minimum(rows - k, (quota - row.low + weights - 1) // weights)
        which = np.repeat(np.arange(weights.shape[0]), blocks)
        j = np.arange(which.shape[0]) - np.repeat(np.cumsum(blocks) - blocks, blocks)
        top = quota - row.low - j * weights[which]
        upper = np.clip(top, 0, width)
        lower = np.clip(top - weights[which], 0, width)
        odd = j % 2 == 1  # subtracted: the ends swap
        part = running[np.where(odd, lower, upper)] - running[np.where(odd, upper, lower)]
        sums[which * rows + k + j, : 2 * limbs] += part
    counts = _integers(sums.reshape(weights.shape[0], rows, depth))
    found = {int(w): counts[index] for index, w in enumerate(weights.tolist())}
    return {w: found.get(w, [0] * rows) for w in distinct}


def _integers(sums: Int64s) -> list[list[int]]:
    """The integers whose base-2^24 digits (with signs and carries) run along the last axis."""
    sums = sums.copy()
    base = np.int64(_DIGIT)
    for digit in range(sums.shape[-1] - 1):
        carry = sums[..., digit] >> base  # floor: a negative digit borrows
        sums[..., digit] -= carry << base
        sums[..., digit + 1] += carry
    if (sums[..., -1] >> base).any() or (sums < 0).any():
        raise ArithmeticError("a count left the range of its limbs")
    # Three bytes per digit, least significant first, one integer per (weight, size).
    data = np.empty((*sums.shape, 3), dtype=np.uint8)
    for byte in range(3):
        data[..., byte] = (sums >> np.int64(8 * byte)) & 0xFF
    raw = data.reshape(sums.shape[0], sums.shape[1], -1)
    return [[int.from_bytes(cell.tobytes(), "little") for cell in by_size] for by_size in raw]
