"""What the public pages read beyond the shared read models: a body's full roll in one
query, the list of mandates, a body's latest decided polls, and a delegate's record with
the sittings they attended. Never writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tauride.db.models import (
    Body,
    BodyMembership,
    Constituency,
    Faction,
    Mandate,
    Organization,
    Person,
)
from tauride.db.polls import Poll
from tauride.domain.errors import NotFound
from tauride.domain.instructions import RecordInstruction
from tauride.domain.minutes_fold import fold_journal
from tauride.domain.minutes_model import SittingMinutes, VotingRecord
from tauride.domain.polls import PollState
from tauride.domain.voting_record import instructed_record
from tauride.queries.journal import journal_entries


@dataclass(frozen=True)
class OrgHeader:
    """What every page of an organization shows in its header."""

    slug: str
    name: str


def organization_header(session: Session, org_id: int) -> OrgHeader:
    org = session.get_one(Organization, org_id)
    return OrgHeader(org.slug, org.name)


def body_names(session: Session, org_id: int) -> dict[str, str]:
    """Each body's key and name, in the order the bodies were founded."""
    rows = session.execute(
        select(Body.key, Body.name).where(Body.organization_id == org_id).order_by(Body.id)
    ).all()
    return {row.key: row.name for row in rows}


def find_body(session: Session, org_id: int, ref: str) -> Body:
    """The organization's body by its key ("plenary") or, failing that, by its number."""
    body = session.execute(
        select(Body).where(Body.organization_id == org_id, Body.key == ref)
    ).scalar_one_or_none()
    if body is None and ref.isdigit():
        body = session.execute(
            select(Body).where(Body.organization_id == org_id, Body.id == int(ref))
        ).scalar_one_or_none()
    if body is None:
        raise NotFound(f"no body '{ref}' in this organization")
    return body


def constituents_by_body(session: Session, org_id: int) -> dict[str, int]:
    """The constituents behind each body's voting seats: what its seated delegates stand
    for, in one grouped query."""
    rows = session.execute(
        select(Body.key, func.coalesce(func.sum(Mandate.represents), 0))
        .select_from(BodyMembership)
        .join(Body, BodyMembership.body_id == Body.id)
        .join(Mandate, BodyMembership.mandate_id == Mandate.id)
        .where(
            Body.organization_id == org_id,
            BodyMembership.ended_at.is_(None),
            BodyMembership.consultative.is_(False),
        )
        .group_by(Body.key)
    )
    return {key: int(total) for key, total in rows}


@dataclass(frozen=True)
class RollLine:
    """A member of a body as the public roll shows them."""

    mandate: int
    roll_position: int
    """Place on the body's roll: the order in which the members took their seats."""
    person: str
    constituency: str | None
    constituency_size: int | None
    represents: int
    faction: str | None
    consultative: bool
    basis: str
    status: str


def body_roll(session: Session, body_id: int) -> list[RollLine]:
    """Every current member of a body, voting members first, then by name: one query,
    whatever the size of the body."""
    rows = session.execute(
        select(
            BodyMembership.id,
            BodyMembership.mandate_id,
            BodyMembership.consultative,
            BodyMembership.basis,
            Person.name,
            Constituency.name,
            Constituency.size,
            Mandate.represents,
            Mandate.status,
            Faction.name,
        )
        .join(Mandate, BodyMembership.mandate_id == Mandate.id)
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .outerjoin(Faction, Mandate.faction_id == Faction.id)
        .where(BodyMembership.body_id == body_id, BodyMembership.ended_at.is_(None))
        .order_by(BodyMembership.consultative, Person.name, BodyMembership.id)
    ).all()
    roll = {seat: n for n, seat in enumerate(sorted(r[0] for r in rows), 1)}
    return [
        RollLine(
            mandate=mandate,
            roll_position=roll[seat],
            person=person,
            constituency=where,
            constituency_size=None if size is None else int(size),
            represents=int(represents),
            faction=faction,
            consultative=consultative,
            basis=basis.value,
            status=status.value,
        )
        for (
            seat,
            mandate,
            consultative,
            basis,
            person,
            where,
            size,
            represents,
            status,
            faction,
        ) in rows
    ]


@dataclass(frozen=True)
class MandateLine:
    """A delegate's mandate as the list of voting records shows it."""

    mandate: int
    person: str
    constituency: str | None
    faction: str | None
    consultative: bool
    status: str
    represents: int


def mandate_lines(
    session: Session, org_id: int, mandate_id: int | None = None
) -> list[MandateLine]:
    """The organization's mandates, current and ended, by name (or just one of them)."""
    query = (
        select(
            Mandate.id,
            Person.name,
            Constituency.name,
            Faction.name,
            Mandate.consultative,
            Mandate.status,
            Mandate.represents,
        )
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .outerjoin(Faction, Mandate.faction_id == Faction.id)
        .where(Mandate.organization_id == org_id)
        .order_by(Person.name, Mandate.id)
    )
    if mandate_id is not None:
        query = query.where(Mandate.id == mandate_id)
    return [
        MandateLine(m, person, where, faction, consultative, status.value, int(represents))
        for m, person, where, faction, consultative, status, represents in session.execute(query)
    ]


def closed_polls(session: Session, org_id: int, body_id: int, limit: int) -> list[int]:
    """The body's latest closed polls, newest first."""
    return list(
        session.scalars(
            select(Poll.id)
            .where(
                Poll.organization_id == org_id,
                Poll.body_id == body_id,
                Poll.state == PollState.CLOSED.value,
            )
            .order_by(Poll.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class DelegateRecord:
    """A delegate's voting record, their constituency's instructions on it, and the
    sittings at which the journal shows them present."""

    record: VotingRecord
    instructions: tuple[RecordInstruction, ...]
    attended: tuple[SittingMinutes, ...]


def delegate_record(session: Session, slug: str, mandate_id: int) -> DelegateRecord:
    """Read a delegate's record from the journal alone (NotFound for an unknown mandate)."""
    entries = list(journal_entries(session, slug))
    record, instructions = instructed_record(entries, mandate_id)
    fold = fold_journal(entries)
    attended = tuple(
        sitting
        for sid, sitting in fold.sittings.items()
        if any(a.mandate == mandate_id for a in fold.attendance.get(sid, ()))
    )
    return DelegateRecord(record, instructions, attended)
