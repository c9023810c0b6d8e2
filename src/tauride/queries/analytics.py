"""Read models of representativeness: who stands behind a body's seats and a poll's choices.

Never writes. The figures come from the domain (`domain/malapportionment.py` and
`domain/poll_backing.py`); these functions only gather what it needs from the record.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tauride.db.models import (
    Body,
    BodyMembership,
    Constituency,
    ConstitutionVersion,
    JournalRecord,
    Mandate,
    Organization,
)
from tauride.db.polls import Ballot, HandCount, Participation, Poll, PollElector
from tauride.domain import majority_figures
from tauride.domain.constitution import parse_constitution
from tauride.domain.errors import Conflict, NotFound
from tauride.domain.malapportionment import (
    UNATTACHED,
    Malapportionment,
    SeatHolder,
    ShareLine,
    districts_of,
    malapportionment,
)
from tauride.domain.poll_backing import (
    Backing,
    Counted,
    Elector,
    Named,
    PollBacking,
    poll_backing,
    verdict,
)
from tauride.domain.polls import PollMethod, PollState


def decimal(value: Fraction | None) -> float | None:
    """A ratio for JSON and display: a float rounded to six places (exact forms go apart)."""
    return None if value is None else round(float(value), 6)


def exact(value: Fraction | None) -> str | None:
    """A ratio written exactly, "n/d" (or "n" when whole)."""
    return None if value is None else str(value)


@dataclass(frozen=True)
class KindName:
    """A constituency kind as the constitution names it, and what its size counts."""

    name: str
    unit: str


@dataclass(frozen=True)
class BodyRepresentativeness:
    organization: str
    body: str
    name: str
    kinds: Mapping[str, KindName]
    measures: Malapportionment

    def kind_name(self, kind: str) -> KindName:
        return self.kinds.get(kind, KindName(kind, "constituents"))

    def as_dict(self) -> dict[str, Any]:
        m = self.measures
        disparity = m.kind_disparity()
        return {
            "organization": self.organization,
            "body": self.body,
            "name": self.name,
            "constituents": m.size,
            "seats": m.seats,
            "per_seat": {
                "mean": decimal(m.mean_per_seat),
                "min": {
                    "constituency": m.min_per_seat.name,
                    "value": decimal(m.min_per_seat.per_seat),
                },
                "max": {
                    "constituency": m.max_per_seat.name,
                    "value": decimal(m.max_per_seat.per_seat),
                },
                "max_min_ratio": decimal(m.max_min_ratio),
            },
            "loosemore_hanby": decimal(m.loosemore_hanby),
            "gallagher": round(m.gallagher, 6),
            "between_kinds": {
                "loosemore_hanby": decimal(m.kind_loosemore_hanby),
                "gallagher": round(math.sqrt(m.kind_gallagher_squared), 6),
            },
            "kinds": [
                {
                    **_line(k),
                    "name": self.kind_name(k.kind).name,
                    "unit": self.kind_name(k.kind).unit,
                }
                for k in m.kinds
            ],
            "disparity": None
            if disparity is None
            else {
                "favoured": disparity[0],
                "against": disparity[1],
                "ratio": decimal(disparity[2]),
            },
            "constituencies": [_line(d) for d in m.districts],
            "unrepresented": [d.name for d in m.unrepresented],
            "exact": {
                "mean_per_seat": exact(m.mean_per_seat),
                "max_min_ratio": exact(m.max_min_ratio),
                "loosemore_hanby": exact(m.loosemore_hanby),
                "gallagher_squared": exact(m.gallagher_squared),
                "disparity": exact(disparity[2]) if disparity else None,
            },
        }


def _line(line: ShareLine) -> dict[str, Any]:
    return {
        "name": line.name,
        "kind": line.kind,
        "units": line.units,
        "constituents": line.size,
        "seats": line.seats,
        "per_seat": decimal(line.per_seat),
        "population_share": decimal(line.population_share),
        "seat_share": decimal(line.seat_share),
        "voice": decimal(line.voice),
    }


def _organization(session: Session, slug: str) -> Organization:
    org = session.execute(
        select(Organization).where(Organization.slug == slug)
    ).scalar_one_or_none()
    if org is None:
        raise NotFound(f"no organization '{slug}'")
    return org


def _kind_names(session: Session, org_id: int) -> dict[str, KindName]:
    source = session.execute(
        select(ConstitutionVersion.source)
        .where(ConstitutionVersion.organization_id == org_id)
        .order_by(ConstitutionVersion.version.desc())
        .limit(1)
    ).scalar_one()
    kinds = parse_constitution(source).constituency_kinds
    return {key: KindName(k.name, k.unit) for key, k in kinds.items()} | {
        UNATTACHED: KindName("No constituency", "constituents")
    }


def body_representativeness(session: Session, slug: str, body_key: str) -> BodyRepresentativeness:
    """Measure how a body's voting seats are shared against the constituents behind them.

    The body's current voting members are grouped by the constituency that elected them; a
    constituency's constituents in the body are what its seated delegates stand for
    (`Mandate.represents`), which is its whole size when all its delegates sit there.
    """
    org = _organization(session, slug)
    body = session.execute(
        select(Body).where(Body.organization_id == org.id, Body.key == body_key)
    ).scalar_one_or_none()
    if body is None:
        raise NotFound(f"no body '{body_key}' in {slug}")
    rows = session.execute(
        select(Constituency.name, Constituency.kind, Mandate.represents)
        .select_from(BodyMembership)
        .join(Mandate, BodyMembership.mandate_id == Mandate.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .where(
            BodyMembership.body_id == body.id,
            BodyMembership.ended_at.is_(None),
            BodyMembership.consultative.is_(False),
        )
        .order_by(Constituency.id.is_(None), Constituency.id, Mandate.id)
    ).all()
    holders = [SeatHolder(name, kind, int(represents)) for name, kind, represents in rows]
    return BodyRepresentativeness(
        organization=org.slug,
        body=body.key,
        name=body.name,
        kinds=_kind_names(session, org.id),
        measures=malapportionment(districts_of(holders)),
    )


@dataclass(frozen=True)
class PollRepresentativeness:
    organization: str
    poll: int
    body: str
    question: str
    method: str
    kind: str
    recorded: dict[str, Any] | None
    backing: PollBacking

    def as_dict(self) -> dict[str, Any]:
        b = self.backing
        return {
            "organization": self.organization,
            "poll": self.poll,
            "body": self.body,
            "question": self.question,
            "method": self.method,
            "kind": self.kind,
            "attribution": b.attribution.value,
            "note": b.attribution.note,
            "options": {o: _backing(line) for o, line in b.options.items()},
            "voted": _backing(b.voted),
            "did_not_vote": _backing(b.did_not_vote),
            "not_present": _backing(b.not_present),
            "absent": _backing(b.absent),
            "present": _backing(b.present),
            "members": _backing(b.members),
            "recorded": self.recorded,
            "by_heads": _outcome(b.by_heads),
            "by_constituents": _outcome(b.by_constituents),
            "differs": b.differs,
        }


def _backing(line: Backing) -> dict[str, int | None]:
    return {"heads": line.heads, "constituents": line.constituents}


def _outcome(outcome: majority_figures.Outcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "verdict": verdict(outcome),
        "carried": outcome.carried,
        "winner": outcome.winner,
        "figure": outcome.figure,
        "reason": outcome.reason,
    }


def poll_representativeness(session: Session, slug: str, poll_id: int) -> PollRepresentativeness:
    """Attribute a closed poll's choices, abstentions and absences to the constituents behind
    the seats, and decide it again by heads and by constituents under its own rule.

    The electorate is the one frozen when the poll opened. Members not present are the
    body's voting members at that moment whose seat nobody took (the journal's opening entry
    names the seats taken); the constituents behind them are what their mandates stand for
    now, since only the present seats' figures were frozen. An open poll is refused: a
    running tally of a secret ballot is nobody's business until it closes.
    """
    org = _organization(session, slug)
    row = session.execute(
        select(Poll, Body.key)
        .join(Body, Poll.body_id == Body.id)
        .where(Poll.id == poll_id, Poll.organization_id == org.id)
    ).first()
    if row is None:
        raise NotFound(f"no poll {poll_id} in {slug}")
    poll, body_key = row
    if poll.state != PollState.CLOSED.value:
        raise Conflict(f"poll {poll_id} is still open: its representativeness is read once closed")
    electors = [
        Elector(voter, represents)
        for voter, represents in session.execute(
            select(PollElector.mandate_id, PollElector.represents)
            .where(PollElector.poll_id == poll.id)
            .order_by(PollElector.mandate_id)
        )
    ]
    election = poll.kind == "election"
    rule = None if election else _rule(poll.rule)
    options = () if election else tuple(poll.options)
    backing = poll_backing(
        options, rule, electors, _not_present(session, poll), _choices(session, poll)
    )
    return PollRepresentativeness(
        organization=org.slug,
        poll=poll.id,
        body=body_key,
        question=poll.question,
        method=poll.method,
        kind=poll.kind,
        recorded=poll.outcome,
        backing=backing,
    )


def _rule(figures: Mapping[str, Any]) -> majority_figures.Rule:
    return majority_figures.Rule(
        figures["threshold"], figures["base"], figures["weighted"], figures["tie"]
    )


def _choices(session: Session, poll: Poll) -> Named | Counted:
    """What the record lets anyone know of the choices: by voter, or only as totals."""
    method = PollMethod(poll.method)
    if method.counted_by_tellers:
        hands = session.execute(
            select(HandCount.option, HandCount.count).where(HandCount.poll_id == poll.id)
        )
        return Counted(dict(hands.all()))
    ballots = session.execute(
        select(Ballot.mandate_id, Ballot.choice, Ballot.weight).where(Ballot.poll_id == poll.id)
    ).all()
    if poll.kind == "election":
        return Counted({}, _participants(session, poll))
    if method.named:
        return Named({voter: choice for voter, choice, _ in ballots if voter is not None})
    heads = Counter(choice for _, choice, _ in ballots)
    weights: Counter[str] = Counter()
    for _, choice, weight in ballots:
        weights[choice] += weight
    # In a card vote every ballot weighs what its seat stands for, so its weight is public.
    return Counted(
        dict(heads), _participants(session, poll), weights if poll.rule["weighted"] else None
    )


def _participants(session: Session, poll: Poll) -> frozenset[int]:
    return frozenset(
        session.scalars(select(Participation.mandate_id).where(Participation.poll_id == poll.id))
    )


def _not_present(session: Session, poll: Poll) -> list[int]:
    """The constituents behind each voting member whose seat was empty when the poll opened."""
    seated = _seated_principals(session, poll)
    at = poll.opened_at
    rows = session.execute(
        select(Mandate.id, Mandate.represents)
        .select_from(BodyMembership)
        .join(Mandate, BodyMembership.mandate_id == Mandate.id)
        .where(
            BodyMembership.body_id == poll.body_id,
            BodyMembership.consultative.is_(False),
            BodyMembership.started_at <= at,
            or_(BodyMembership.ended_at.is_(None), BodyMembership.ended_at > at),
        )
        .order_by(Mandate.id)
    ).all()
    return [int(represents) for mandate, represents in rows if mandate not in seated]


def _seated_principals(session: Session, poll: Poll) -> set[int]:
    """The members whose seat was filled at opening, by themselves or an alternate, as the
    journal's `poll.opened` entry records them ([voter, principal, weight] per seat)."""
    for payload in session.scalars(
        select(JournalRecord.payload)
        .where(
            JournalRecord.organization_id == poll.organization_id,
            JournalRecord.kind == "poll.opened",
        )
        .order_by(JournalRecord.height.desc())
    ):
        if payload.get("poll") == poll.id:
            return {int(principal) for _, principal, _ in payload["electorate"]}
    raise NotFound(f"poll {poll.id}: its opening is not in the journal")
