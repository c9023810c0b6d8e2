"""How many people stand behind a body's seats and a poll's choices, exactly.

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

Shares are fractions of one (0.25, not 25%). Poll representativeness attributes the
constituents a seat stands for to the choice made in that seat, as far as the method of
voting lets anyone know the choice (see `Attribution`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tauride.domain import majority
from tauride.domain.errors import InvalidInput
from tauride.domain.majority import Outcome, RuleLike
from tauride.domain.polls import ABSTAIN, is_yes_no

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


class Attribution(enum.StrEnum):
    """How far a poll's choices can be traced to the constituents behind the seats."""

    NAMED = "named"
    CARD_VOTE = "card-vote"
    PARTICIPATION = "participation"
    PRESENCE = "presence"

    @property
    def note(self) -> str:
        return _NOTES[self]


_NOTES = {
    Attribution.NAMED: "every voter's choice is on record: constituents are attributed to "
    "each option through the voter's constituency",
    Attribution.CARD_VOTE: "a secret card vote: no choice is linked to a voter, but each "
    "ballot carries the constituents its seat stands for, so the totals per option are exact",
    Attribution.PARTICIPATION: "a secret ballot: choices are not linked to voters, so only "
    "participation (who voted, who did not) is attributed to constituents; options are "
    "counted in heads",
    Attribution.PRESENCE: "a show of hands: the tellers counted hands, not names, so only "
    "presence is attributed to constituents; options are counted in heads",
}


@dataclass(frozen=True)
class Elector:
    """A seat entitled to vote: the mandate casting its ballot and whom the seat stands for."""

    voter: int
    represents: int


@dataclass(frozen=True)
class Named:
    """A named poll's choices: voter → option."""

    choices: Mapping[int, str]


@dataclass(frozen=True)
class Counted:
    """Choices known only as totals: heads per option; who took part, unless a show of
    hands (None); and, for a secret card vote, the constituents per option that the
    ballots carry as their weight."""

    heads: Mapping[str, int]
    participants: frozenset[int] | None = None
    constituents: Mapping[str, int] | None = None


@dataclass(frozen=True)
class Backing:
    """A number of seats and the constituents behind them (None: cannot be attributed)."""

    heads: int
    constituents: int | None

    def __add__(self, other: Backing) -> Backing:
        both = None not in (self.constituents, other.constituents)
        total = (self.constituents or 0) + (other.constituents or 0) if both else None
        return Backing(self.heads + other.heads, total)


@dataclass(frozen=True)
class PollBacking:
    """Who stands behind each option of a poll, behind its abstentions and its absences.

    `absent` is the seats entitled that did not vote plus the members not present. The
    outcome is decided twice under the poll's own rule: by heads, and weighted by
    constituents; `differs` says whether the two verdicts part (None when the constituents
    behind the options cannot be known, or the poll is not decided by a majority rule).
    """

    attribution: Attribution
    options: Mapping[str, Backing]
    voted: Backing
    present: Backing
    not_present: Backing
    by_heads: Outcome | None
    by_constituents: Outcome | None

    @property
    def did_not_vote(self) -> Backing:
        """Present and entitled, yet no ballot (or no hand) for any option."""
        known = None not in (self.present.constituents, self.voted.constituents)
        rest = (self.present.constituents or 0) - (self.voted.constituents or 0)
        return Backing(self.present.heads - self.voted.heads, rest if known else None)

    @property
    def absent(self) -> Backing:
        return self.did_not_vote + self.not_present

    @property
    def members(self) -> Backing:
        return self.present + self.not_present

    @property
    def differs(self) -> bool | None:
        if self.by_heads is None or self.by_constituents is None:
            return None
        return verdict(self.by_heads) != verdict(self.by_constituents)


def verdict(outcome: Outcome) -> str:
    """An outcome in one word: the winning option of a list poll, else carried, lost, or
    tie while a casting vote is awaited (a tie lost under the rule is lost)."""
    if outcome.carried is None:
        return "tie"
    if outcome.winner is not None:
        return outcome.winner
    return "carried" if outcome.carried else "lost"


def poll_backing(
    options: Sequence[str],
    rule: RuleLike | None,
    electors: Sequence[Elector],
    not_present: Sequence[int],
    choices: Named | Counted,
) -> PollBacking:
    """Attribute a closed poll's choices to constituents and decide it by heads and by them.

    `electors` are the seats entitled when the poll opened; `not_present` the constituents
    behind each member who was not; `rule` the poll's majority rule (None for an election,
    which its counting method decides).
    """
    represents = {e.voter: e.represents for e in electors}
    problems = _check(options, electors, not_present, choices, represents)
    if problems:
        raise InvalidInput(problems)
    present = Backing(len(electors), sum(represents.values()))
    absent = Backing(len(not_present), sum(not_present))
    if isinstance(choices, Named):
        attribution = Attribution.NAMED
        lines = {o: Backing(0, 0) for o in options}
        for voter, choice in choices.choices.items():
            lines[choice] += Backing(1, represents[voter])
        voted = Backing(len(choices.choices), sum(represents[v] for v in choices.choices))
    else:
        weights, took_part = choices.constituents, choices.participants
        lines = {
            o: Backing(choices.heads.get(o, 0), None if weights is None else weights.get(o, 0))
            for o in options
        }
        if took_part is None:
            attribution = Attribution.PRESENCE
            voted = Backing(sum(choices.heads.values()), None)
        else:
            attribution = Attribution.PARTICIPATION if weights is None else Attribution.CARD_VOTE
            voted = Backing(len(took_part), sum(represents[v] for v in took_part))
    by_heads = by_constituents = None
    if rule is not None:
        members = present + absent
        heads = ({o: b.heads for o, b in lines.items()}, present.heads, members.heads)
        by_heads = _decide(options, rule, heads, None)
        if all(b.constituents is not None for b in lines.values()):
            figures = (
                {o: b.constituents or 0 for o, b in lines.items()},
                present.constituents or 0,
                members.constituents or 0,
            )
            by_constituents = _decide(options, rule, heads, figures)
    return PollBacking(attribution, lines, voted, present, absent, by_heads, by_constituents)


def _check(
    options: Sequence[str],
    electors: Sequence[Elector],
    not_present: Sequence[int],
    choices: Named | Counted,
    represents: Mapping[int, int],
) -> list[str]:
    problems = [
        f"constituents: must be a whole number ≥ 0, not {n!r}"
        for n in [*represents.values(), *not_present]
        if isinstance(n, bool) or not isinstance(n, int) or n < 0
    ]
    if len(represents) != len(electors):
        problems.append("electors: a voter is listed twice")
    if isinstance(choices, Named):
        voters: Iterable[int] = choices.choices
        chosen: Iterable[str] = choices.choices.values()
    else:
        voters = choices.participants or ()
        chosen = [*choices.heads, *(choices.constituents or {})]
    problems += [
        f"voter {v} is not entitled to vote in this poll" for v in voters if v not in represents
    ]
    problems += [f"'{c}' is not an option of this poll" for c in set(chosen) if c not in options]
    counts = choices.heads.values() if not isinstance(choices, Named) else ()
    if sum(counts) > len(electors):
        problems.append(f"{sum(counts)} votes counted, but only {len(electors)} may vote")
    return problems


# Figures of one scale (heads or constituents): per option, present, members.
_Scale = tuple[Mapping[str, int], int, int]


def _decide(
    options: Sequence[str], rule: RuleLike, heads: _Scale, weights: _Scale | None
) -> Outcome:
    """Decide under the poll's threshold, base and tie rule: by heads, or by constituents
    when `weights` are given."""
    plain = majority.Rule(rule.threshold, rule.base, weights is not None, rule.tie)
    scales = (heads, weights or heads)
    if is_yes_no(options):
        yes_no = [
            majority.Tally(v.get("yes", 0), v.get("no", 0), v.get(ABSTAIN, 0), p, m)
            for v, p, m in scales
        ]
        return majority.decide(yes_no[0], plain, weights=yes_no[1] if weights else None)
    listed = [o for o in options if o != ABSTAIN]
    lists = [
        majority.OptionTally({o: v.get(o, 0) for o in listed}, v.get(ABSTAIN, 0), p, m)
        for v, p, m in scales
    ]
    return majority.decide_options(lists[0], plain, weights=lists[1] if weights else None)
