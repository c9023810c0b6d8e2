"""Seats per constituency from sizes: a fixed house by a named method, or one seat per ratio.

Every decision is exact. Claims are compared as fractions of integers, never as floats, so
two constituencies are tied only when their claims are truly equal; the rule then gives no
answer and the caller is told (`ApportionmentTie`) instead of a seat being handed out by the
accident of input order. Lots, casting votes or another house size are the constitution's
business, not this module's.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from tauride.domain.errors import Conflict

METHODS: tuple[str, ...] = ("hamilton", "jefferson", "webster", "huntington-hill", "adams")
"""Canonical names of the fixed-house methods."""

ALIASES: Mapping[str, str] = MappingProxyType({"dhondt": "jefferson", "sainte-lague": "webster"})
"""Other accepted names, each mapped to its canonical method."""

ROUNDINGS: tuple[str, ...] = ("down", "up", "nearest")
"""How a ratio rule rounds size/ratio to whole seats."""

GROUP_JOINER = " + "
"""Separator between member names in the name of an electing group."""


class ApportionmentTie(Conflict):
    """Equal claims compete for fewer seats than there are claimants, so the rule cannot decide.

    Attributes:
        tied: the tied constituencies, in input order.
        seats_left: how many seats they compete for (fewer than ``len(tied)``).
        method: the canonical name of the method that met the tie.

    Under Adams and Huntington-Hill every constituency of positive size claims its first seat
    with infinite priority; with more such constituencies than seats, that is a tie too.
    """

    kind = "apportionment-tie"

    def __init__(self, tied: Iterable[str], seats_left: int, method: str) -> None:
        self.tied: tuple[str, ...] = tuple(tied)
        self.seats_left = seats_left
        self.method = method
        super().__init__(
            f"tie for the last {seats_left} seat(s) between {', '.join(self.tied)} under {method}"
        )

    def __reduce__(self) -> tuple[type[ApportionmentTie], tuple[tuple[str, ...], int, str]]:
        # Exception pickles its message only; rebuild from the fields instead.
        return (type(self), (self.tied, self.seats_left, self.method))


def canonical_method(method: str) -> str:
    """Decide which method a name means (case and surrounding blanks ignored), or refuse it."""
    key = method.strip().lower()
    key = ALIASES.get(key, key)
    if key not in METHODS:
        known = ", ".join(METHODS)
        aliases = ", ".join(f"{alias} = {canonical}" for alias, canonical in ALIASES.items())
        raise ValueError(f"unknown method {method!r}; known methods: {known} (aliases: {aliases})")
    return key


def _checked_sizes(sizes: Mapping[str, int]) -> list[tuple[str, int]]:
    if not sizes:
        raise ValueError("no constituencies: sizes is empty")
    entries = list(sizes.items())
    for name, size in entries:
        # bool is an int subclass; True constituents is a mistake, not one person.
        if isinstance(size, bool) or not isinstance(size, int):
            raise ValueError(f"size of {name!r} must be a whole number, not {size!r}")
        if size < 0:
            raise ValueError(f"size of {name!r} must not be negative ({size})")
    return entries


def _checked_house(entries: list[tuple[str, int]], seats: int) -> None:
    if isinstance(seats, bool) or not isinstance(seats, int):
        raise ValueError(f"seats must be a whole number, not {seats!r}")
    if seats < 0:
        raise ValueError(f"seats must not be negative ({seats})")
    if seats > 0 and all(size == 0 for _, size in entries):
        raise ValueError(f"cannot give {seats} seat(s): every constituency has size 0")


def exact_quotas(sizes: Mapping[str, int], seats: int) -> dict[str, Fraction]:
    """Decide each constituency's exact share of the house: size × seats / total size."""
    entries = _checked_sizes(sizes)
    _checked_house(entries, seats)
    total = sum(size for _, size in entries)
    if total == 0:
        return {name: Fraction(0) for name, _ in entries}
    return {name: Fraction(size * seats, total) for name, size in entries}


def apportion(sizes: Mapping[str, int], seats: int, method: str) -> dict[str, int]:
    """Decide how many of `seats` each constituency gets under `method`, keyed in input order.

    A constituency of size 0 never gets a seat. Raises `ApportionmentTie` when equal claims
    compete for the last seats, and `ValueError` on empty or negative sizes, negative seats,
    an unknown method, or seats to give with every size 0.
    """
    entries = _checked_sizes(sizes)
    canonical = canonical_method(method)
    _checked_house(entries, seats)
    names = [name for name, _ in entries]
    counts = [size for _, size in entries]
    if seats == 0:
        allocation = [0] * len(counts)
    elif canonical == "hamilton":
        allocation = _largest_remainder(names, counts, seats)
    else:
        allocation = _highest_averages(names, counts, seats, canonical)
    return dict(zip(names, allocation, strict=True))


def _largest_remainder(names: list[str], sizes: list[int], seats: int) -> list[int]:
    """Decide the Hamilton (Hare quota, largest remainder) allocation."""
    total = sum(sizes)
    # Quota = size × seats / total. Every quota has the same denominator, so the integer
    # part is a floor division and remainders compare exactly as integer numerators.
    allocation = [size * seats // total for size in sizes]
    remainders = [size * seats % total for size in sizes]
    left = seats - sum(allocation)
    if left == 0:
        return allocation
    cut = sorted(remainders, reverse=True)[left - 1]
    above = [i for i, r in enumerate(remainders) if r > cut]
    at_cut = [i for i, r in enumerate(remainders) if r == cut]
    if len(above) + len(at_cut) > left:
        raise ApportionmentTie([names[i] for i in at_cut], left - len(above), "hamilton")
    for i in above + at_cut:
        allocation[i] += 1
    return allocation


# A priority is the claim of a constituency holding `held` seats to one more. None stands for
# an infinite claim: Adams and Huntington-Hill divide by zero for the first seat.
Priority = Callable[[int, int], Fraction | None]


def _jefferson(size: int, held: int) -> Fraction:
    return Fraction(size, held + 1)


def _webster(size: int, held: int) -> Fraction:
    # size / (held + 1/2), kept in integers.
    return Fraction(2 * size, 2 * held + 1)


def _adams(size: int, held: int) -> Fraction | None:
    return None if held == 0 else Fraction(size, held)


def _huntington_hill(size: int, held: int) -> Fraction | None:
    # The divisor is the geometric mean √(held·(held+1)); comparing squared priorities
    # decides the same order with no square root and no rounding.
    return None if held == 0 else Fraction(size * size, held * (held + 1))


_PRIORITIES: Mapping[str, Priority] = MappingProxyType(
    {
        "jefferson": _jefferson,
        "webster": _webster,
        "adams": _adams,
        "huntington-hill": _huntington_hill,
    }
)


def _heap_key(priority: Fraction | None) -> tuple[int, Fraction]:
    # heapq pops the smallest entry: infinite claims sort first, then larger fractions.
    return (0, Fraction(0)) if priority is None else (1, -priority)


def _highest_averages(names: list[str], sizes: list[int], seats: int, method: str) -> list[int]:
    """Decide a divisor-method allocation seat by seat, highest priority first.

    All constituencies sharing the highest priority are served together: if they all fit in
    the seats left each gets one; if not, the tie decides the outcome and is raised.
    """
    priority = _PRIORITIES[method]
    allocation = [0] * len(sizes)
    # Size 0 has no claim under any method (and 0/0 under Adams would be meaningless).
    heap = [(*_heap_key(priority(size, 0)), i) for i, size in enumerate(sizes) if size > 0]
    heapq.heapify(heap)
    left = seats
    while left > 0:
        rank, key, first = heapq.heappop(heap)
        level = [first]
        while heap and heap[0][0] == rank and heap[0][1] == key:
            level.append(heapq.heappop(heap)[2])
        if len(level) > left:
            raise ApportionmentTie([names[i] for i in sorted(level)], left, method)
        for i in level:
            allocation[i] += 1
            heapq.heappush(heap, (*_heap_key(priority(sizes[i], allocation[i])), i))
        left -= len(level)
    return allocation


@dataclass(frozen=True)
class RatioApportionment:
    """Seats under a ratio rule, per electing unit (a constituency or a group of small ones).

    All three mappings share the same keys, in the order of each unit's first member.
    """

    seats: dict[str, int]
    """Seats of each electing unit."""
    members: dict[str, tuple[str, ...]]
    """Constituencies forming each electing unit; a lone constituency maps to itself."""
    sizes: dict[str, int]
    """Size of each electing unit: the sum of its members' sizes."""


def apportion_by_ratio(
    sizes: Mapping[str, int],
    ratio: int,
    *,
    rounding: str = "down",
    minimum: int = 0,
    group_below: bool = False,
    groups: Mapping[str, str] | None = None,
) -> RatioApportionment:
    """Decide the seats of each electing unit under "one seat per `ratio` constituents".

    Seats are size / ratio rounded `down`, `up` or to the `nearest` whole number (an exact half
    rounds up: that is the rule, not a tie), then raised to `minimum`. A unit of size 0 elects
    no one, whatever the minimum.

    With `group_below`, constituencies smaller than the ratio are combined into electing
    groups (see `group_small_units`); constituencies at or above the ratio are never grouped.
    `groups` labels constituencies for that grouping and needs `group_below`.
    """
    entries = _checked_sizes(sizes)
    if isinstance(ratio, bool) or not isinstance(ratio, int) or ratio <= 0:
        raise ValueError(f"ratio must be a positive whole number, not {ratio!r}")
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise ValueError(f"minimum must be a whole number, not negative, not {minimum!r}")
    if rounding not in ROUNDINGS:
        raise ValueError(f"unknown rounding {rounding!r}; known: {', '.join(ROUNDINGS)}")
    if groups is not None and not group_below:
        raise ValueError("group labels are given but grouping below the ratio is not asked for")
    if group_below:
        units = group_small_units(sizes, ratio, groups or {})
    else:
        units = [(name,) for name, _ in entries]

    seats: dict[str, int] = {}
    members: dict[str, tuple[str, ...]] = {}
    unit_sizes: dict[str, int] = {}
    for unit in units:
        name = GROUP_JOINER.join(unit)
        if name in members:
            raise ValueError(f"electing unit name {name!r} is used twice; rename a constituency")
        size = sum(sizes[member] for member in unit)
        members[name] = unit
        unit_sizes[name] = size
        seats[name] = max(minimum, _rounded(size, ratio, rounding)) if size > 0 else 0
    return RatioApportionment(seats=seats, members=members, sizes=unit_sizes)


def _rounded(size: int, ratio: int, rounding: str) -> int:
    if rounding == "down":
        return size // ratio
    if rounding == "up":
        return -(-size // ratio)
    # nearest: floor(size/ratio + 1/2), so an exact half goes up.
    return (2 * size + ratio) // (2 * ratio)


def group_small_units(
    sizes: Mapping[str, int], ratio: int, groups: Mapping[str, str]
) -> list[tuple[str, ...]]:
    """Decide which constituencies elect together, in the order of each unit's first member.

    A constituency at or above `ratio`, or of size 0, stands alone. Smaller ones with the same
    non-empty label in `groups` form one group, whatever its total. Unlabelled small ones are
    combined greedily in input order, a group closing as soon as it reaches the ratio; a final
    remainder still below the ratio joins the last group closed, or stands as a group of its
    own if none was.
    """
    unknown = [name for name in groups if name not in sizes]
    if unknown:
        raise ValueError(f"group labels name unknown constituencies: {', '.join(unknown)}")
    units: list[list[str]] = []
    labelled: dict[str, list[str]] = {}
    pending: list[str] = []
    pending_size = 0
    last_closed: list[str] | None = None
    for name, size in sizes.items():
        if size >= ratio or size == 0:
            units.append([name])
            continue
        label = groups.get(name, "").strip()
        if label:
            if label not in labelled:
                labelled[label] = []
                units.append(labelled[label])
            labelled[label].append(name)
            continue
        if not pending:
            units.append(pending)
        pending.append(name)
        pending_size += size
        if pending_size >= ratio:
            last_closed, pending, pending_size = pending, [], 0
    if pending and last_closed is not None:
        # The remainder's list already sits in `units`; move its members to the last group.
        units = [unit for unit in units if unit is not pending]
        last_closed.extend(pending)
    return [tuple(unit) for unit in units]
