"""Ballots as a counting kernel sees them: distinct rankings with their counts, in arrays."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
NO_CANDIDATE = -1


@dataclass(frozen=True, eq=False)
class Profile:
    """A ballot profile, compressed: each distinct ranking once, with how many cast it.

    `rankings[i, j]` is the 0-based index of the candidate ballot i ranks (j+1)-th, and
    `NO_CANDIDATE` (-1) pads a ranking that stops early. `counts[i]` is the number of
    ballots (a weight: BLT files may weight a line) that carry ranking i. A ranking never
    names a candidate twice. Withdrawn candidates are listed in `withdrawn` and must be
    skipped by every method, as if they were not on the ballot.
    """

    candidates: tuple[str, ...]
    rankings: IntArray
    counts: IntArray
    seats: int = 1
    withdrawn: frozenset[int] = field(default_factory=frozenset)
    title: str = ""

    def __post_init__(self) -> None:
        if self.rankings.ndim != 2 or self.counts.ndim != 1:
            raise ValueError("rankings must be a 2-D array and counts a 1-D array")
        if self.rankings.shape[0] != self.counts.shape[0]:
            raise ValueError("one count per ranking")
        if self.seats < 1:
            raise ValueError("at least one seat")
        if len(set(self.candidates)) != len(self.candidates):
            raise ValueError("candidate names must be distinct")

    @property
    def total(self) -> int:
        """Number of ballots (sum of weights)."""
        return int(self.counts.sum())

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def continuing(self) -> tuple[int, ...]:
        """Candidates on the ballot: all but the withdrawn, in index order."""
        return tuple(i for i in range(self.n_candidates) if i not in self.withdrawn)

    def ballots(self) -> Iterable[tuple[int, tuple[int, ...]]]:
        """Each distinct ranking as (count, candidate indices in order of preference)."""
        for row, count in zip(self.rankings, self.counts, strict=True):
            yield int(count), tuple(int(c) for c in row if c != NO_CANDIDATE)

    @classmethod
    def from_ballots(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[tuple[int, Sequence[int]]],
        *,
        seats: int = 1,
        withdrawn: Iterable[int] = (),
        title: str = "",
    ) -> Profile:
        """Build a profile from (count, ranking) pairs, merging equal rankings."""
        merged: dict[tuple[int, ...], int] = {}
        n = len(candidates)
        for count, ranking in ballots:
            key = tuple(int(c) for c in ranking)
            if len(set(key)) != len(key):
                raise ValueError(f"ranking {key} names a candidate twice")
            if any(not 0 <= c < n for c in key):
                raise ValueError(f"ranking {key} names a candidate outside 0..{n - 1}")
            if count < 0:
                raise ValueError("a ballot count cannot be negative")
            merged[key] = merged.get(key, 0) + int(count)
        width = max((len(k) for k in merged), default=0)
        rankings = np.full((len(merged), max(width, 1)), NO_CANDIDATE, dtype=np.int64)
        counts = np.zeros(len(merged), dtype=np.int64)
        for i, (key, count) in enumerate(merged.items()):
            rankings[i, : len(key)] = key
            counts[i] = count
        return cls(
            candidates=tuple(candidates),
            rankings=rankings,
            counts=counts,
            seats=seats,
            withdrawn=frozenset(withdrawn),
            title=title,
        )
