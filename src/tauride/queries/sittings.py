"""Read models of a sitting: attendance and quorum, agenda, motions, polls. Never writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tauride.db.models import (
    Body,
    BodyMembership,
    ConstitutionVersion,
    Mandate,
    Organization,
    Person,
)
from tauride.db.polls import Motion, Participation, Poll, PollElector
from tauride.db.sittings import AgendaItem, Attendance, Sitting
from tauride.domain.constitution import parse_constitution
from tauride.domain.errors import NotFound
from tauride.domain.quorum import quorum_required
from tauride.domain.sittings import SittingState


@dataclass(frozen=True)
class SittingStatus:
    sitting: int
    body: str
    number: int
    title: str
    state: str
    members: int
    present: int
    quorum: int
    has_quorum: bool
    agenda: list[dict[str, Any]] = field(default_factory=list)
    motions: list[dict[str, Any]] = field(default_factory=list)
    polls: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def sitting_status(session: Session, slug: str, sitting_id: int) -> SittingStatus:
    """Everything a chair needs at a glance: attendance against quorum, agenda, motions, polls."""
    row = session.execute(
        select(Sitting, Body.key)
        .join(Body, Sitting.body_id == Body.id)
        .join(Organization, Sitting.organization_id == Organization.id)
        .where(Sitting.id == sitting_id, Organization.slug == slug)
    ).first()
    if row is None:
        raise NotFound(f"no sitting {sitting_id} in {slug}")
    sitting, body_key = row
    source = session.execute(
        select(ConstitutionVersion.source)
        .where(ConstitutionVersion.organization_id == sitting.organization_id)
        .order_by(ConstitutionVersion.version.desc())
        .limit(1)
    ).scalar_one()
    share = parse_constitution(source).bodies[body_key].quorum
    voting = set(
        session.scalars(
            select(BodyMembership.mandate_id).where(
                BodyMembership.body_id == sitting.body_id,
                BodyMembership.ended_at.is_(None),
                BodyMembership.consultative.is_(False),
            )
        )
    )
    present_rows = session.execute(
        select(Attendance.mandate_id, Attendance.for_mandate_id).where(
            Attendance.sitting_id == sitting.id, Attendance.checked_out_at.is_(None)
        )
    ).all()
    seats = {for_id or mandate_id for mandate_id, for_id in present_rows} & voting
    needed = quorum_required(share, len(voting))
    names = dict(
        session.execute(
            select(Mandate.id, Person.name)
            .join(Person, Mandate.person_id == Person.id)
            .where(Mandate.organization_id == sitting.organization_id)
        ).all()
    )
    agenda = [
        {
            "item": i.id,
            "position": i.position,
            "kind": i.kind.value,
            "title": i.title,
            "minutes": i.minutes_allotted,
            "state": i.state.value,
        }
        for i in session.scalars(
            select(AgendaItem)
            .where(AgendaItem.sitting_id == sitting.id)
            .order_by(AgendaItem.position)
        )
    ]
    motions = [
        {
            "motion": m.id,
            "kind": m.kind,
            "title": m.title,
            "state": m.state,
            "target": m.target_id,
            "mover": names.get(m.mover_mandate_id) if m.mover_mandate_id else m.mover_label,
        }
        for m in session.scalars(
            select(Motion).where(Motion.sitting_id == sitting.id).order_by(Motion.id)
        )
    ]
    polls = []
    for p in session.scalars(select(Poll).where(Poll.sitting_id == sitting.id).order_by(Poll.id)):
        electors = session.scalars(select(PollElector.id).where(PollElector.poll_id == p.id)).all()
        voted = session.scalars(select(Participation.id).where(Participation.poll_id == p.id)).all()
        polls.append(
            {
                "poll": p.id,
                "question": p.question,
                "method": p.method,
                "state": p.state,
                "entitled": len(electors),
                "voted": len(voted),
                "outcome": p.outcome,
            }
        )
    return SittingStatus(
        sitting=sitting.id,
        body=body_key,
        number=sitting.number,
        title=sitting.title,
        state=sitting.state.value,
        members=len(voting),
        present=len(seats),
        quorum=needed,
        has_quorum=len(seats) >= needed,
        agenda=agenda,
        motions=motions,
        polls=polls,
    )


def _iso(at: dt.datetime | None) -> str | None:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    if at is None:
        return None
    return (at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)).isoformat()


@dataclass(frozen=True)
class SittingLine:
    sitting: int
    body: str
    number: int
    title: str
    scheduled_for: str | None
    state: str
    opened_at: str | None
    closed_at: str | None


def _sittings(slug: str) -> Select[Sitting, str]:
    return (
        select(Sitting, Body.key)
        .join(Body, Sitting.body_id == Body.id)
        .join(Organization, Sitting.organization_id == Organization.id)
        .where(Organization.slug == slug)
    )


def _line(sitting: Sitting, body_key: str) -> SittingLine:
    return SittingLine(
        sitting=sitting.id,
        body=body_key,
        number=sitting.number,
        title=sitting.title,
        scheduled_for=sitting.scheduled_for,
        state=sitting.state.value,
        opened_at=_iso(sitting.opened_at),
        closed_at=_iso(sitting.closed_at),
    )


def sitting_line(session: Session, slug: str, sitting_id: int) -> SittingLine:
    """One sitting of the organization: its body, number, title, state and times."""
    row = session.execute(_sittings(slug).where(Sitting.id == sitting_id)).first()
    if row is None:
        raise NotFound(f"no sitting {sitting_id} in {slug}")
    return _line(*row)


def sittings_page(
    session: Session,
    slug: str,
    *,
    after: int,
    limit: int,
    body: str | None = None,
    state: SittingState | None = None,
) -> list[SittingLine]:
    """The organization's sittings in the order they were scheduled, from after `after`."""
    query = _sittings(slug).where(Sitting.id > after)
    if body is not None:
        query = query.where(Body.key == body)
    if state is not None:
        query = query.where(Sitting.state == state)
    rows = session.execute(query.order_by(Sitting.id).limit(limit)).all()
    return [_line(sitting, key) for sitting, key in rows]


@dataclass(frozen=True)
class PresentLine:
    mandate: int
    person: str
    # An alternate sitting in carries the seat of this absent principal.
    for_mandate: int | None
    since: str | None
    recorded_by: str


def present_at(session: Session, slug: str, sitting_id: int) -> list[PresentLine]:
    """Who is checked in at the sitting now, in the order they came."""
    sitting_line(session, slug, sitting_id)  # the sitting must be this organization's
    rows = session.execute(
        select(Attendance, Person.name)
        .join(Mandate, Attendance.mandate_id == Mandate.id)
        .join(Person, Mandate.person_id == Person.id)
        .where(Attendance.sitting_id == sitting_id, Attendance.checked_out_at.is_(None))
        .order_by(Attendance.id)
    ).all()
    return [
        PresentLine(
            mandate=row.mandate_id,
            person=name,
            for_mandate=row.for_mandate_id,
            since=_iso(row.checked_in_at),
            recorded_by=row.recorded_by,
        )
        for row, name in rows
    ]
