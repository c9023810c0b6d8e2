"""Polls: quorum to open, one ballot per seat, sealed at close, receipts that prove inclusion."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord, Organization
from tauride.db.polls import Ballot
from tauride.domain.merkle import verify_inclusion
from tauride.domain.polls import BadChoice, DoubleVote, NotEntitled, PollClosed, PollMethod
from tauride.domain.quorum import NoQuorum
from tauride.domain.sittings import SittingState
from tauride.services import polls, seals, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder


def _open_sitting(
    session: Session, org: Organization, body: str, present: int | None
) -> tuple[int, list[int], list[int]]:
    sitting = sittings.schedule_sitting(
        session, org, body, title="S", scheduled_for=None, actor="t"
    )
    sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
    members = current_memberships(session, get_body(session, org.id, body).id)
    voting = [m.mandate_id for m in members if not m.consultative]
    consultative = [m.mandate_id for m in members if m.consultative]
    for mandate_id in (voting if present is None else voting[:present]) + consultative:
        sittings.check_in(session, org, sitting.id, mandate_id, actor="t")
    return sitting.id, voting, consultative


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path("st-petersburg-1905"), actor="test")


def _last(session: Session, org: Organization, kind: str) -> dict[str, object]:
    record = session.scalars(
        select(JournalRecord)
        .where(JournalRecord.organization_id == org.id, JournalRecord.kind == kind)
        .order_by(JournalRecord.height.desc())
    ).first()
    assert record is not None
    return record.payload


def test_poll_does_not_open_without_quorum(session: Session, org: Organization) -> None:
    # The 1905 plenary's quorum is a third of its 88 deputies: 30.
    sitting_id, _, _ = _open_sitting(session, org, "plenary", present=29)
    with pytest.raises(NoQuorum, match="29 of 88 voting members present, 30 needed"):
        polls.open_poll(
            session, org, sitting_id, question="Strike?", method=PollMethod.ELECTRONIC, actor="t"
        )


def test_named_poll_counts_once_per_seat_and_records_who_voted_how(
    session: Session, org: Organization
) -> None:
    sitting_id, voting, consultative = _open_sitting(session, org, "executive", present=None)
    poll = polls.open_poll(
        session,
        org,
        sitting_id,
        question="Adopt the resolution?",
        method=PollMethod.ROLL_CALL,
        actor="t",
    )
    receipts = {}
    for i, mandate_id in enumerate(voting):
        receipts[mandate_id] = polls.cast_ballot(
            session, org, poll.id, mandate_id, "yes" if i < 14 else "no"
        )
    with pytest.raises(DoubleVote):
        polls.cast_ballot(session, org, poll.id, voting[0], "no")
    with pytest.raises(NotEntitled):
        polls.cast_ballot(session, org, poll.id, consultative[0], "yes")
    with pytest.raises(BadChoice):
        polls.cast_ballot(session, org, poll.id, voting[0], "maybe")
    outcome = polls.close_poll(session, org, poll.id, actor="t")
    assert outcome.carried is True
    assert (outcome.yes, outcome.no) == (14, 8)
    closed = _last(session, org, "poll.closed")
    assert closed["ballots"] == 22
    votes = dict(closed["votes"])  # type: ignore[union-attr]
    assert votes[voting[0]] == "yes"
    assert votes[voting[-1]] == "no"
    with pytest.raises(PollClosed):
        polls.cast_ballot(session, org, poll.id, voting[1], "no")
    proof = seals.inclusion_proof(session, org, poll.id, receipts[voting[3]])
    assert verify_inclusion(
        proof["leaf"].encode(),
        proof["index"],
        proof["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(closed["merkle_root"]),  # type: ignore[arg-type]
    )


def test_secret_ballot_keeps_choice_apart_from_the_voter(
    session: Session, org: Organization
) -> None:
    sitting_id, voting, _ = _open_sitting(session, org, "executive", present=None)
    poll = polls.open_poll(
        session,
        org,
        sitting_id,
        question="Strike?",
        method=PollMethod.SECRET,
        allow_change=True,
        actor="t",
    )
    first = polls.cast_ballot(session, org, poll.id, voting[0], "no")
    assert polls.cast_ballot(session, org, poll.id, voting[0], "yes", receipt=first) == first
    with pytest.raises(DoubleVote, match="receipt"):
        polls.cast_ballot(session, org, poll.id, voting[0], "no")
    for mandate_id in voting[1:12]:
        polls.cast_ballot(session, org, poll.id, mandate_id, "yes")
    rows = session.scalars(select(Ballot).where(Ballot.poll_id == poll.id)).all()
    assert all(b.mandate_id is None for b in rows)
    outcome = polls.close_poll(session, org, poll.id, actor="t")
    assert outcome.yes == 12
    closed = _last(session, org, "poll.closed")
    assert "votes" not in closed
    assert sorted(closed["participants"]) == sorted(voting[:12])  # type: ignore[arg-type]
    text = json.dumps(closed)
    assert str(voting[0]) in text  # participation is public, choices are not linked to it


def test_show_of_hands_and_the_chairs_casting_vote(session: Session, org: Organization) -> None:
    sitting_id, _, _ = _open_sitting(session, org, "plenary", present=40)
    poll = polls.open_poll(
        session, org, sitting_id, question="Adjourn?", method=PollMethod.SHOW_OF_HANDS, actor="t"
    )
    with pytest.raises(Exception, match="tellers"):
        polls.close_poll(session, org, poll.id, actor="t")
    polls.enter_hand_counts(
        session, org, poll.id, {"yes": 25, "no": 15, "abstain": 0}, actor="teller"
    )
    outcome = polls.close_poll(session, org, poll.id, actor="t")
    assert outcome.carried is True
    assert outcome.figure == "25 to 15 (62.5%)"
    second = polls.open_poll(
        session, org, sitting_id, question="Tie?", method=PollMethod.SHOW_OF_HANDS, actor="t"
    )
    with pytest.raises(Exception, match="only 40 may vote"):
        polls.enter_hand_counts(session, org, second.id, {"yes": 30, "no": 30}, actor="teller")
    polls.enter_hand_counts(session, org, second.id, {"yes": 20, "no": 20}, actor="teller")
    outcome = polls.close_poll(session, org, second.id, actor="t")
    assert outcome.carried is False  # the 1905 rule: a tie is lost
