"""Decide who stands behind a poll's choices, and whether heads and constituents agree.

Poll representativeness attributes the constituents a seat stands for to the choice made
in that seat, as far as the method of voting lets anyone know the choice (see
`Attribution`), and decides the poll twice under its own majority rule: by heads, and
weighted by constituents. Constituents are whole numbers; every sum is exact.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tauride.domain import majority
from tauride.domain.errors import InvalidInput
from tauride.domain.majority_figures import OptionTally, Outcome, Rule, RuleLike, Tally
from tauride.domain.polls import ABSTAIN, is_yes_no


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
    plain = Rule(rule.threshold, rule.base, weights is not None, rule.tie)
    scales = (heads, weights or heads)
    if is_yes_no(options):
        yes_no = [
            Tally(v.get("yes", 0), v.get("no", 0), v.get(ABSTAIN, 0), p, m) for v, p, m in scales
        ]
        return majority.decide(yes_no[0], plain, weights=yes_no[1] if weights else None)
    listed = [o for o in options if o != ABSTAIN]
    lists = [
        OptionTally({o: v.get(o, 0) for o in listed}, v.get(ABSTAIN, 0), p, m) for v, p, m in scales
    ]
    return majority.decide_options(lists[0], plain, weights=lists[1] if weights else None)
