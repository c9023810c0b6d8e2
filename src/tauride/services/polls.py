"""Polls: opened on a frozen electorate, cast once per seat, closed under lock and sealed."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tauride.db.models import Mandate, Organization
from tauride.db.polls import Ballot, HandCount, Participation, Poll, PollElector
from tauride.domain import majority_figures
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.polls import (
    YES_NO_ABSTAIN,
    BadChoice,
    DoubleVote,
    NotEntitled,
    PollClosed,
    PollMethod,
    PollState,
    check_options,
    check_ranking,
)
from tauride.domain.quorum import Member, check_quorum, freeze_electorate
from tauride.services import journal, outcomes, seals
from tauride.services.bodies import current_memberships
from tauride.services.organizations import current_constitution
from tauride.services.sittings import get_sitting, lock_sitting, present_rows, require_open


class CastingVoteNeeded(Conflict):
    kind = "casting-vote-needed"


def get_poll(session: Session, org: Organization, poll_id: int, *, lock: str = "") -> Poll:
    """The poll, optionally under its row lock ("share" for a cast, "update" to close)."""
    query = select(Poll).where(Poll.id == poll_id, Poll.organization_id == org.id)
    if lock == "share":
        query = query.with_for_update(read=True)
    elif lock == "update":
        query = query.with_for_update()
    poll = session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    if poll is None:
        raise NotFound(f"no poll {poll_id} in {org.slug}")
    return poll


def open_poll(
    session: Session,
    org: Organization,
    sitting_id: int,
    *,
    question: str,
    method: PollMethod,
    options: Sequence[str] = YES_NO_ABSTAIN,
    motion_id: int | None = None,
    threshold: majority_figures.Threshold | None = None,
    allow_change: bool = False,
    kind: str = "question",
    actor: str,
) -> Poll:
    """Open a poll of the sitting's body on the members present now.

    The electorate is frozen here: present voting members (an alternate in the seat of an
    absent principal), with their weights; consultative seats are left out. Without a
    quorum present the poll does not open.
    """
    sitting = lock_sitting(session, get_sitting(session, org, sitting_id))
    require_open(sitting)
    if not question.strip():
        raise InvalidInput("question: must not be empty")
    options = check_options(options)
    _, constitution = current_constitution(session, org.id)
    body_rule = constitution.bodies[sitting.body.key]
    rule = majority_figures.Rule(
        threshold=threshold or body_rule.majority.threshold,
        base=body_rule.majority.base,
        weighted=body_rule.majority.weighted,
        tie=body_rule.majority.tie,
    )
    if rule.weighted and method is PollMethod.SHOW_OF_HANDS:
        raise InvalidInput("method: a card vote cannot be taken by show of hands")
    memberships = current_memberships(session, sitting.body_id)
    represents = {
        m.id: m.represents
        for m in session.scalars(
            select(Mandate).where(Mandate.id.in_([ms.mandate_id for ms in memberships]))
        )
    }

    def weight(mandate_id: int) -> int:
        return represents[mandate_id] if rule.weighted else 1

    roll = [Member(m.mandate_id, weight(m.mandate_id), None, m.consultative) for m in memberships]
    present = present_rows(session, sitting.id)
    alternates = {r.mandate_id: r.for_mandate_id for r in present if r.for_mandate_id}
    roll += [Member(alt, weight(principal), principal) for alt, principal in alternates.items()]
    electorate = freeze_electorate(roll, {r.mandate_id for r in present}, alternates)
    check_quorum(electorate.present, electorate.members, body_rule.quorum)
    poll = Poll(
        organization_id=org.id,
        body_id=sitting.body_id,
        sitting_id=sitting.id,
        motion_id=motion_id,
        question=question.strip(),
        method=method.value,
        options=list(options),
        rule={
            **asdict(rule),
            "quorum": f"{body_rule.quorum.numerator}/{body_rule.quorum.denominator}",
            "members": electorate.members,
            "member_weight": electorate.member_weight,
            "present": electorate.present,
            "present_weight": electorate.present_weight,
        },
        state=PollState.OPEN.value,
        allow_change=allow_change,
        kind=kind,
    )
    session.add(poll)
    session.flush()
    session.add_all(
        PollElector(
            poll_id=poll.id,
            mandate_id=seat.voter_id,
            weight=seat.weight,
            represents=represents.get(seat.mandate_id, 0),
        )
        for seat in electorate.seats
    )
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="poll.opened",
        payload={
            "poll": poll.id,
            "sitting": sitting.id,
            "body": sitting.body.key,
            "motion": motion_id,
            "question": poll.question,
            "method": method.value,
            "kind": kind,
            "options": list(options),
            "rule": poll.rule,
            "electorate": [[s.voter_id, s.mandate_id, s.weight] for s in electorate.seats],
        },
    )
    return poll


def cast_ballot(
    session: Session,
    org: Organization,
    poll_id: int,
    voter_id: int,
    choice: str,
    *,
    receipt: str | None = None,
    ranking: Sequence[str] | None = None,
) -> str:
    """Record a ballot and the voter's participation together; return the receipt.

    Holds the poll row in share mode until commit, so a close (which takes it exclusively)
    waits for ballots in flight and no ballot lands after it. The participation row is
    UNIQUE(poll, mandate): a second cast fails unless the poll allows a change, and then a
    secret ballot is found only by the receipt its voter holds.
    """
    poll = get_poll(session, org, poll_id, lock="share")
    if poll.state != PollState.OPEN.value:
        raise PollClosed(f"poll {poll_id} is closed")
    method = PollMethod(poll.method)
    if method.counted_by_tellers:
        raise InvalidInput(f"poll {poll_id} is a show of hands: the tellers enter its counts")
    elector = session.execute(
        select(PollElector).where(
            PollElector.poll_id == poll.id, PollElector.mandate_id == voter_id
        )
    ).scalar_one_or_none()
    if elector is None:
        raise NotEntitled(f"mandate {voter_id} is not entitled to vote in poll {poll_id}")
    if poll.kind == "election":
        if ranking is None:
            raise BadChoice("ranking: an election ballot ranks candidates (most preferred first)")
        ranking = check_ranking(ranking, poll.options)
        choice = ""
    elif choice not in poll.options:
        raise BadChoice(f"choice: '{choice}' is not one of {', '.join(poll.options)}")
    try:
        with session.begin_nested():
            session.add(Participation(poll_id=poll.id, mandate_id=voter_id))
            session.flush()
    except IntegrityError:
        return _change_ballot(session, poll, voter_id, choice, receipt, ranking)
    new_receipt = secrets.token_hex(16)
    session.add(
        Ballot(
            id=secrets.token_hex(16),
            poll_id=poll.id,
            mandate_id=voter_id if method.named else None,
            choice=choice,
            ranking=list(ranking) if ranking is not None else None,
            weight=elector.weight,
            receipt=new_receipt,
        )
    )
    session.flush()
    return new_receipt


def _change_ballot(
    session: Session,
    poll: Poll,
    voter_id: int,
    choice: str,
    receipt: str | None,
    ranking: Sequence[str] | None,
) -> str:
    if not poll.allow_change:
        raise DoubleVote(f"mandate {voter_id} has already voted in poll {poll.id}")
    if PollMethod(poll.method).named:
        found = select(Ballot).where(Ballot.poll_id == poll.id, Ballot.mandate_id == voter_id)
    else:
        found = select(Ballot).where(Ballot.poll_id == poll.id, Ballot.receipt == (receipt or ""))
    ballot = session.execute(found).scalar_one_or_none()
    if ballot is None:
        raise DoubleVote("to change a secret ballot, give the receipt of the first one")
    ballot.choice = choice
    ballot.ranking = list(ranking) if ranking is not None else None
    session.flush()
    return ballot.receipt


def enter_hand_counts(
    session: Session, org: Organization, poll_id: int, counts: Mapping[str, int], *, actor: str
) -> None:
    """Record the tellers' counts of a show of hands (a later entry replaces an earlier)."""
    poll = get_poll(session, org, poll_id, lock="update")
    if poll.state != PollState.OPEN.value:
        raise PollClosed(f"poll {poll_id} is closed")
    if not PollMethod(poll.method).counted_by_tellers:
        raise InvalidInput(f"poll {poll_id} is not a show of hands")
    problems = [
        f"counts: '{o}' is not an option of poll {poll_id}" for o in counts if o not in poll.options
    ]
    problems += [f"counts.{o}: must be a whole number ≥ 0" for o, n in counts.items() if n < 0]
    if sum(counts.values()) > poll.rule["present"]:
        problems.append(
            f"counts: {sum(counts.values())} hands, but only {poll.rule['present']} may vote"
        )
    if problems:
        raise InvalidInput(problems)
    for row in session.scalars(select(HandCount).where(HandCount.poll_id == poll.id)):
        session.delete(row)
    session.flush()
    session.add_all(
        HandCount(poll_id=poll.id, option=o, count=counts.get(o, 0), entered_by=actor)
        for o in poll.options
    )
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="poll.hands_counted",
        payload={"poll": poll.id, "counts": {o: counts.get(o, 0) for o in poll.options}},
    )


def close_poll(
    session: Session,
    org: Organization,
    poll_id: int,
    *,
    casting_vote: bool | str | None = None,
    actor: str,
) -> majority_figures.Outcome:
    """Close a poll: count, decide by its rule, seal the ballots and journal the result.

    Takes the poll row's exclusive lock first, so that every ballot committed before the
    close is counted and none can land after it.
    """
    poll = get_poll(session, org, poll_id, lock="update")
    if poll.state != PollState.OPEN.value:
        raise PollClosed(f"poll {poll_id} is closed")
    if poll.kind == "election":
        raise Conflict(f"poll {poll_id} is an election: it is closed by counting it")
    method = PollMethod(poll.method)
    ballots = list(
        session.scalars(select(Ballot).where(Ballot.poll_id == poll.id).order_by(Ballot.receipt))
    )
    heads: dict[str, int] = dict.fromkeys(poll.options, 0)
    weights: dict[str, int] = dict.fromkeys(poll.options, 0)
    if method.counted_by_tellers:
        counts = list(session.scalars(select(HandCount).where(HandCount.poll_id == poll.id)))
        if not counts:
            raise Conflict(f"poll {poll_id}: the tellers have not entered the counts")
        for row in counts:
            heads[row.option] = weights[row.option] = row.count
    for ballot in ballots:
        heads[ballot.choice] += 1
        weights[ballot.choice] += ballot.weight
    outcome = outcomes.decide_poll(poll, heads, weights, casting_vote)
    if outcome.carried is None:
        raise CastingVoteNeeded(
            f"poll {poll_id} is tied ({outcome.reason}): the chair's casting vote decides"
        )
    participants = seals.seal(session, poll, ballots)
    poll.outcome = outcomes.outcome_record(outcome)
    session.flush()
    payload: dict[str, Any] = {
        "poll": poll.id,
        "method": method.value,
        "counts": heads,
        "weighted_counts": weights if poll.rule["weighted"] else None,
        "outcome": poll.outcome,
        "ballots": len(ballots),
        "merkle_root": poll.merkle_root,
        "participants": participants,
    }
    if method.named:
        payload["votes"] = [[b.mandate_id, b.choice] for b in ballots]
    journal.append(session, org.id, actor=actor, kind="poll.closed", payload=payload)
    return outcome
