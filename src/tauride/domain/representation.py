"""Seats per constituency from a kind's representation rule (ratio, per unit, house size)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tauride.domain.apportionment import apportion, apportion_by_ratio
from tauride.domain.constitution.model import RepresentationRule


@dataclass(frozen=True)
class Unit:
    """A constituency as the rule sees it: its name, size and optional grouping label."""

    name: str
    size: int
    group: str | None = None


@dataclass(frozen=True)
class ElectingUnit:
    """Who elects together and how many delegates: one unit, or a group of small units."""

    name: str
    members: tuple[str, ...]
    size: int
    seats: int
    consultative_seats: int = 0

    @property
    def is_group(self) -> bool:
        return self.members != (self.name,)


def allocate(rule: RepresentationRule, units: Sequence[Unit]) -> list[ElectingUnit]:
    """Decide the voting and consultative seats of every unit of one kind under its rule.

    Federation thresholds are applied first: units below `consultative_from` send nobody,
    units below `voting_from` send consultative delegates only; the rule then shares the
    voting seats among the remaining units.
    """
    voting: list[Unit] = []
    result: list[ElectingUnit] = []
    for unit in units:
        if rule.voting_from is not None and unit.size < rule.voting_from:
            consultative_from = rule.consultative_from if rule.consultative_from is not None else 0
            extra = rule.consultative_seats if unit.size >= consultative_from else 0
            result.append(ElectingUnit(unit.name, (unit.name,), unit.size, 0, extra))
        else:
            voting.append(unit)
    result.extend(_voting_seats(rule, voting))
    order = {u.name: i for i, u in enumerate(units)}
    result.sort(key=lambda e: order[e.members[0]])
    return result


def _voting_seats(rule: RepresentationRule, units: Sequence[Unit]) -> list[ElectingUnit]:
    if not units:
        return []
    sizes = {u.name: u.size for u in units}
    if rule.rule == "per-unit":
        assert rule.seats is not None  # the constitution's validation requires it
        return [ElectingUnit(u.name, (u.name,), u.size, rule.seats) for u in units]
    if rule.rule == "house":
        assert rule.seats is not None
        assert rule.method is not None
        seats = apportion(sizes, rule.seats, rule.method)
        return [ElectingUnit(u.name, (u.name,), u.size, seats[u.name]) for u in units]
    assert rule.ratio is not None
    labels = {u.name: u.group for u in units if u.group}
    outcome = apportion_by_ratio(
        sizes,
        rule.ratio,
        rounding=rule.rounding,
        minimum=rule.minimum,
        group_below=rule.group_below,
        groups=labels or None,
    )
    return [
        ElectingUnit(
            name,
            tuple(outcome.members[name]),
            sum(sizes[m] for m in outcome.members[name]),
            seats,
        )
        for name, seats in outcome.seats.items()
    ]


def split_represented(size: int, seats: int) -> list[int]:
    """Share a constituency's size among its delegates for a card vote, summing exactly.

    Each delegate stands for size // seats constituents; the remainder goes one by one to
    the delegates in the order they were recorded, so the weights add up to the size.
    """
    if seats <= 0:
        return []
    base, remainder = divmod(size, seats)
    return [base + (1 if i < remainder else 0) for i in range(seats)]
