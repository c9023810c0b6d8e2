"""Who stands behind a closed poll's choices, and how it goes by heads and by constituents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tauride.db.models import Body, BodyMembership, JournalRecord, Mandate
from tauride.db.polls import Ballot, HandCount, Participation, Poll, PollElector
from tauride.domain import majority_figures
from tauride.domain.errors import Conflict, NotFound
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
from tauride.queries.organizations import organization_by_slug


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
    org = organization_by_slug(session, slug)
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
