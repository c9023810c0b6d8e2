"""Seeded profiles for the counting benchmark: Mallows clusters, truncated rankings.

Ballots are drawn from a few Mallows clusters around reference rankings, each cut to a
random length 1..10, and held as Tauride holds them: distinct rankings with counts.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

from tauride.domain.tally.profile import NO_CANDIDATE, IntArray, Profile

SIZES = (10_000, 100_000, 1_000_000)
CANDIDATES = 10
SEATS = 3
CLUSTERS = 4


def mallows(rng: np.random.Generator, centre: IntArray, phi: float, voters: int) -> IntArray:
    """Complete rankings near `centre` (Mallows, dispersion phi), one per row.

    Repeated insertion: the i-th candidate of the centre goes in at place j <= i with
    weight phi ** (i - j). All voters at once: `places[v, i]` is where the i-th
    candidate stands so far, and an insertion at j moves down every place >= j.
    """
    n = len(centre)
    draws = rng.random((voters, n))
    places = np.zeros((voters, n), dtype=np.int8)
    for i in range(n):
        weights = phi ** np.arange(i, -1, -1, dtype=float)
        cdf = np.cumsum(weights) / weights.sum()
        at = np.minimum(np.searchsorted(cdf, draws[:, i], side="right"), i).astype(np.int8)
        places[:, :i] += places[:, :i] >= at[:, None]
        places[:, i] = at
    return np.asarray(centre[np.argsort(places, axis=1)], dtype=np.int64)


def clustered_ballots(voters: int, seed: int) -> IntArray:
    """Seeded ballots, one per row, padded with NO_CANDIDATE: Mallows clusters, truncated."""
    rng = np.random.default_rng(seed)
    centres = [rng.permutation(CANDIDATES) for _ in range(CLUSTERS)]
    phis = rng.uniform(0.5, 0.85, CLUSTERS)
    sizes = rng.multinomial(voters, rng.dirichlet(np.full(CLUSTERS, 2.0)))
    full = np.concatenate(
        [
            mallows(rng, c, float(phi), int(k))
            for c, phi, k in zip(centres, phis, sizes, strict=True)
        ]
    )
    lengths = rng.integers(1, CANDIDATES + 1, size=voters)
    return np.where(np.arange(CANDIDATES)[None, :] < lengths[:, None], full, NO_CANDIDATE)


def compress(ballots: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct rows of the padded ballot matrix and how often each occurs (np.unique).

    Each row is packed into one integer (base n + 1, the blank as digit 0), which orders
    rows as `np.unique(ballots, axis=0)` would and sorts many times faster.
    """
    base = CANDIDATES + 1
    powers = base ** np.arange(CANDIDATES - 1, -1, -1, dtype=np.int64)
    codes, counts = np.unique((ballots + 1) @ powers, return_counts=True)
    rankings = (codes[:, None] // powers) % base - 1
    return rankings.astype(np.int64), counts.astype(np.int64)


@dataclass
class Election:
    """One seeded profile, as Tauride holds it, with the lists the oracles are built from."""

    ballots: int
    seed: int
    profile: Profile
    rows: list[list[int]]
    counts: list[int]
    drawn: float  # seconds drawing the ballots
    compressed: float  # seconds building the Profile from the ballot rows (median of 3)


def to_profile(ballots: IntArray) -> Profile:
    """Tauride's Profile of one ballot per row: the distinct rankings with their counts."""
    rankings, counts = compress(ballots)
    return Profile(
        candidates=tuple(f"c{i}" for i in range(CANDIDATES)),
        rankings=rankings,
        counts=counts,
        seats=SEATS,
    )


def election(ballots: int, seed: int) -> Election:
    """Draw the ballots and build Tauride's Profile from the arrays directly."""
    start = time.perf_counter()
    cast = clustered_ballots(ballots, seed)
    drawn = time.perf_counter() - start
    times = []
    for _ in range(3):
        start = time.perf_counter()
        profile = to_profile(cast)
        times.append(time.perf_counter() - start)
    del cast
    rankings, counts = profile.rankings, profile.counts
    rows = [[int(c) for c in row if c != NO_CANDIDATE] for row in rankings]
    return Election(
        ballots, seed, profile, rows, [int(c) for c in counts], drawn, statistics.median(times)
    )
