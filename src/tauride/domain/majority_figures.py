"""Decide how a vote's figures are written ("812 to 208 (79.6%)") and what they are.

The values a majority is decided on and recorded with: the rule (threshold, base, card
vote, tie rule), the tallies of a yes/no poll and of a list poll, and the `Outcome` that
`tauride.domain.majority` decides from them. Figures are ints, or Fractions for the
weights of a card vote; nothing is rounded but the percentage written by `describe_share`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, Protocol, get_args

from tauride.domain.errors import InvalidInput

Number = int | Fraction
Threshold = Literal["more-than-half", "two-thirds", "three-fifths", "unanimity", "plurality"]
Base = Literal["cast", "cast-and-abstentions", "present", "members"]
TieRule = Literal["lost", "casting-vote"]

THRESHOLDS: tuple[Threshold, ...] = get_args(Threshold)
BASES: tuple[Base, ...] = get_args(Base)
TIE_RULES: tuple[TieRule, ...] = get_args(TieRule)


class BadTally(InvalidInput):
    """The figures contradict each other or the rule needs a figure that was not given."""

    kind = "bad-tally"


class RuleLike(Protocol):
    """A majority rule: the constitution's `MajorityRule` or this module's `Rule`."""

    @property
    def threshold(self) -> Threshold: ...
    @property
    def base(self) -> Base: ...
    @property
    def weighted(self) -> bool: ...
    @property
    def tie(self) -> TieRule: ...


@dataclass(frozen=True)
class Rule:
    """A majority rule as plain values, for callers without a constitution at hand."""

    threshold: Threshold = "more-than-half"
    base: Base = "cast"
    weighted: bool = False
    tie: TieRule = "lost"


@dataclass(frozen=True)
class Tally:
    """The figures of a yes/no poll, in heads or (for a card vote) in weight.

    `present` and `members` count voting members only (consultative seats excluded); they
    are needed when the base or a quorum of participation refers to them.
    """

    yes: Number = 0
    no: Number = 0
    abstain: Number = 0
    present: Number | None = None
    members: Number | None = None


@dataclass(frozen=True)
class OptionTally:
    """The figures of a list poll: votes per option (in the order the options were listed)."""

    votes: Mapping[str, Number]
    abstain: Number = 0
    present: Number | None = None
    members: Number | None = None


@dataclass(frozen=True)
class Outcome:
    """The decision and the figures it rests on.

    `carried` is None only while a tie waits for the chair's casting vote. `yes`, `no`,
    `abstain` and `base` are the figures the threshold was judged on (weights for a card
    vote); in a list poll `yes` is the leading option's votes and `no` the other options'.
    `required` is the smallest yes that carries on this base, in the tally's own unit
    (whole votes for whole counts): "1,020 votes cast, necessary for adoption 511" (RONR
    §44); under plurality, one more than the strongest rival.
    """

    carried: bool | None
    threshold: Threshold
    basis: Base
    weighted: bool
    yes: Number
    no: Number
    abstain: Number
    base: Number
    required: Number
    share: Fraction | None
    reason: str
    tie: bool = False
    quorum_failed: bool = False
    participants: int = 0
    quorum_needed: int | None = None
    casting_vote: bool | str | None = None
    winner: str | None = None
    tied: tuple[str, ...] = ()

    @property
    def figure(self) -> str:
        """The recorded figure, e.g. "812 to 208 (79.6%)"."""
        return describe_share(self.yes, self.base)


def format_number(value: Number) -> str:
    """Write a count with thousands separators; a fractional weight as n/d."""
    value = plain_number(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value.numerator:,}/{value.denominator:,}"


def describe_share(yes: Number, base: Number) -> str:
    """Record how large a majority was: "812 to 208 (79.6%)" — yes to the rest of the base.

    "Overwhelming" is not a rule; this is the figure minutes give instead. The percentage is
    rounded half up to one decimal, but never to 100.0% unless all of the base said yes, nor
    to 0.0% unless none did.
    """
    for name, value in (("yes", yes), ("base", base)):
        if isinstance(value, bool) or not isinstance(value, int | Fraction) or value < 0:
            raise BadTally(f"{name} must be a count, not {value!r}")
    if yes > base:
        raise BadTally(f"yes ({format_number(yes)}) exceeds the base ({format_number(base)})")
    text = f"{format_number(yes)} to {format_number(base - yes)}"
    if base == 0:
        return f"{text} (no votes)"
    tenths = math.floor(Fraction(yes) * 1000 / base + Fraction(1, 2))
    if yes < base:
        tenths = min(tenths, 999)
    if yes > 0:
        tenths = max(tenths, 1)
    return f"{text} ({tenths // 10}.{tenths % 10}%)"


def plain_number(value: Number) -> Number:
    """A whole Fraction as an int, so that figures print and compare as counts."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value
