"""Roll votes: a constituency's secret ballot of its roll, cast with one-time codes.

A vote is opened to fill the constituency's vacant seats or to decide a recall that reached
its threshold. The secretariat issues the codes once, one to every constituent on the roll
(of every member unit, for a group), and hands them out on a printed sheet; the database
keeps three things apart (see db/roll_votes.py): that a constituent was handed a code,
the codes' keyed hashes with a used flag, and the ballots under random receipts. A cast
marks its code used and writes its ballot in one transaction, and writes nothing else:
no journal entry, no time, nothing that says which code cast which ballot. The close
(services/roll_vote_counts.py) seals and counts. Lost codes are not replaced: the sheet's
pairing of constituents and codes is never stored, so the code a constituent lost cannot
be told from the others and voided — issuing another would give them two ballots.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Constituent, Mandate, MandateStatus, Organization
from tauride.db.roll_votes import CodeIssue, RollBallot, RollVote, VotingCode
from tauride.domain.commitments import commitment
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.recalls import RecallState
from tauride.domain.roll_votes import (
    RECALL_METHOD,
    RECALL_OPTIONS,
    CodeOfAnotherVote,
    CodesIssued,
    CodeUsed,
    RollVoteKind,
    RollVoteState,
    UnknownCode,
    check_candidates,
    code_hash,
    election_ranking,
    format_code,
    new_code,
    normalize_code,
    recall_choice,
    require_open,
)
from tauride.services import delegate_elections, journal, recalls
from tauride.services.organizations import current_constitution


@dataclass(frozen=True)
class IssuedCode:
    """One line of the code sheet: who is handed which code. Never stored."""

    unit: str
    roll_number: str
    name: str
    code: str


def get_vote(session: Session, org: Organization, vote_id: int, *, lock: str = "") -> RollVote:
    """The roll vote, optionally under its row lock ("share" for a cast, "update" otherwise)."""
    query = select(RollVote).where(RollVote.id == vote_id, RollVote.organization_id == org.id)
    if lock == "share":
        query = query.with_for_update(read=True)
    elif lock == "update":
        query = query.with_for_update()
    vote = session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    if vote is None:
        raise NotFound(f"no vote {vote_id} in {org.slug}")
    return vote


def _key(org: Organization) -> bytes:
    return bytes.fromhex(org.commitment_salt)


def _roll(session: Session, constituency: Constituency) -> list[tuple[str, Constituent]]:
    """Everyone on the roll that votes for the constituency, unit by unit, by roll number."""
    units = recalls.roll_units(session, constituency)
    names = {u.id: u.name for u in units}
    rows = session.scalars(
        select(Constituent)
        .where(Constituent.constituency_id.in_(list(names)))
        .order_by(Constituent.constituency_id, Constituent.roll_number)
    )
    return [(names[c.constituency_id], c) for c in rows]


def _require_roll(session: Session, constituency: Constituency) -> None:
    units = [u.id for u in recalls.roll_units(session, constituency)]
    where = Constituent.constituency_id.in_(units)
    if not session.scalar(select(func.count()).select_from(Constituent).where(where)):
        raise Conflict(
            f"'{constituency.name}' has no roll of constituents: import it before a vote"
        )


def open_election_vote(
    session: Session,
    org: Organization,
    constituency_name: str,
    *,
    candidates: Sequence[str],
    method: str | None = None,
    actor: str,
) -> RollVote:
    """Open a vote of the constituency's roll on its vacant seats, by an allowed method.

    The method must be one of the constitution's `elections.methods` (its first if none is
    named). One election vote per constituency at a time; none while its seats are full.
    """
    unit, vacant = delegate_elections.vacancies(session, org, constituency_name)
    _, constitution = current_constitution(session, org.id)
    allowed = list(constitution.elections.methods)
    method = allowed[0] if method is None else method.strip()
    if method not in allowed:
        raise InvalidInput(
            f"method: '{method}' is not allowed by the constitution of {org.slug} "
            f"(allowed: {', '.join(allowed)})"
        )
    names = check_candidates(candidates, vacant)
    _require_roll(session, unit)
    vote = RollVote(
        organization_id=org.id,
        constituency_id=unit.id,
        kind=RollVoteKind.ELECTION.value,
        seats=vacant,
        method=method,
        options=list(names),
        state=RollVoteState.OPEN.value,
    )
    session.add(vote)
    session.flush()
    payload = {"vote": vote.id, "kind": vote.kind, "constituency": unit.name, "seats": vacant}
    payload |= {"method": method, "candidates": list(names)}
    journal.append(session, org.id, actor=actor, kind="vote.opened", payload=payload)
    return vote


def open_recall_vote(
    session: Session, org: Organization, recall_id: int, *, actor: str
) -> RollVote:
    """Open the recall ballot of a petition that reached its threshold as a vote with codes.

    Takes the recall's row lock: one roll vote per recall, and no tellers' counts beside it.
    """
    recall = recalls.get_recall(session, org, recall_id, lock=True)
    if recall.state != RecallState.BALLOT:
        raise Conflict(
            f"recall {recall_id} is {recall.state}: its ballot is held once the petition "
            "reaches its threshold, and only once"
        )
    earlier = session.scalar(select(RollVote.id).where(RollVote.recall_id == recall.id))
    if earlier is not None:
        raise Conflict(f"recall {recall_id} is already put to vote {earlier}")
    mandate = session.get_one(Mandate, recall.mandate_id)
    if mandate.status is not MandateStatus.ACTIVE:
        raise Conflict(f"mandate {mandate.id} has already ended ({mandate.status.value})")
    constituency = session.get_one(Constituency, recall.constituency_id)
    _require_roll(session, constituency)
    vote = RollVote(
        organization_id=org.id,
        constituency_id=constituency.id,
        kind=RollVoteKind.RECALL.value,
        recall_id=recall.id,
        seats=1,
        method=RECALL_METHOD,
        options=list(RECALL_OPTIONS),
        state=RollVoteState.OPEN.value,
    )
    session.add(vote)
    session.flush()
    payload = {"vote": vote.id, "kind": vote.kind, "constituency": constituency.name}
    payload |= {"recall": recall.id, "mandate": mandate.id, "person": mandate.person.name}
    journal.append(session, org.id, actor=actor, kind="vote.opened", payload=payload)
    return vote


def issue_codes(
    session: Session, org: Organization, vote_id: int, *, actor: str
) -> list[IssuedCode]:
    """Issue one code to every constituent on the roll, once; return the code sheet.

    The sheet is the only place where a constituent and their code meet: it is returned
    here and nowhere stored. The codes' hashes are written in a shuffled order, so that no
    row number or insertion order pairs a hash with a line of the sheet. A second issue is
    refused, and so is a lost code's replacement (see the module's docstring). The journal
    records the counts, a salted commitment to who was handed a code, and a digest of the
    hashes by which the close shows that no code was added since.
    """
    vote = get_vote(session, org, vote_id, lock="update")
    require_open(vote.id, vote.state)
    issued = select(CodeIssue.id).where(CodeIssue.roll_vote_id == vote.id).limit(1)
    if session.scalar(issued) is not None:
        raise CodesIssued(
            f"the codes of vote {vote_id} have been issued already: a code is issued once, "
            "and a lost one is not replaced"
        )
    constituency = session.get_one(Constituency, vote.constituency_id)
    roll = _roll(session, constituency)
    if not roll:
        raise Conflict(f"'{constituency.name}' has no roll of constituents")
    if vote.kind == RollVoteKind.RECALL and len(roll) > constituency.size:
        raise Conflict(
            f"the roll of '{constituency.name}' lists {len(roll):,} constituents, more than "
            f"its size ({constituency.size:,}): correct the roll or the size first"
        )
    codes = [new_code() for _ in roll]
    hashes = [code_hash(_key(org), code) for code in codes]
    if len(set(hashes)) != len(hashes):  # 80 bits each: never, but a duplicate must not pass
        raise AssertionError("two voting codes drawn alike")
    session.add_all(CodeIssue(roll_vote_id=vote.id, constituent_id=c.id) for _, c in roll)
    stored = list(hashes)
    secrets.SystemRandom().shuffle(stored)
    session.add_all(VotingCode(roll_vote_id=vote.id, code_hash=h, used=False) for h in stored)
    session.flush()
    by_unit: dict[str, int] = {}
    for unit, _ in roll:
        by_unit[unit] = by_unit.get(unit, 0) + 1
    handed = ",".join(str(c.id) for c in sorted((c for _, c in roll), key=lambda c: c.id))
    payload = {"vote": vote.id, "issued": len(roll), "by_unit": by_unit}
    payload |= {"commitment": commitment(_key(org), f"vote-codes:{vote.id}:{handed}")}
    payload |= {"codes": codes_digest(hashes)}
    journal.append(session, org.id, actor=actor, kind="vote.codes_issued", payload=payload)
    return [
        IssuedCode(unit, c.roll_number, c.name, format_code(code))
        for (unit, c), code in zip(roll, codes, strict=True)
    ]


def codes_digest(hashes: Sequence[str]) -> str:
    """A digest of a vote's code hashes, in sorted order: the same set, the same digest."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode("ascii")).hexdigest()


def cast_with_code(
    session: Session,
    org: Organization,
    vote_id: int,
    code: str,
    *,
    choice: str | None = None,
    ranking: Sequence[str] | None = None,
) -> str:
    """Cast a ballot with a one-time code; returns the ballot's receipt.

    An election ballot is one candidate (`choice`) or a `ranking`; a recall ballot is yes,
    no or abstain. Holds the vote row in share mode, so that a close waits for the casts in
    flight and no ballot lands after it. The code is marked used by a conditional UPDATE
    (… WHERE used is false) whose row count says whether this transaction won it; the
    ballot is written in the same transaction, with a random key and receipt, and nothing
    else — no code, no person, no time — and nothing is journaled.
    """
    canonical = normalize_code(code)
    vote = get_vote(session, org, vote_id, lock="share")
    require_open(vote.id, vote.state)
    ballot_choice: str | None = None
    ballot_ranking: list[str] | None = None
    if vote.kind == RollVoteKind.RECALL:
        ballot_choice = recall_choice(choice=choice, ranking=ranking)
    else:
        ballot_ranking = list(election_ranking(vote.options, choice=choice, ranking=ranking))
    digest = code_hash(_key(org), canonical)
    marked = session.execute(
        update(VotingCode)
        .where(
            VotingCode.code_hash == digest,
            VotingCode.roll_vote_id == vote.id,
            VotingCode.used.is_(False),
        )
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", marked).rowcount != 1:
        _refuse(session, vote, digest)
    receipt = secrets.token_hex(16)
    session.add(
        RollBallot(
            id=secrets.token_hex(16),
            roll_vote_id=vote.id,
            choice=ballot_choice,
            ranking=ballot_ranking,
            receipt=receipt,
        )
    )
    session.flush()
    return receipt


def _refuse(session: Session, vote: RollVote, digest: str) -> NoReturn:
    """Say why a code did not cast: unknown, another vote's, or used."""
    row = session.execute(
        select(VotingCode.roll_vote_id, VotingCode.used).where(VotingCode.code_hash == digest)
    ).first()
    if row is None:
        raise UnknownCode(f"code: not a code of vote {vote.id} (check it against the sheet)")
    if row.roll_vote_id != vote.id:
        raise CodeOfAnotherVote(f"code: issued for another vote, not for vote {vote.id}")
    raise CodeUsed(f"code: already used in vote {vote.id}; a code casts one ballot")


def code_counts(session: Session, vote_id: int) -> tuple[int, int]:
    """Codes issued and codes used in the vote."""
    where = VotingCode.roll_vote_id == vote_id
    issued = session.scalar(select(func.count()).select_from(VotingCode).where(where)) or 0
    used = (
        session.scalar(
            select(func.count()).select_from(VotingCode).where(where, VotingCode.used.is_(True))
        )
        or 0
    )
    return issued, used


def vote_state(session: Session, org: Organization, vote_id: int) -> dict[str, Any]:
    """A vote's standing: kind, constituency, state, codes issued and used, result."""
    vote = get_vote(session, org, vote_id)
    constituency = session.get_one(Constituency, vote.constituency_id)
    issued, used = code_counts(session, vote.id)
    return {
        "vote": vote.id,
        "kind": vote.kind,
        "constituency": constituency.name,
        "recall": vote.recall_id,
        "seats": vote.seats,
        "method": vote.method,
        "options": list(vote.options),
        "state": vote.state,
        "codes_issued": issued,
        "codes_used": used,
        "opened_at": vote.opened_at.isoformat(),
        "closed_at": vote.closed_at.isoformat() if vote.closed_at else None,
        "ballots": vote.ballot_count,
        "merkle_root": vote.merkle_root,
        "result": vote.result,
    }
