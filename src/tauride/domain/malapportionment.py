"""Decide how far a body's seats depart from the constituents behind them, exactly.

Malapportionment compares each constituency's share of the constituents (v_i) with its
share of the seats (s_i), as Samuels & Snyder ("The Value of a Vote", 2001) do for
legislatures:

- constituents per seat of each constituency; the mean is the body's ideal, all its
  constituents over all its seats, and max/min the spread between the extremes;
- Loosemore–Hanby (1971): ½ Σ |v_i − s_i|, the share of seats held beyond proportion
  (Samuels & Snyder's MAL); 0 when seats follow constituents exactly;
- Gallagher's least-squares index (1991): √(½ Σ (v_i − s_i)²), which weighs a few large
  departures more than many small ones; the sum is exact, only the root is a float;
- a constituent's voice, s_i / v_i (Taagepera's "advantage ratio"): how much one constituent
  weighs against the average constituent of the body; the quotient of two kinds' voices
  is how many times the voice of one of the first weighs against one of the second.

Shares are fractions of one (0.25, not 25%).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tauride.domain.errors import InvalidInput

UNATTACHED = "(no constituency)"


@dataclass(frozen=True)
class District:
    """A constituency as one body sees it: the constituents behind its seats, and the seats."""

    name: str
    kind: str
    size: int
    seats: int


@dataclass(frozen=True)
class SeatHolder:
    """One voting seat: the constituency that elected it and the constituents it stands for."""

    constituency: str | None
    kind: str | None
    represents: int


@dataclass(frozen=True)
class ShareLine:
    """One constituency, or every constituency of a kind, against the whole body."""

    name: str
    kind: str
    units: int
    size: int
    seats: int
    population_share: Fraction
    seat_share: Fraction

    @property
    def per_seat(self) -> Fraction | None:
        """Constituents per seat; None for constituents left without a seat."""
        return Fraction(self.size, self.seats) if self.seats else None

    @property
    def voice(self) -> Fraction | None:
        """A constituent's weight against the body's average (s/v); None with no constituents."""
        return self.seat_share / self.population_share if self.population_share else None


@dataclass(frozen=True)
class Malapportionment:
    """The measures of one body, over its constituencies and over their kinds."""

    size: int
    seats: int
    districts: tuple[ShareLine, ...]
    kinds: tuple[ShareLine, ...]
    loosemore_hanby: Fraction
    gallagher_squared: Fraction
    kind_loosemore_hanby: Fraction
    kind_gallagher_squared: Fraction

    @property
    def gallagher(self) -> float:
        """Gallagher's index as a share of one: the root of the exact half sum of squares."""
        return math.sqrt(self.gallagher_squared)

    @property
    def mean_per_seat(self) -> Fraction:
        """The ideal: all the body's constituents over all its seats."""
        return Fraction(self.size, self.seats)

    @property
    def min_per_seat(self) -> ShareLine:
        """The constituency whose constituents count most (fewest per seat)."""
        return min(self._seated, key=_per_seat)

    @property
    def max_per_seat(self) -> ShareLine:
        """The constituency whose constituents count least (most per seat)."""
        return max(self._seated, key=_per_seat)

    @property
    def max_min_ratio(self) -> Fraction | None:
        """Most over fewest constituents per seat; None when a seat stands for nobody."""
        low, high = _per_seat(self.min_per_seat), _per_seat(self.max_per_seat)
        return high / low if low else None

    @property
    def unrepresented(self) -> tuple[ShareLine, ...]:
        """Constituencies with constituents but no seat in the body."""
        return tuple(d for d in self.districts if d.size and not d.seats)

    def voice_ratio(self, kind: str, against: str) -> Fraction | None:
        """How many times one constituent of `kind` weighs against one of `against`."""
        lines = {k.kind: k.voice for k in self.kinds}
        if missing := [k for k in (kind, against) if k not in lines]:
            raise InvalidInput(f"no constituencies of kind '{missing[0]}' in this body")
        mine, theirs = lines[kind], lines[against]
        return mine / theirs if mine is not None and theirs else None

    def kind_disparity(self) -> tuple[str, str, Fraction] | None:
        """The most and the least favoured kinds, and how many times the first outweighs
        the second; None without two kinds whose constituents have a voice."""
        voiced = sorted((k.voice, k.kind) for k in self.kinds if k.voice)
        if len(voiced) < 2:
            return None
        (low, low_kind), (high, high_kind) = voiced[0], voiced[-1]
        return high_kind, low_kind, high / low

    @property
    def _seated(self) -> list[ShareLine]:
        return [d for d in self.districts if d.seats]


def _per_seat(line: ShareLine) -> Fraction:
    return line.per_seat or Fraction(0)


def districts_of(holders: Iterable[SeatHolder]) -> list[District]:
    """Group a body's voting seats by constituency, in order of first appearance.

    A constituency's size in the body is what its seats stand for (Σ represents), which is
    its whole size when all its delegates sit there. Seats elected by no constituency (ex
    officio, appointed) form one district of their own.
    """
    sizes: dict[tuple[str, str], list[int]] = {}
    for holder in holders:
        key = (holder.constituency or UNATTACHED, holder.kind or UNATTACHED)
        sizes.setdefault(key, []).append(holder.represents)
    return [District(name, kind, sum(rs), len(rs)) for (name, kind), rs in sizes.items()]


def malapportionment(districts: Sequence[District]) -> Malapportionment:
    """Measure how far a body's seats depart from its constituents, exactly.

    Refuses negative or non-integer figures, repeated names, and a body with no seat or no
    constituent (no share can be taken of nothing).
    """
    problems = [
        f"{d.name}: {field} must be a whole number ≥ 0, not {value!r}"
        for d in districts
        for field, value in (("size", d.size), ("seats", d.seats))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0
    ]
    names = [d.name for d in districts]
    problems += [f"{n}: named twice" for n in sorted({n for n in names if names.count(n) > 1})]
    if problems:
        raise InvalidInput(problems)
    size, seats = sum(d.size for d in districts), sum(d.seats for d in districts)
    if not size or not seats:
        raise InvalidInput("malapportionment needs at least one seat and one constituent")
    by_kind: dict[str, list[District]] = {}
    for district in districts:
        by_kind.setdefault(district.kind, []).append(district)

    def line(name: str, kind: str, group: Sequence[District]) -> ShareLine:
        own, held = sum(d.size for d in group), sum(d.seats for d in group)
        return ShareLine(
            name, kind, len(group), own, held, Fraction(own, size), Fraction(held, seats)
        )

    lines = tuple(line(d.name, d.kind, [d]) for d in districts)
    kinds = tuple(line(kind, kind, group) for kind, group in by_kind.items())
    return Malapportionment(size, seats, lines, kinds, *_indices(lines), *_indices(kinds))


def _indices(lines: Sequence[ShareLine]) -> tuple[Fraction, Fraction]:
    """Loosemore–Hanby ½Σ|v−s| and Gallagher's ½Σ(v−s)² (before the root), exactly."""
    gaps = [line.population_share - line.seat_share for line in lines]
    return sum((abs(g) for g in gaps), Fraction(0)) / 2, sum((g * g for g in gaps), Fraction(0)) / 2
