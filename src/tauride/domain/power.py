"""Voting power in weighted voting games: exact Banzhaf and Shapley–Shubik indices.

In the game [quota; w1, ..., wn] a coalition wins when its weights add up to the quota. A
player is *critical* for a coalition S of the others when S loses and S with the player
wins. Banzhaf counts those coalitions (swings); Shapley–Shubik counts the orderings of all
players in which the player is the one who first brings the running total to the quota.

Both are counted exactly from generating functions, never by enumeration. The coalitions
of all players are tabulated by total weight (and by size, for Shapley–Shubik) below the
quota, once; a player's share is then read off by dividing the player's factor
(1 + y·x^w) back out, which for the counts needed reduces to alternating sums of blocks
of that table. The counts exceed 64 bits. Banzhaf's table (by weight alone) is kept
modulo several moduli (2^64, where uint64 arithmetic wraps by itself, and odd numbers below
2^63, where a sum of two residues still fits), one table per modulus in turn, and the
results are rebuilt exactly by the Chinese remainder theorem. Shapley–Shubik's table (by
size and weight) is kept exactly in multi-limb integers (`power_limbs`), one addition per
limb and player, where its memory allows; a larger one goes modulo primes as Banzhaf's.
Players of equal weight have equal power and are counted once. A coalition S of the others
makes a player of weight w critical when q - w <= w(S) < q, that is when its complement S'
does for the dual quota W - q + 1; the table is kept below the cheaper one.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from tauride.domain.power_limbs import (
    MAX_LIMB_BYTES,
    critical_by_size,
    size_weight_table,
    table_bytes,
)

BANZHAF = "banzhaf"
SHAPLEY_SHUBIK = "shapley-shubik"
INDICES = (BANZHAF, SHAPLEY_SHUBIK)

_WRAP = 0  # stands for the modulus 2^64 in the moduli lists: uint64 arithmetic wraps by itself
_HALF = 32
_CHUNK_CELLS = 1 << 24  # table cells (8 bytes each) held at once: moduli beyond go in turns
MAX_EXACT_CELLS = 1 << 25  # cells of one modulus's table (256 MiB) an exact count may take

Int64s = npt.NDArray[np.int64]
UInt64s = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class PowerResult:
    """Exact power of each player, in input order.

    `values` are normalized (they sum to 1). `raw` are integers: for Banzhaf the number of
    coalitions of the other players for which the player is critical (swings); for
    Shapley–Shubik the number of orderings of all n players in which the player is pivotal,
    so that they sum to n! and `values` are `raw / n!`.
    """

    index: str
    values: tuple[Fraction, ...]
    raw: tuple[int, ...]


def bloc_weights(
    members: Mapping[str, int] | Iterable[tuple[str, int]],
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Decide the game of a body voting in blocs: each bloc's name and its summed weight.

    `members` maps a bloc (delegation, faction) to its weight, or lists (bloc, weight)
    pairs, one per delegate, whose weights are summed per bloc in order of first appearance.
    """
    pairs = members.items() if isinstance(members, Mapping) else members
    blocs: dict[str, int] = {}
    for name, given in pairs:
        weight = operator.index(given)
        if weight < 0:
            raise ValueError(f"bloc {name!r}: weight must not be negative ({weight})")
        blocs[name] = blocs.get(name, 0) + weight
    if not blocs:
        raise ValueError("a game needs at least one bloc")
    return tuple(blocs), tuple(blocs.values())


def majority_quota(
    total: int, threshold: Fraction | int | str = Fraction(1, 2), *, at_least: bool = False
) -> int:
    """Decide the least winning weight: more than `threshold` of `total`, or at least it.

    More than half of 7 is 4 (floor(total/2) + 1); at least two-thirds of 7 is 5
    (ceil(2/3 · 7)); unanimity is `threshold=1, at_least=True`.
    """
    share = Fraction(threshold)
    if not 0 < share <= 1:
        raise ValueError(f"threshold must lie in (0, 1], not {share}")
    if total <= 0:
        raise ValueError(f"total weight must be positive, not {total}")
    exact = share * total
    quota = math.ceil(exact) if at_least else math.floor(exact) + 1
    if quota > total:
        raise ValueError(f"more than {share} of {total} cannot be reached")
    return quota


def banzhaf(weights: Sequence[int], quota: int) -> PowerResult:
    """Decide the exact normalized Banzhaf index and each player's swings."""
    given = checked_weights(weights, quota)
    reduced, q = _reduced(given, quota)
    q = min(q, sum(reduced) - q + 1)
    distinct = sorted(set(reduced))
    sums = _critical_counts(reduced, q, 1, distinct, _moduli(len(given)))
    swings = {w: sums[w][0] for w in distinct}
    raw = tuple(swings[w] for w in reduced)
    total = sum(raw)
    return PowerResult(BANZHAF, tuple(Fraction(r, total) for r in raw), raw)


def shapley_shubik(weights: Sequence[int], quota: int) -> PowerResult:
    """Decide the exact normalized Shapley–Shubik index and each player's pivotal orderings."""
    given = checked_weights(weights, quota)
    reduced, q = _reduced(given, quota)
    n = len(reduced)
    # Tabulate below whichever of quota and dual quota makes the smaller (size, weight) table.
    q = min(q, sum(reduced) - q + 1, key=lambda c: (_largest_losing_size(reduced, c) + 1) * c)
    rows = _largest_losing_size(reduced, q) + 1
    distinct = sorted(set(reduced))
    if rows * q <= MAX_EXACT_CELLS and table_bytes(reduced, q, rows) <= MAX_LIMB_BYTES:
        by_size = critical_by_size(size_weight_table(reduced, q, rows), q, rows, distinct)
    else:
        by_size = _critical_counts(reduced, q, rows, distinct, _moduli(n))
    factorial = [1] * (n + 1)
    for k in range(1, n + 1):
        factorial[k] = factorial[k - 1] * k
    pivots = {
        w: sum(c * factorial[k] * factorial[n - 1 - k] for k, c in enumerate(by_size[w]) if c)
        for w in distinct
    }
    raw = tuple(pivots[w] for w in reduced)
    # Every ordering has exactly one pivot: a wrong count cannot pass this unnoticed.
    assert sum(raw) == factorial[n]
    return PowerResult(SHAPLEY_SHUBIK, tuple(Fraction(r, factorial[n]) for r in raw), raw)


def checked_weights(weights: Sequence[int], quota: int) -> list[int]:
    """Decide the weights of a valid game, or refuse it: a game nobody can win is refused."""
    if len(weights) == 0:
        raise ValueError("a game needs at least one player")
    given = [operator.index(w) for w in weights]
    for player, weight in enumerate(given, start=1):
        if weight < 0:
            raise ValueError(f"weight of player {player} must not be negative ({weight})")
    quota = operator.index(quota)
    if quota <= 0:
        raise ValueError(f"quota must be positive, not {quota}")
    if quota > sum(given):
        raise ValueError(f"quota {quota} exceeds the total weight {sum(given)}: nobody can win")
    return given


def _reduced(weights: list[int], quota: int) -> tuple[list[int], int]:
    """Decide the same game with weights divided by their greatest common divisor.

    Every coalition weight is then a multiple of g, so reaching q is reaching ceil(q/g).
    """
    g = math.gcd(*weights)
    return [w // g for w in weights], -(-quota // g)


def _largest_losing_size(weights: Sequence[int], quota: int) -> int:
    """Decide the most players a coalition can hold and still weigh less than `quota`."""
    running = 0
    for size, weight in enumerate(sorted(weights)):
        running += weight
        if running >= quota:
            return size
    return len(weights)


def _critical_counts(
    weights: Sequence[int], quota: int, rows: int, distinct: Sequence[int], moduli: list[int]
) -> dict[int, list[int]]:
    """Decide, per weight w, how many coalitions of the others make a player of weight w critical.

    With `rows` == 1 the count is over all coalitions; otherwise it is split by coalition
    size 0 .. rows - 1 (the sizes of coalitions weighing less than `quota`). A coalition S
    of the others makes the player critical when quota - w <= w(S) < quota; any quota
    where that holds of the same coalitions works, hence the dual quota of the callers.
    """
    cells = rows * quota
    if cells > MAX_EXACT_CELLS:
        raise ValueError(
            f"the game is too large to count exactly ({cells:,} cells per table, more than"
            f" {MAX_EXACT_CELLS:,}): estimate it by Monte Carlo instead"
        )
    residues: dict[int, list[list[int]]] = {w: [] for w in distinct}
    step = max(1, _CHUNK_CELLS // cells)
    for first in range(0, len(moduli), step):
        chunk = moduli[first : first + step]
        prefix = _prefix_halves(_count_table(weights, quota, rows, chunk))
        for w in distinct:
            if w == 0:
                residues[w].extend([0] * rows for _ in chunk)
                continue
            low, high = _alternating_blocks(prefix, w, quota, rows > 1)
            for j, modulus in enumerate(chunk):
                reduce_by = modulus or 1 << 64
                residues[w].append(
                    [
                        (lo + (hi << _HALF)) % reduce_by
                        for lo, hi in zip(low[j].tolist(), high[j].tolist(), strict=True)
                    ]
                )
    return {w: _crt(residues[w], moduli) for w in distinct}


def _count_table(weights: Sequence[int], quota: int, rows: int, moduli: list[int]) -> UInt64s:
    """Tabulate coalitions of all players by (size when rows > 1, weight < quota), mod each modulus.

    Multiplying the generating function by (1 + y·x^w) adds the table, shifted w columns
    (and one row), to itself. Residues stay below the modulus: a sum of two of them fits in
    64 bits, and min(s, s - p) in wrapping uint64 arithmetic takes p off exactly when s >= p.
    Only the band of weights a row can hold is touched, a few rows at a time, top rows first
    so that no rows are read after they have been written.
    """
    table = np.zeros((len(moduli), rows, quota), dtype=np.uint64)
    table[:, 0, 0] = 1
    p = np.asarray(moduli, dtype=np.uint64)[:, None, None]
    added = np.empty(table.size, dtype=np.uint64)
    reduced = np.empty_like(added)
    shift = 1 if rows > 1 else 0
    wraps_only = moduli == [_WRAP]
    # Per row, the least and greatest weight of a coalition counted so far (empty: q, -1).
    least = np.full(rows, quota, dtype=np.int64)
    most = np.full(rows, -1, dtype=np.int64)
    least[0] = most[0] = 0
    for w in sorted(w for w in weights if w < quota):
        sources = int(np.count_nonzero(most >= 0)) - (1 if shift and most[-1] >= 0 else 0)
        pieces = np.linspace(0, sources, min(sources, 16) + 1, dtype=np.int64)
        for top, bottom in zip(pieces[:0:-1].tolist(), pieces[-2::-1].tolist(), strict=True):
            left = int(least[bottom:top].min())
            right = min(int(most[bottom:top].max()), quota - 1 - w) + 1
            if right <= left:
                continue
            out = table[:, bottom + shift : top + shift, left + w : right + w]
            source = table[:, bottom:top, left:right]
            if wraps_only:  # one modulus, 2^64: nothing to take off
                np.add(out, source, out=out)
                continue
            scratch = added[: out.size].reshape(out.shape)
            np.add(out, source, out=scratch)
            np.subtract(scratch, p, out=reduced[: out.size].reshape(out.shape))
            np.minimum(scratch, reduced[: out.size].reshape(out.shape), out=out)
        reach = np.where(most[:sources] >= 0, np.minimum(most[:sources] + w, quota - 1), -1)
        fits = least[:sources] + w < quota
        below = least[shift : sources + shift]
        below[fits] = np.minimum(below[fits], least[:sources][fits] + w)
        above = most[shift : sources + shift]
        above[fits] = np.maximum(above[fits], reach[fits])
    return table


def _prefix_halves(table: UInt64s) -> Int64s:
    """Decide running sums over weight of the residues' low and high 32-bit halves.

    The halves' sums stay exact in int64 (below quota · 2^32), where sums of residues would
    overflow. Weight leads, for gathers of whole columns: result[c, h, modulus, row] sums
    half h over the weights below c.
    """
    moduli, rows, quota = table.shape
    prefix = np.zeros((quota + 1, 2, moduli, rows), dtype=np.int64)
    prefix[1:, 0] = (table & np.uint64(0xFFFFFFFF)).transpose(2, 0, 1)
    prefix[1:, 1] = (table >> np.uint64(_HALF)).transpose(2, 0, 1)
    np.cumsum(prefix, axis=0, out=prefix)
    return prefix


def _alternating_blocks(prefix: Int64s, w: int, quota: int, by_size: bool) -> tuple[Int64s, Int64s]:
    """Decide the counts of critical coalitions for weight w, as low and high halves per modulus.

    Dividing out (1 + y·x^w) gives C[k][s] = sum_j (-1)^j T[k - j][s - j·w]; summing over
    quota - w <= s < quota, each weight r < quota appears once, with j = (quota-1-r) // w:
    alternating sums of blocks of w columns, each block taken j rows up when by size.
    """
    rows = prefix.shape[-1]
    # By size, a block j rows up from row k < rows matters only while j < rows.
    ends = np.arange(quota, 0, -w)[: rows if by_size else None]
    blocks = prefix[ends] - prefix[np.maximum(ends - w, 0)]
    blocks[1::2] *= -1
    if not by_size:
        sums = blocks.sum(axis=0)
        return sums[0], sums[1]
    # Shift block j right by j rows: padded to rows + J, its flat run re-cut at rows + J - 1.
    count = len(ends)
    lanes = blocks.reshape(count, -1, rows).transpose(1, 0, 2)
    padded = np.zeros((lanes.shape[0], count, rows + count), dtype=np.int64)
    padded[..., :rows] = lanes
    skewed = padded.reshape(lanes.shape[0], -1)[:, : count * (rows + count - 1)]
    sums = skewed.reshape(lanes.shape[0], count, -1).sum(axis=1)[:, :rows]
    halves = sums.reshape(2, -1, rows)
    return halves[0], halves[1]


def _crt(residues: list[list[int]], moduli: list[int]) -> list[int]:
    """Decide the integers below the moduli's product with the given residues (Garner)."""
    values = residues[0]
    product = 1 << 64
    for modulus, column in zip(moduli[1:], residues[1:], strict=True):
        inverse = pow(product, -1, modulus)
        values = [
            v + product * ((r - v % modulus) * inverse % modulus)
            for v, r in zip(values, column, strict=True)
        ]
        product *= modulus
    return values


def _moduli(bits: int) -> list[int]:
    """Decide moduli whose product exceeds 2^bits: 2^64, then odd numbers below 2^63.

    The Chinese remainder theorem needs them pairwise coprime, not prime: each odd number
    down from 2^63 - 1 sharing no factor with those already taken is taken.
    """
    moduli, product, candidate = [_WRAP], 1 << 64, (1 << 63) - 1
    while product <= 1 << bits:
        if math.gcd(candidate, product) == 1:
            moduli.append(candidate)
            product *= candidate
        candidate -= 2
    return moduli
