"""Body membership: computed from the composition rules, stored with its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import (
    Body,
    BodyMembership,
    Constituency,
    Faction,
    Mandate,
    MandateStatus,
    OfficeTerm,
    Organization,
    Person,
    SeatBasis,
)
from tauride.domain.constitution import Constitution
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.services import journal
from tauride.services.organizations import current_constitution

# Seats that the rules compute; elected and consultative seats are filled by acts.
COMPUTED = frozenset({SeatBasis.CONSTITUENCY, SeatBasis.BODY, SeatBasis.EX_OFFICIO})


@dataclass(frozen=True)
class Seat:
    mandate_id: int
    basis: SeatBasis
    consultative: bool


def get_body(session: Session, organization_id: int, key: str) -> Body:
    """The body with this key, or NotFound."""
    body = session.execute(
        select(Body).where(Body.organization_id == organization_id, Body.key == key)
    ).scalar_one_or_none()
    if body is None:
        raise NotFound(f"no body '{key}'")
    return body


def current_memberships(session: Session, body_id: int) -> list[BodyMembership]:
    """Who sits in the body now."""
    return list(
        session.scalars(
            select(BodyMembership)
            .where(BodyMembership.body_id == body_id, BodyMembership.ended_at.is_(None))
            .order_by(BodyMembership.id)
        )
    )


def _desired(
    session: Session, org_id: int, constitution: Constitution
) -> dict[str, dict[int, Seat]]:
    bodies = {b.key: b for b in session.scalars(select(Body).where(Body.organization_id == org_id))}
    active = list(
        session.execute(
            select(Mandate, Constituency.kind)
            .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
            .where(
                Mandate.organization_id == org_id,
                Mandate.status == MandateStatus.ACTIVE,
                Mandate.alternate_for_id.is_(None),
            )
            .order_by(Mandate.id)
        )
    )
    active_ids = {m.id for m, _ in active}
    holders: dict[str, list[int]] = {}
    for term in session.scalars(
        select(OfficeTerm).where(
            OfficeTerm.organization_id == org_id, OfficeTerm.ended_at.is_(None)
        )
    ):
        if term.mandate_id is not None and term.mandate_id in active_ids:
            holders.setdefault(term.office_key, []).append(term.mandate_id)
    result: dict[str, dict[int, Seat]] = {}

    def compute(key: str) -> dict[int, Seat]:
        if key in result:
            return result[key]
        rule = constitution.bodies[key]
        seats: dict[int, Seat] = {}

        def add(seat: Seat) -> None:
            # One seat per mandate; a vote on one basis outranks a voice on another.
            held = seats.get(seat.mandate_id)
            if held is None or (held.consultative and not seat.consultative):
                seats[seat.mandate_id] = seat

        for mandate, kind in active:
            if kind in rule.from_kinds:
                add(Seat(mandate.id, SeatBasis.CONSTITUENCY, mandate.consultative))
        for other in rule.from_bodies:
            for seat in compute(other).values():
                add(Seat(seat.mandate_id, SeatBasis.BODY, seat.consultative))
        for office in rule.ex_officio:
            for mandate_id in holders.get(office, []):
                add(Seat(mandate_id, SeatBasis.EX_OFFICIO, False))
        # Elected and consultative seats stay as long as their mandate is active.
        body = bodies.get(key)
        if body is not None:
            for m in current_memberships(session, body.id):
                if m.basis not in COMPUTED and m.mandate_id in active_ids:
                    add(Seat(m.mandate_id, m.basis, m.consultative))
        result[key] = seats
        return seats

    for key in constitution.bodies:
        compute(key)
    return result


def recompose(session: Session, org: Organization, *, actor: str) -> dict[str, tuple[int, int]]:
    """Bring every body's membership in line with the rules; returns (joined, left) per body.

    Ended memberships keep their row with `ended_at`: the history of who sat when.
    """
    _, constitution = current_constitution(session, org.id)
    desired = _desired(session, org.id, constitution)
    now = dt.datetime.now(dt.UTC)
    changes: dict[str, tuple[int, int]] = {}
    report: dict[str, dict[str, list[int]]] = {}
    for key, seats in desired.items():
        body = get_body(session, org.id, key)
        current = {m.mandate_id: m for m in current_memberships(session, body.id)}
        left = [
            m
            for mid, m in current.items()
            if mid not in seats
            or (seats[mid].basis, seats[mid].consultative) != (m.basis, m.consultative)
        ]
        for membership in left:
            membership.ended_at = now
        kept = {m.mandate_id for m in current.values() if m not in left}
        joined = [s for mid, s in seats.items() if mid not in kept]
        for seat in joined:
            session.add(
                BodyMembership(
                    organization_id=org.id,
                    body_id=body.id,
                    mandate_id=seat.mandate_id,
                    basis=seat.basis,
                    consultative=seat.consultative,
                    started_at=now,
                )
            )
        if joined or left:
            changes[key] = (len(joined), len(left))
            report[key] = {
                "joined": sorted(s.mandate_id for s in joined),
                "left": sorted(m.mandate_id for m in left),
            }
    session.flush()
    if report:
        journal.append(session, org.id, actor=actor, kind="bodies.recomposed", payload=report)
    return changes


def voting_member_ids(session: Session, organization_id: int, body_key: str) -> set[int]:
    """The mandates that sit with a vote in a body now."""
    body = get_body(session, organization_id, body_key)
    return {m.mandate_id for m in current_memberships(session, body.id) if not m.consultative}


def _seat(session: Session, body: Body, mandate_id: int, basis: SeatBasis) -> None:
    session.add(
        BodyMembership(
            organization_id=body.organization_id,
            body_id=body.id,
            mandate_id=mandate_id,
            basis=basis,
            consultative=basis is SeatBasis.CONSULTATIVE,
        )
    )


def _active_mandate_of(session: Session, org_id: int, name: str) -> Mandate | None:
    return session.execute(
        select(Mandate)
        .join(Person, Mandate.person_id == Person.id)
        .where(
            Mandate.organization_id == org_id,
            Person.name == name,
            Mandate.status == MandateStatus.ACTIVE,
        )
        .order_by(Mandate.id)
        .limit(1)
    ).scalar_one_or_none()


def fill_elected_seats(
    session: Session,
    org: Organization,
    body_key: str,
    names: Sequence[str | int],
    *,
    source: str,
    actor: str,
    replace: bool = False,
) -> None:
    """Seat the winners of an election to an elected body; each must be a voting member
    of the electing body, and the seats must not overflow.

    With `replace`, the elected members of the previous term leave first: a new election
    fills every elected seat.
    """
    _, constitution = current_constitution(session, org.id)
    rule = constitution.bodies.get(body_key)
    if rule is None or rule.elected_by is None or rule.seats is None:
        raise InvalidInput(f"{source}: body '{body_key}' is not filled by election")
    body = get_body(session, org.id, body_key)
    electors = voting_member_ids(session, org.id, rule.elected_by)
    held = [m for m in current_memberships(session, body.id) if m.basis is SeatBasis.ELECTED]
    if replace:
        now = dt.datetime.now(dt.UTC)
        for membership in held:
            membership.ended_at = now
        held = []
    problems: list[str] = []
    if len(held) + len(names) > rule.seats:
        problems.append(
            f"{source}: body '{body_key}' has {rule.seats} elected seats; "
            f"{len(held)} filled, {len(names)} more given"
        )
    winners: list[Mandate] = []
    for name in names:
        mandate = (
            _active_mandate_of(session, org.id, name)
            if isinstance(name, str)
            else session.get(Mandate, name)
        )
        if mandate is None or mandate.status is not MandateStatus.ACTIVE:
            problems.append(f"{source}: {body_key}: '{name}' holds no active mandate")
        elif mandate.id not in electors:
            problems.append(
                f"{source}: {body_key}: '{name}' is not a voting member of '{rule.elected_by}'"
            )
        else:
            winners.append(mandate)
    if problems:
        raise InvalidInput(problems)
    for mandate in winners:
        _seat(session, body, mandate.id, SeatBasis.ELECTED)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="body.seats_filled",
        payload={
            "body": body_key,
            "source": source,
            "elected": [{"mandate": m.id, "person": m.person.name} for m in winners],
        },
    )


def seat_consultative(
    session: Session,
    org: Organization,
    body_key: str,
    name: str,
    faction_key: str,
    *,
    actor: str,
) -> Mandate:
    """Give a named group's representative a consultative seat (a voice, no vote)."""
    _, constitution = current_constitution(session, org.id)
    rule = constitution.bodies.get(body_key)
    allowed = {s.faction: s.seats for s in rule.consultative} if rule else {}
    if faction_key not in allowed:
        raise InvalidInput(f"body '{body_key}' has no consultative seats for '{faction_key}'")
    faction = session.execute(
        select(Faction).where(Faction.organization_id == org.id, Faction.key == faction_key)
    ).scalar_one()
    body = get_body(session, org.id, body_key)
    held = [
        m
        for m in current_memberships(session, body.id)
        if m.basis is SeatBasis.CONSULTATIVE and m.mandate.faction_id == faction.id
    ]
    if len(held) >= allowed[faction_key]:
        raise Conflict(
            f"body '{body_key}': all {allowed[faction_key]} consultative seat(s) "
            f"of '{faction_key}' are filled"
        )
    mandate = Mandate(
        organization_id=org.id,
        person=Person(organization_id=org.id, name=name),
        faction_id=faction.id,
        consultative=True,
    )
    session.add(mandate)
    session.flush()
    _seat(session, body, mandate.id, SeatBasis.CONSULTATIVE)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="body.consultative_seated",
        payload={"body": body_key, "mandate": mandate.id, "person": name, "faction": faction_key},
    )
    return mandate


def assign_office(
    session: Session, org: Organization, office_key: str, name: str, *, actor: str
) -> OfficeTerm:
    """Record that a voting member of the electing body holds an office."""
    _, constitution = current_constitution(session, org.id)
    office = constitution.offices.get(office_key)
    if office is None:
        raise InvalidInput(f"no office '{office_key}'")
    if office.elected_by in constitution.constituency_kinds:
        raise InvalidInput(f"office '{office_key}' is elected by units, not by a body")
    mandate = _active_mandate_of(session, org.id, name)
    if mandate is None:
        raise InvalidInput(f"office '{office_key}': '{name}' holds no active mandate")
    electors = voting_member_ids(session, org.id, office.elected_by)
    if mandate.id not in electors:
        raise InvalidInput(
            f"office '{office_key}': '{name}' is not a voting member of '{office.elected_by}'"
        )
    open_terms = session.scalars(
        select(OfficeTerm).where(
            OfficeTerm.organization_id == org.id,
            OfficeTerm.office_key == office_key,
            OfficeTerm.ended_at.is_(None),
        )
    ).all()
    if len(open_terms) >= office.holders:
        raise Conflict(f"office '{office_key}' is held already ({office.holders} holder(s))")
    term = OfficeTerm(organization_id=org.id, office_key=office_key, mandate_id=mandate.id)
    session.add(term)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="office.assigned",
        payload={"office": office_key, "mandate": mandate.id, "person": name},
    )
    return term
