"""A constituency recalls its delegate: petition, recall ballot, and what follows a carried one.

Constituents on the roll sign a petition against their delegate. Once the constitution's
share of the constituency has signed (the threshold is fixed when the petition opens), the
constituency holds a recall ballot and its tellers enter the counts. If the ballot carries,
the mandate ends; an alternate steps into the seat or a by-election is due; the bodies the
delegate sat in recompose, and with them their quorums.

Signatures are constituents' personal data (DESIGN.md, "Personal data and the journal"):
a `recall.signed` entry carries the running count and a salted commitment to the
signature, never a name or a roll number, so that the roll can be erased while the chain
still verifies.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Constituent, Mandate, MandateStatus, Organization
from tauride.db.petitions import Recall, RecallSignature
from tauride.db.roll_votes import RollVote
from tauride.domain import majority, majority_figures
from tauride.domain.commitments import commitment
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.domain.recalls import (
    LIVE,
    DoubleSignature,
    NotOnRoll,
    PetitionClosed,
    RecallState,
    signatures_needed,
)
from tauride.domain.roll_votes import RollVoteState
from tauride.services import bodies, journal, mandates
from tauride.services.organizations import current_constitution


def get_recall(
    session: Session, org: Organization, recall_id: int, *, lock: bool = False
) -> Recall:
    """The recall petition, optionally under its row lock (re-read, not taken from the cache)."""
    query = select(Recall).where(Recall.id == recall_id, Recall.organization_id == org.id)
    if lock:
        query = query.with_for_update(key_share=True)
    recall = session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    if recall is None:
        raise NotFound(f"no recall {recall_id} in {org.slug}")
    return recall


def _lock_mandate(session: Session, org: Organization, mandate_id: int) -> Mandate:
    mandate = session.execute(
        select(Mandate)
        .where(Mandate.id == mandate_id, Mandate.organization_id == org.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if mandate is None:
        raise NotFound(f"no mandate {mandate_id} in {org.slug}")
    return mandate


def roll_units(session: Session, constituency: Constituency) -> list[Constituency]:
    """The units whose rolls sign for a constituency: its members if it is a group, else itself."""
    if not constituency.is_group:
        return [constituency]
    return list(
        session.scalars(
            select(Constituency)
            .where(Constituency.grouped_into_id == constituency.id)
            .order_by(Constituency.id)
        )
    )


def _roll_size(session: Session, units: list[Constituency]) -> int:
    where = Constituent.constituency_id.in_([u.id for u in units])
    return session.scalar(select(func.count()).select_from(Constituent).where(where)) or 0


def _signatures(session: Session, recall_id: int) -> int:
    where = RecallSignature.recall_id == recall_id
    return session.scalar(select(func.count()).select_from(RecallSignature).where(where)) or 0


def _journal(
    session: Session, org: Organization, kind: str, payload: dict[str, Any], *, actor: str
) -> None:
    journal.append(session, org.id, actor=actor, kind=kind, payload=payload)


def open_recall(session: Session, org: Organization, mandate_id: int, *, actor: str) -> Recall:
    """Open a recall petition against a delegate who holds a constituency's seat.

    Takes the mandate's row lock, so that two petitions against one delegate cannot open
    side by side. The threshold is the constitution's in force now and stays with the
    petition. A constituency with no roll cannot be petitioned: nobody could sign.
    """
    mandate = _lock_mandate(session, org, mandate_id)
    if mandate.status is not MandateStatus.ACTIVE:
        raise Conflict(f"mandate {mandate_id} has already ended ({mandate.status.value})")
    if mandate.constituency_id is None or mandate.alternate_for_id is not None:
        raise Conflict(
            f"mandate {mandate_id} holds no constituency's seat: "
            "only a constituency's delegate is recalled by its constituents"
        )
    live = session.execute(
        select(Recall.id, Recall.state).where(
            Recall.mandate_id == mandate.id, Recall.state.in_([s.value for s in LIVE])
        )
    ).first()
    if live is not None:
        raise Conflict(f"mandate {mandate_id} already faces recall {live[0]} ({live[1]})")
    constituency = session.get_one(Constituency, mandate.constituency_id)
    if _roll_size(session, roll_units(session, constituency)) == 0:
        raise Conflict(
            f"'{constituency.name}' has no roll of constituents: import it before a petition"
        )
    _, constitution = current_constitution(session, org.id)
    share = constitution.recall.threshold
    recall = Recall(
        organization_id=org.id,
        mandate_id=mandate.id,
        constituency_id=constituency.id,
        state=RecallState.OPEN.value,
        threshold=f"{share.numerator}/{share.denominator}",
    )
    session.add(recall)
    session.flush()
    needed = signatures_needed(share, constituency.size)
    payload = {
        "recall": recall.id,
        "mandate": mandate.id,
        "person": mandate.person.name,
        "constituency": constituency.name,
        "threshold": recall.threshold,
        "size": constituency.size,
        "needed": needed,
    }
    _journal(session, org, "recall.opened", payload, actor=actor)
    if needed == 0:  # a threshold of nothing: the ballot is due at once
        _reach_threshold(session, org, recall, 0, needed, actor=actor)
    return recall


def _signer(
    session: Session, recall: Recall, roll_number: str, unit_name: str | None
) -> Constituent:
    """Find the signer on the roll of the delegate's constituency (of one unit of a group)."""
    constituency = session.get_one(Constituency, recall.constituency_id)
    units = {u.name: u for u in roll_units(session, constituency)}
    if unit_name is None:
        if constituency.is_group:
            raise InvalidInput(
                f"'{constituency.name}' elects as a group: name the signer's unit "
                f"({', '.join(units)})"
            )
        unit = constituency
    elif unit_name in units:
        unit = units[unit_name]
    else:
        raise NotOnRoll(f"'{unit_name}' is not a unit of '{constituency.name}'")
    signer = session.execute(
        select(Constituent).where(
            Constituent.constituency_id == unit.id, Constituent.roll_number == roll_number.strip()
        )
    ).scalar_one_or_none()
    if signer is None:
        raise NotOnRoll(f"'{roll_number}' is not on the roll of '{unit.name}'")
    return signer


def sign(
    session: Session,
    org: Organization,
    recall_id: int,
    roll_number: str,
    *,
    constituency: str | None = None,
    actor: str,
) -> int:
    """Add a constituent's signature to a petition; returns the signatures counted so far.

    Takes the petition's row lock: signatures are counted one after another and the
    threshold is crossed exactly once. A second signature by the same constituent is
    refused by UNIQUE(recall, constituent), whichever transaction gets there first.
    `constituency` names the signer's unit, needed when the delegate's constituency is a
    group whose units number their rolls apart.
    """
    recall = get_recall(session, org, recall_id, lock=True)
    if recall.state != RecallState.OPEN:
        raise PetitionClosed(f"recall {recall_id} takes no more signatures ({recall.state})")
    if session.get_one(Mandate, recall.mandate_id).status is not MandateStatus.ACTIVE:
        raise PetitionClosed(f"recall {recall_id}: the mandate has already ended")
    if constituency is not None:
        constituency = constituency.strip()
    signer = _signer(session, recall, roll_number, constituency)
    try:
        with session.begin_nested():
            session.add(RecallSignature(recall_id=recall.id, constituent_id=signer.id))
            session.flush()
    except IntegrityError:
        raise DoubleSignature(
            f"'{roll_number.strip()}' has already signed recall {recall_id}"
        ) from None
    count = _signatures(session, recall.id)
    # The commitment lets the secretariat, holding the salt, show which signature an entry
    # records; once the roll and salt are erased it links to nobody.
    signed = commitment(bytes.fromhex(org.commitment_salt), f"{recall.id}:{signer.id}")
    payload = {"recall": recall.id, "count": count, "commitment": signed}
    _journal(session, org, "recall.signed", payload, actor=actor)
    size = session.get_one(Constituency, recall.constituency_id).size
    threshold = Fraction(recall.threshold)
    if count * threshold.denominator >= threshold.numerator * size:
        _reach_threshold(
            session, org, recall, count, signatures_needed(threshold, size), actor=actor
        )
    return count


def _reach_threshold(
    session: Session, org: Organization, recall: Recall, count: int, needed: int, *, actor: str
) -> None:
    recall.state = RecallState.BALLOT.value
    session.flush()
    payload = {"recall": recall.id, "count": count, "needed": needed}
    _journal(session, org, "recall.threshold_reached", payload, actor=actor)


def record_ballot(
    session: Session,
    org: Organization,
    recall_id: int,
    *,
    yes: int,
    no: int,
    abstain: int = 0,
    actor: str,
) -> bool:
    """Decide a recall ballot from its tellers' counts (`decide_ballot`); whether it carried.

    Refused while the constituency votes on it with codes: that vote's close decides it.
    """
    recall = get_recall(session, org, recall_id, lock=True)
    where = (RollVote.recall_id == recall.id, RollVote.state == RollVoteState.OPEN.value)
    if (voting := session.scalar(select(RollVote.id).where(*where))) is not None:
        raise Conflict(f"recall {recall_id} is being decided by roll vote {voting}: close it")
    return decide_ballot(session, org, recall, yes=yes, no=no, abstain=abstain, actor=actor)


def decide_ballot(
    session: Session,
    org: Organization,
    recall: Recall,
    *,
    yes: int,
    no: int,
    abstain: int,
    actor: str,
    evidence: dict[str, Any] | None = None,
) -> bool:
    """Decide a recall ballot from tellers' or a roll vote's counts; whether it carried.

    The caller holds the recall's row lock. The constitution's `recall.ballot` rule judges
    the counts, the constituency's size as its members, all who took part as present; no
    casting vote: a tie keeps the delegate. A carried recall ends the mandate; the first
    active alternate steps in (the others stand behind them), or a by-election is due;
    weights and bodies are recomputed. `evidence` joins the `recall.decided` entry.
    """
    if recall.state != RecallState.BALLOT:
        raise Conflict(
            f"recall {recall.id} is {recall.state}: a ballot is held once the petition "
            "reaches its threshold, and only once"
        )
    mandate = _lock_mandate(session, org, recall.mandate_id)
    if mandate.status is not MandateStatus.ACTIVE:
        raise Conflict(f"mandate {mandate.id} has already ended ({mandate.status.value})")
    constituency = session.get_one(Constituency, recall.constituency_id)
    # Negative or fractional counts are refused by majority.decide; this one is ours.
    if (present := yes + no + abstain) > constituency.size:
        raise InvalidInput(
            f"{present:,} took part, but '{constituency.name}' has "
            f"{constituency.size:,} constituents"
        )
    _, constitution = current_constitution(session, org.id)
    declared = constitution.recall.ballot
    rule = majority_figures.Rule(threshold=declared.threshold, base=declared.base, tie="lost")
    tally = majority_figures.Tally(yes, no, abstain, present=present, members=constituency.size)
    outcome = majority.decide(tally, rule)
    carried = outcome.carried is True
    recall.ballot_yes, recall.ballot_no, recall.ballot_abstain = yes, no, abstain
    recall.state = (RecallState.CARRIED if carried else RecallState.FAILED).value
    recall.decided_at = dt.datetime.now(dt.UTC)
    session.flush()
    payload: dict[str, Any] = {"recall": recall.id, "mandate": mandate.id}
    payload |= {"person": mandate.person.name, "constituency": constituency.name}
    payload |= {"members": constituency.size, "yes": yes, "no": no, "abstain": abstain}
    payload |= {"rule": {"threshold": rule.threshold, "base": rule.base}}
    payload |= {"required": int(outcome.required), "carried": carried, "reason": outcome.reason}
    payload |= evidence or {}
    _journal(session, org, "recall.decided", payload, actor=actor)
    if carried:
        _unseat(session, org, recall, mandate, constituency, actor=actor)
    return carried


def _unseat(
    session: Session,
    org: Organization,
    recall: Recall,
    mandate: Mandate,
    constituency: Constituency,
    *,
    actor: str,
) -> None:
    mandates.end_mandate(
        session,
        org,
        mandate.id,
        status=MandateStatus.RECALLED,
        reason=f"recalled by its constituency (recall {recall.id})",
        actor=actor,
    )
    alternates = list(
        session.scalars(
            select(Mandate)
            .where(Mandate.alternate_for_id == mandate.id, Mandate.status == MandateStatus.ACTIVE)
            .order_by(Mandate.id)
        )
    )
    if alternates:
        successor, *behind = alternates
        successor.alternate_for_id = None
        for alternate in behind:
            alternate.alternate_for_id = successor.id
        session.flush()
        payload = {
            "recall": recall.id,
            "mandate": mandate.id,
            "constituency": constituency.name,
            "alternate": successor.id,
            "person": successor.person.name,
        }
        _journal(session, org, "recall.alternate_seated", payload, actor=actor)
    else:
        seats = constituency.seats or constituency.consultative_seats
        vacant = seats - len(mandates.seated_mandates(session, constituency.id))
        payload = {"recall": recall.id, "constituency": constituency.name}
        payload |= {"seats": seats, "vacant": vacant}
        _journal(session, org, "recall.by_election_needed", payload, actor=actor)
    mandates.reweigh(session, constituency.id)
    bodies.recompose(session, org, actor=actor)


def recall_state(
    session: Session, recall_id: int, *, org: Organization | None = None
) -> dict[str, Any]:
    """A petition's standing: signatures counted and needed, state, and the ballot's figures.

    With `org`, a recall of another organization is not found.
    """
    recall = session.get(Recall, recall_id)
    if recall is None or (org is not None and recall.organization_id != org.id):
        raise NotFound(f"no recall {recall_id}" + (f" in {org.slug}" if org else ""))
    mandate = session.get_one(Mandate, recall.mandate_id)
    constituency = session.get_one(Constituency, recall.constituency_id)
    count = _signatures(session, recall.id)
    size = constituency.size
    units = roll_units(session, constituency)
    ballot = None
    if recall.ballot_yes is not None:
        ballot = {
            "yes": recall.ballot_yes,
            "no": recall.ballot_no,
            "abstain": recall.ballot_abstain,
        }
    return {
        "recall": recall.id,
        "mandate": mandate.id,
        "person": mandate.person.name,
        "mandate_status": mandate.status.value,
        "constituency": constituency.name,
        "units": [u.name for u in units] if constituency.is_group else [],
        "state": recall.state,
        "threshold": recall.threshold,
        "size": size,
        "roll": _roll_size(session, units),
        "count": count,
        "needed": signatures_needed(Fraction(recall.threshold), size),
        "share": str(Fraction(count, size)) if size else "0",
        "opened_at": recall.opened_at.isoformat(),
        "decided_at": recall.decided_at.isoformat() if recall.decided_at else None,
        "ballot": ballot,
    }
