"""Whether a question carried, from plain numbers: thresholds, bases, card votes, ties, quorum.

Every comparison is exact: counts are ints (or Fractions), thresholds are cross-multiplied,
nothing is rounded; the figures, the rule and the `Outcome` are the values of
`tauride.domain.majority_figures`. The conventions, where a constitution is silent, follow
Robert's Rules of Order Newly Revised (RONR, 12th ed.), §44 "Bases for determining a voting
result":

- "more than half": yes × 2 > base (RONR 1:7, 44:1 — a tie is not a majority).
- "two-thirds": yes × 3 ≥ base × 2 — *at least* two thirds (RONR 44:3).
- "three-fifths": yes × 5 ≥ base × 3 — at least three fifths, by the same convention.
- "unanimity": yes ≥ base and yes > 0, i.e. every vote in the base is yes. Over the votes
  cast that means no == 0: abstentions do not break unanimity unless the base includes them
  (cast-and-abstentions, present, members), where an abstention or absence is a vote not
  given for the question.
- "plurality": more yes than no; in a list poll, more votes than any other option.
- Nothing carries without at least one yes vote, whatever the threshold.
- Bases: "cast" = yes + no; "cast-and-abstentions" = yes + no + abstain; "present" and
  "members" as given (RONR §44 — majority of those present, of the entire membership).
- Card vote (`weighted`): the threshold is judged on the weighted figures; the quorum of
  participation is always counted in heads (mandates that took part), as attendance is.
- Ties (RONR §44, and §4 on the chair's vote): an equality is possible only under a simple
  majority — under "more than half" when yes is exactly half of the base, under
  "plurality" when the leaders are level. Qualified majorities (two thirds, three fifths,
  unanimity) are "at least" rules, so reaching the figure exactly carries and there is no
  tie to break. Under `tie = "lost"` a tie is lost; under `"casting-vote"` the outcome
  waits (`carried is None`) until the chair's casting vote is given, and that vote decides.
  In a list poll under a threshold other than plurality, no option reaching the threshold
  means nothing carried and balloting is repeated (RONR §46, repeated balloting); there is
  no casting vote.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import TypeVar

from tauride.domain.errors import Conflict, InvalidInput
from tauride.domain.majority_figures import (
    BASES,
    THRESHOLDS,
    TIE_RULES,
    BadTally,
    Number,
    OptionTally,
    Outcome,
    RuleLike,
    Tally,
    format_number,
    plain_number,
)
from tauride.domain.quorum import quorum_required

# Threshold → (share, strict): carried when yes/base > share (strict) or ≥ share.
SHARES: Mapping[str, tuple[Fraction, bool]] = {
    "more-than-half": (Fraction(1, 2), True),
    "two-thirds": (Fraction(2, 3), False),
    "three-fifths": (Fraction(3, 5), False),
    "unanimity": (Fraction(1), False),
}

_T = TypeVar("_T", "Tally", "OptionTally")

_BASE_WORDS = {
    "cast": "votes cast",
    "cast-and-abstentions": "votes cast and abstentions",
    "present": "present",
    "members": "members",
}


class CastingVoteRefused(Conflict):
    """A casting vote was given where the rule has none or there is no tie to settle."""

    kind = "casting-vote-refused"


def decide(
    tally: Tally,
    rule: RuleLike,
    *,
    weights: Tally | None = None,
    quorum: Fraction | None = None,
    casting_vote: bool | None = None,
) -> Outcome:
    """Decide whether a yes/no question carried under `rule`.

    `tally` counts heads; `weights` the same figures weighted, needed for a card vote.
    `quorum` is the share of members (heads) who must take part (yes, no or abstain) for
    the vote to count. `casting_vote` is the chair's vote on a tie (True for, False
    against), given only once an outcome has come back with `carried is None`.
    """
    figures = _checked(tally, weights, rule)
    votes = {"yes": figures.yes, "no": figures.no}
    return _decide(rule, tally, figures, votes, question="yes", quorum=quorum, vote=casting_vote)


def decide_options(
    tally: OptionTally,
    rule: RuleLike,
    *,
    weights: OptionTally | None = None,
    quorum: Fraction | None = None,
    casting_vote: str | None = None,
) -> Outcome:
    """Decide which option of a list poll, if any, carried under `rule`.

    Under "plurality" the option with most votes carries; level leaders are a tie for the
    tie rule, and a casting vote must name one of them. Under any other threshold the
    leading option carries only if its votes reach the threshold of the base.
    """
    if not tally.votes:
        raise BadTally("a list poll needs at least one option")
    if rule.weighted and weights is not None and list(weights.votes) != list(tally.votes):
        raise BadTally("the weighted figures must list the same options in the same order")
    figures = _checked(tally, weights, rule)
    return _decide(rule, tally, figures, figures.votes, quorum=quorum, vote=casting_vote)


def _decide(
    rule: RuleLike,
    heads: Tally | OptionTally,
    figures: Tally | OptionTally,
    votes: Mapping[str, Number],
    *,
    question: str | None = None,
    quorum: Fraction | None,
    vote: bool | str | None,
) -> Outcome:
    """Decide the outcome for `question` (yes/no poll) or for the leading option (list poll)."""
    top = max(votes.values())
    leaders = tuple(option for option, count in votes.items() if count == top)
    focus = question or leaders[0]
    yes = votes[focus]
    rival = max((count for option, count in votes.items() if option != focus), default=0)
    cast = sum(votes.values())
    base = _base(rule.base, cast, figures)
    grain = _grain(*votes.values(), figures.abstain, figures.present, figures.members)
    required = _required(rule.threshold, base, rival, grain)
    met = _meets(rule.threshold, yes, base, rival)
    # Level leaders under plurality; exactly half under "more than half" (yes/no only).
    tie = yes > 0 and (
        (rule.threshold == "plurality" and len(leaders) > 1 and yes == top)
        or (rule.threshold == "more-than-half" and question is not None and yes * 2 == base)
    )
    tied = leaders if tie and question is None else ()
    if vote is not None and tied and vote not in tied:
        raise CastingVoteRefused(f"the casting vote must go to one of: {', '.join(tied)}")

    participants = sum(_votes(heads).values()) + heads.abstain
    quorum_needed: int | None = None
    if quorum is not None:
        if heads.members is None:
            raise BadTally("a quorum of participation needs the number of members")
        quorum_needed = quorum_required(quorum, int(heads.members))
    quorum_failed = quorum_needed is not None and participants < quorum_needed
    awaiting = tie and rule.tie == "casting-vote" and not quorum_failed
    if vote is not None and not awaiting:
        if rule.tie != "casting-vote":
            raise CastingVoteRefused("this rule gives the chair no casting vote")
        raise CastingVoteRefused("a casting vote settles a tie, and there is no tie to settle")

    who = focus if question is None else ""
    figures_text = _figures_text(rule, yes, base, required, tied=tied, who=who)
    carried: bool | None = met
    if quorum_failed:
        carried = False
        reason = (
            f"no quorum: {format_number(participants)} of {format_number(heads.members or 0)} "
            f"members took part, {quorum_needed} needed"
        )
    elif awaiting and vote is None:
        carried = None
        reason = f"tie: {figures_text}; awaiting the chair's casting vote"
    elif awaiting:
        carried = vote is not False
        named = f" for {vote}" if isinstance(vote, str) else ""
        reason = f"{'carried' if carried else 'lost'} on the chair's casting vote{named}: "
        reason += figures_text
    elif tie:
        carried = False
        reason = f"lost on a tie: {figures_text}"
    else:
        reason = f"{'carried' if met else 'lost'}: {figures_text}"
    winner = None
    if carried and question is None:
        winner = vote if isinstance(vote, str) else focus
    return Outcome(
        carried=carried,
        threshold=rule.threshold,
        basis=rule.base,
        weighted=rule.weighted,
        yes=plain_number(yes),
        no=plain_number(cast - yes),
        abstain=plain_number(figures.abstain),
        base=plain_number(base),
        required=required,
        share=Fraction(yes) / base if base else None,
        reason=reason,
        tie=tie,
        quorum_failed=quorum_failed,
        participants=int(participants),
        quorum_needed=quorum_needed,
        casting_vote=vote,
        winner=winner,
        tied=tied,
    )


def _base(basis: str, cast: Number, figures: Tally | OptionTally) -> Number:
    if basis in ("cast", "cast-and-abstentions"):
        return cast + (figures.abstain if basis == "cast-and-abstentions" else 0)
    given = figures.present if basis == "present" else figures.members
    if given is None:
        raise BadTally(f"the base {basis!r} needs the number of {_BASE_WORDS[basis]}")
    return given


def _figures_text(
    rule: RuleLike, yes: Number, base: Number, required: Number, *, tied: tuple[str, ...], who: str
) -> str:
    """Write the figures a decision rests on: "812 of 1,020 votes cast, more than half…"."""
    named = f"{' and '.join(tied) or who} with " if who else ""
    return (
        f"{named}{format_number(yes)}{' each' if tied else ''} of {format_number(base)} "
        f"{_BASE_WORDS[rule.base]}{' (card vote)' if rule.weighted else ''}, "
        f"{rule.threshold.replace('-', ' ')} needed {format_number(required)}"
    )


def _required(threshold: str, base: Number, rival: Number, grain: Fraction) -> Number:
    """Decide the smallest yes (a positive multiple of `grain`) that carries on `base`."""
    if threshold == "plurality":
        return plain_number(rival + grain)
    share, strict = SHARES[threshold]
    steps = base * share / grain
    k = math.floor(steps) + 1 if strict else math.ceil(steps)
    return plain_number(max(k, 1) * grain)


def _grain(*values: Number | None) -> Fraction:
    """The tally's unit: one over the common denominator of every figure (1 for counts)."""
    denominator = 1
    for value in values:
        if isinstance(value, Fraction):
            denominator = math.lcm(denominator, value.denominator)
    return Fraction(1, denominator)


def _meets(threshold: str, yes: Number, base: Number, rival: Number) -> bool:
    """Decide whether `yes` reaches the threshold: the rule's own words, cross-multiplied."""
    if yes <= 0:
        return False  # nothing carries without a yes vote
    if threshold == "more-than-half":
        return yes * 2 > base
    if threshold == "two-thirds":
        return yes * 3 >= base * 2
    if threshold == "three-fifths":
        return yes * 5 >= base * 3
    if threshold == "unanimity":
        return yes >= base
    return yes > rival  # plurality


def _checked(tally: _T, weights: _T | None, rule: RuleLike) -> _T:
    """Refuse an unknown rule or impossible figures; return the figures the rule judges."""
    known = {"threshold": THRESHOLDS, "base": BASES, "tie": TIE_RULES}
    if problems := [
        f"unknown {k} {getattr(rule, k)!r}" for k in known if getattr(rule, k) not in known[k]
    ]:
        raise InvalidInput(problems)
    _check_tally(tally, "heads")
    if not rule.weighted:
        return tally
    if weights is None:
        raise BadTally("a card vote needs the weighted figures")
    _check_tally(weights, "weights")
    return weights


def _votes(tally: Tally | OptionTally) -> Mapping[str, Number]:
    return {"yes": tally.yes, "no": tally.no} if isinstance(tally, Tally) else tally.votes


def _check_tally(tally: Tally | OptionTally, scale: str) -> None:
    """Refuse figures that cannot all be true.

    Heads are whole numbers; weights may be fractions. Nobody takes part who is not
    present, and nobody is present who is not a member.
    """
    counts: dict[str, object] = {f"votes for {o!r}": n for o, n in _votes(tally).items()}
    counts |= {"abstain": tally.abstain, "present": tally.present, "members": tally.members}
    for name, value in counts.items():
        # bool is an int subclass and float is inexact: neither is a count.
        kinds = int if scale == "heads" else int | Fraction
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
            raise BadTally(f"{name} ({scale}) must be a count of {scale}, not {value!r}")
    voted = sum(_votes(tally).values()) + tally.abstain
    present, members = tally.present, tally.members
    if present is not None and voted > present:
        raise BadTally(f"{voted} took part but only {present} are present ({scale})")
    if members is not None and max(voted, present or 0) > members:
        raise BadTally(f"more took part or are present than the {members} members ({scale})")
