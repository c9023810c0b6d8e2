"""The counting methods by name, and one entry point that counts a profile by any of them."""

from __future__ import annotations

import hashlib
from typing import Protocol

import numpy as np

from tauride.domain.tally.condorcet import ranked_pairs, schulze
from tauride.domain.tally.irv import irv
from tauride.domain.tally.lots import seed_from_bytes
from tauride.domain.tally.meek import meek
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult
from tauride.domain.tally.single import approval, borda, plurality
from tauride.domain.tally.stv_scottish import scottish_stv
from tauride.domain.tally.wigm import wigm


class Counter(Protocol):
    """A counting method: a profile and the seats to fill in, a full record out."""

    def __call__(self, profile: Profile, *, seats: int, seed: int) -> CountResult: ...


def _meek(profile: Profile, *, seats: int, seed: int) -> CountResult:
    return meek(profile, seats=seats, seed=seed)


def _wigm(profile: Profile, *, seats: int, seed: int) -> CountResult:
    return wigm(profile, seats=seats, seed=seed)


METHODS: dict[str, Counter] = {
    "plurality": plurality,
    "approval": approval,
    "borda": borda,
    "irv": irv,
    "scottish-stv": scottish_stv,
    "meek": _meek,
    "wigm": _wigm,
    "schulze": schulze,
    "ranked-pairs": ranked_pairs,
}


def profile_seed(profile: Profile) -> int:
    """A default seed for lots, derived from everything the profile holds.

    The same ballots, candidates, seats and withdrawals always give the same seed; a
    journal that records the seed lets anyone redraw the lot.
    """
    digest = hashlib.sha256()
    for part in (*profile.candidates, profile.title, str(profile.seats)):
        digest.update(part.encode("utf-8") + b"\x1f")
    digest.update(",".join(str(c) for c in sorted(profile.withdrawn)).encode("ascii") + b"\x1e")
    digest.update(np.ascontiguousarray(profile.rankings, dtype="<i8").tobytes() + b"\x1e")
    digest.update(np.ascontiguousarray(profile.counts, dtype="<i8").tobytes())
    return seed_from_bytes(digest.digest())


def count(
    profile: Profile, method: str, *, seats: int | None = None, seed: int | None = None
) -> CountResult:
    """Count `profile` by the named method; seats default to the profile's, the seed to its hash.

    Raises ValueError for an unknown method (listing the known ones) or fewer than one seat.
    """
    counter = METHODS.get(method)
    if counter is None:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    seats = profile.seats if seats is None else seats
    if seats < 1:
        raise ValueError(f"seats must be at least 1, not {seats}")
    return counter(profile, seats=seats, seed=profile_seed(profile) if seed is None else seed)
