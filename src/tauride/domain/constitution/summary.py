"""Plain-language descriptions of a constitution's rules, for summaries and pages."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from tauride.domain.constitution.model import (
    BodyRule,
    Constitution,
    MajorityRule,
    RepresentationRule,
)


def share_text(share: Fraction) -> str:
    """Write a share the way a rule book does: "1/2", "2/3", "all", "none"."""
    if share == 0:
        return "none"
    if share == 1:
        return "all"
    return f"{share.numerator}/{share.denominator}"


def majority_text(rule: MajorityRule) -> str:
    """Describe a majority rule: "more than half of votes cast, card vote"."""
    base = {
        "cast": "votes cast",
        "cast-and-abstentions": "votes cast including abstentions",
        "present": "members present",
        "members": "all members",
    }[rule.base]
    threshold = rule.threshold.replace("-", " ")
    text = f"{threshold} of {base}" if rule.threshold != "plurality" else "plurality"
    if rule.weighted:
        text += ", card vote"
    if rule.tie == "casting-vote":
        text += ", chair's casting vote on a tie"
    return text


def representation_text(rule: RepresentationRule) -> str:
    """Describe a representation rule: "one seat per 1000, rounded down, at least 1"."""
    if rule.rule == "ratio":
        text = f"one seat per {rule.ratio}, rounded {rule.rounding}"
        if rule.minimum:
            text += f", at least {rule.minimum}"
        if rule.group_below:
            text += f", units below {rule.ratio} grouped"
    elif rule.rule == "per-unit":
        text = f"{rule.seats} seat(s) per unit"
    else:
        text = f"{rule.seats} seats shared by {rule.method}"
    if rule.voting_from is not None:
        text += f"; voting delegates from {rule.voting_from}"
    if rule.consultative_from is not None:
        text += f", {rule.consultative_seats} consultative from {rule.consultative_from}"
    return text


def composition_text(body: BodyRule) -> str:
    """Describe who sits in a body."""
    parts: list[str] = []
    if body.from_kinds:
        parts.append("delegates of " + ", ".join(body.from_kinds))
    if body.from_bodies:
        parts.append("members of " + ", ".join(body.from_bodies))
    if body.elected_by:
        parts.append(f"{body.seats} elected by {body.elected_by} ({body.method})")
    if body.ex_officio:
        parts.append("ex officio: " + ", ".join(body.ex_officio))
    if body.consultative:
        seats = sum(s.seats for s in body.consultative)
        groups = ", ".join(f"{s.seats} {s.faction}" for s in body.consultative)
        parts.append(f"{seats} consultative ({groups})")
    return "; ".join(parts)


@dataclass(frozen=True)
class BodySummary:
    key: str
    name: str
    kind: str
    composition: str
    fixed_seats: int | None
    consultative_seats: int
    quorum: str
    majority: str


def summarize_bodies(constitution: Constitution) -> list[BodySummary]:
    """One line per body: composition, fixed seats where the rules fix them, quorum, majority."""
    return [
        BodySummary(
            key=key,
            name=body.name,
            kind=body.kind,
            composition=composition_text(body),
            fixed_seats=body.seats
            if body.elected_by and not (body.from_kinds or body.from_bodies)
            else None,
            consultative_seats=sum(s.seats for s in body.consultative),
            quorum=share_text(body.quorum),
            majority=majority_text(body.majority),
        )
        for key, body in constitution.bodies.items()
    ]
