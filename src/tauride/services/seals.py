"""Sealing a poll's ballots into a Merkle tree, and proving a ballot's inclusion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.db.polls import Ballot, Participation, Poll
from tauride.domain.errors import Conflict, NotFound
from tauride.domain.merkle import MerkleTree
from tauride.domain.polls import PollState, ballot_leaf


def leaf_of(poll: Poll, ballot: Ballot) -> bytes:
    """The Merkle leaf of one ballot of the poll."""
    return ballot_leaf(
        poll.id, ballot.receipt, ballot.choice, ballot.weight, ballot.mandate_id, ballot.ranking
    )


def seal(session: Session, poll: Poll, ballots: list[Ballot]) -> list[int]:
    """Close the poll and seal its ballots, ordered by receipt, into a Merkle tree.

    The caller holds the poll row's exclusive lock. Returns the participants' mandates.
    """
    tree = MerkleTree([leaf_of(poll, b) for b in ballots])
    for index, ballot in enumerate(ballots):
        ballot.sealed_index = index
    poll.state = PollState.CLOSED.value
    poll.closed_at = dt.datetime.now(dt.UTC)
    poll.ballot_count = len(ballots)
    poll.merkle_root = tree.root.hex()
    return sorted(
        session.scalars(select(Participation.mandate_id).where(Participation.poll_id == poll.id))
    )


def inclusion_proof(
    session: Session, org: Organization, poll_id: int, receipt: str
) -> dict[str, Any]:
    """Show that the ballot with this receipt is in the poll's sealed tree."""
    poll = session.get(Poll, poll_id)
    if poll is None or poll.organization_id != org.id:
        raise NotFound(f"no poll {poll_id} in {org.slug}")
    if poll.state != PollState.CLOSED.value or poll.merkle_root is None:
        raise Conflict(f"poll {poll_id} is not sealed yet")
    ballots = list(
        session.scalars(
            select(Ballot).where(Ballot.poll_id == poll.id).order_by(Ballot.sealed_index)
        )
    )
    mine = next((b for b in ballots if b.receipt == receipt), None)
    if mine is None or mine.sealed_index is None:
        raise NotFound(f"no ballot with receipt {receipt} in poll {poll_id}")
    leaves = [leaf_of(poll, b) for b in ballots]
    tree = MerkleTree(leaves)
    return {
        "poll": poll.id,
        "choice": mine.choice,
        "leaf": leaves[mine.sealed_index].decode(),
        "index": mine.sealed_index,
        "tree_size": len(leaves),
        "proof": [node.hex() for node in tree.inclusion_proof(mine.sealed_index)],
        "root": poll.merkle_root,
    }
