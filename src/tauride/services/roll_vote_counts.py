"""Closing a roll vote: seal its ballots, count them, act on the result; prove a ballot.

The close takes the vote row's exclusive lock, so that every cast committed before it is
counted and none lands after it. The ballots, ordered by receipt — an order that says
nothing about the order of casting — are sealed into an RFC 6962 Merkle tree whose root
goes into the journal with the counts and the turnout (codes used against codes issued).
An election is then counted by its method and its winners seated
(`delegate_elections.seat_winners`); a recall ballot is decided by the constitution's rule
exactly as tellers' counts are (`recalls.decide_ballot`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Organization
from tauride.db.roll_votes import RollBallot, RollVote, VotingCode
from tauride.domain.errors import Conflict, NotFound
from tauride.domain.merkle import MerkleTree
from tauride.domain.roll_votes import (
    RECALL_OPTIONS,
    RollVoteKind,
    RollVoteState,
    first_preferences,
    recall_counts,
    require_open,
    roll_ballot_leaf,
    turnout,
)
from tauride.domain.tally.profile import Profile
from tauride.services import delegate_elections, journal, recalls
from tauride.services.roll_votes import code_counts, codes_digest, get_vote, vote_state


def leaf_of(vote: RollVote, ballot: RollBallot) -> bytes:
    """The Merkle leaf of one ballot of the vote."""
    return roll_ballot_leaf(vote.id, ballot.receipt, ballot.choice, ballot.ranking)


def _ballots(session: Session, vote: RollVote, order: Any) -> list[RollBallot]:
    where = RollBallot.roll_vote_id == vote.id
    return list(session.scalars(select(RollBallot).where(where).order_by(order)))


def close_vote(session: Session, org: Organization, vote_id: int, *, actor: str) -> dict[str, Any]:
    """Close the vote: seal, journal root, counts and turnout, then seat or decide.

    Returns the vote's standing (`roll_votes.vote_state`), result included. An election in
    which no ballot names a candidate elects no one: the seats stay vacant for another vote.
    """
    vote = get_vote(session, org, vote_id, lock="update")
    require_open(vote.id, vote.state)
    recall = None
    if vote.kind == RollVoteKind.RECALL:
        assert vote.recall_id is not None
        recall = recalls.get_recall(session, org, vote.recall_id, lock=True)
    constituency = session.get_one(Constituency, vote.constituency_id)
    ballots = _ballots(session, vote, RollBallot.receipt)
    issued, used = code_counts(session, vote.id)
    if used != len(ballots):
        raise AssertionError(f"vote {vote.id}: {used} codes used, {len(ballots)} ballots")
    tree = MerkleTree([leaf_of(vote, b) for b in ballots])
    for index, ballot in enumerate(ballots):
        ballot.sealed_index = index
    vote.state = RollVoteState.CLOSED.value
    vote.closed_at = dt.datetime.now(dt.UTC)
    vote.ballot_count = len(ballots)
    vote.merkle_root = root = tree.root.hex()
    # On PostgreSQL every row version carries the id of the transaction that wrote it, and
    # a cast wrote its code's and its ballot's versions in one. Sealing rewrote the
    # ballots; this rewrites the codes, so that once vacuumed no live row pairs them.
    session.execute(
        update(VotingCode)
        .where(VotingCode.roll_vote_id == vote.id)
        .values(used=VotingCode.used)
        .execution_options(synchronize_session=False)
    )
    hashes = session.scalars(select(VotingCode.code_hash).where(VotingCode.roll_vote_id == vote.id))
    counts = (
        recall_counts([b.choice for b in ballots])
        if recall is not None
        else first_preferences(vote.options, [b.ranking for b in ballots])
    )
    nobody = recall is None and not any(b.ranking for b in ballots)
    vote.result = {"counts": counts, **({"elected": []} if nobody else {})}
    session.flush()
    payload = {"vote": vote.id, "kind": vote.kind, "constituency": constituency.name}
    payload |= {"ballots": len(ballots), "turnout": turnout(used, issued), "merkle_root": root}
    payload |= {"counts": counts, "codes": codes_digest(list(hashes))}
    if nobody:
        payload["elected"] = []
    journal.append(session, org.id, actor=actor, kind="vote.closed", payload=payload)
    evidence: dict[str, Any] = {"vote": vote.id, "merkle_root": root}
    if recall is not None:
        yes, no, abstain = (counts[option] for option in RECALL_OPTIONS)
        carried = recalls.decide_ballot(
            session, org, recall, yes=yes, no=no, abstain=abstain, actor=actor, evidence=evidence
        )
        vote.result = {**vote.result, "carried": carried}
    elif not nobody:
        vote.result = {**vote.result, **_seat(session, org, vote, ballots, evidence, actor=actor)}
    session.flush()
    return vote_state(session, org, vote.id)


def _seat(
    session: Session,
    org: Organization,
    vote: RollVote,
    ballots: list[RollBallot],
    evidence: dict[str, Any],
    *,
    actor: str,
) -> dict[str, Any]:
    """Count the election by its method and seat the winners in the vacant seats."""
    constituency = session.get_one(Constituency, vote.constituency_id)
    unit, vacant = delegate_elections.vacancies(session, org, constituency.name)
    if vacant < vote.seats:
        raise Conflict(
            f"vote {vote.id} fills {vote.seats} seat(s), but '{unit.name}' has {vacant} "
            "vacant now: the vote cannot be counted until the seats are vacant again"
        )
    index = {name: i for i, name in enumerate(vote.options)}
    profile = Profile.from_ballots(
        vote.options,
        [(1, [index[name] for name in b.ranking or []]) for b in ballots],
        seats=vote.seats,
    )
    assert vote.merkle_root is not None
    seed = int(vote.merkle_root[:13], 16)  # 52 bits from the sealed ballots: exact in JSON
    evidence = {"source": "roll vote", **evidence, "ballots": len(ballots)}
    result = delegate_elections.seat_winners(
        session, org, unit, profile, method=vote.method, actor=actor, evidence=evidence, seed=seed
    )
    return {"elected": list(result.elected), "seed": seed}


def inclusion_proof(
    session: Session, org: Organization, vote_id: int, receipt: str
) -> dict[str, Any]:
    """Show that the ballot with this receipt is in the vote's sealed tree."""
    vote = get_vote(session, org, vote_id)
    if vote.state != RollVoteState.CLOSED or vote.merkle_root is None:
        raise Conflict(f"vote {vote_id} is not sealed yet: proofs are given after the close")
    ballots = _ballots(session, vote, RollBallot.sealed_index)
    wanted = receipt.strip().lower()
    mine = next((b for b in ballots if b.receipt == wanted), None)
    if mine is None or mine.sealed_index is None:
        raise NotFound(f"no ballot with receipt {receipt.strip()} in vote {vote_id}")
    leaves = [leaf_of(vote, b) for b in ballots]
    tree = MerkleTree(leaves)
    return {
        "vote": vote.id,
        "choice": mine.choice,
        "ranking": mine.ranking,
        "leaf": leaves[mine.sealed_index].decode(),
        "index": mine.sealed_index,
        "tree_size": len(leaves),
        "proof": [node.hex() for node in tree.inclusion_proof(mine.sealed_index)],
        "root": vote.merkle_root,
    }
