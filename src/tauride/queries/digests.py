"""What a constituency reads about its delegates: report-back digests of sittings and the
instructions it gave, with where they were kept or breached. Never writes.

What happened is read from the journal (`tauride.domain.minutes`, folded with the
instructions by `tauride.domain.instructions`); who the constituency's delegates were,
and who of them sat in a body when a poll opened, from the membership read model — the
journal records who was present and who was entitled, not who sat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
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
from tauride.db.sittings import Attendance, Sitting
from tauride.domain.digests import Digest, Seat, build_digest
from tauride.domain.errors import NotFound
from tauride.domain.instructions import (
    ConstituencyInstructions,
    InstructionFold,
    constituency_instructions,
    fold_instructions,
)
from tauride.domain.minutes import minutes_of
from tauride.domain.minutes_model import SittingMinutes
from tauride.queries.journal import journal_entries
from tauride.queries.organizations import organization_by_slug


def _utc(at: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive instants; every instant stored is UTC."""
    return at.replace(tzinfo=dt.UTC) if at is not None and at.tzinfo is None else at


@dataclass(frozen=True)
class _Membership:
    body_id: int
    mandate_id: int
    consultative: bool
    started_at: dt.datetime
    ended_at: dt.datetime | None

    def during(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.started_at <= end and (self.ended_at is None or self.ended_at >= start)

    def at(self, instant: dt.datetime) -> bool:
        return self.started_at <= instant and (self.ended_at is None or self.ended_at > instant)


def _constituency(session: Session, org: Organization, name: str) -> Constituency:
    found = session.execute(
        select(Constituency).where(
            Constituency.organization_id == org.id, Constituency.name == name
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"no constituency '{name}' in {org.slug}")
    return found


def _memberships(session: Session, constituency_ids: Iterable[int]) -> list[_Membership]:
    rows = session.execute(
        select(BodyMembership)
        .join(Mandate, BodyMembership.mandate_id == Mandate.id)
        .where(Mandate.constituency_id.in_(list(constituency_ids)))
        .order_by(BodyMembership.id)
    ).scalars()
    return [
        _Membership(
            m.body_id,
            m.mandate_id,
            m.consultative,
            _utc(m.started_at) or dt.datetime.min.replace(tzinfo=dt.UTC),
            _utc(m.ended_at),
        )
        for m in rows
    ]


def _members_at(
    session: Session, org: Organization, memberships: list[_Membership], sitting_id: int | None
) -> dict[int, set[int]]:
    """For each poll, the mandates (of those memberships) seated with a vote when it opened."""
    bodies = {m.body_id for m in memberships}
    query = select(Poll.id, Poll.body_id, Poll.opened_at).where(
        Poll.organization_id == org.id, Poll.body_id.in_(bodies)
    )
    if sitting_id is not None:
        query = query.where(Poll.sitting_id == sitting_id)
    result: dict[int, set[int]] = {}
    for poll_id, body_id, opened_at in session.execute(query):
        instant = _utc(opened_at)
        assert instant is not None
        result[poll_id] = {
            m.mandate_id
            for m in memberships
            if m.body_id == body_id and not m.consultative and m.at(instant)
        }
    return result


def instructions_report(session: Session, slug: str, constituency: str) -> ConstituencyInstructions:
    """Every instruction the constituency gave (superseded ones marked) and, for every poll
    they applied to, what each of its delegates did: kept, breached, absent, secret…"""
    org = organization_by_slug(session, slug)
    unit = _constituency(session, org, constituency)
    members = _members_at(session, org, _memberships(session, [unit.id]), None)
    fold = fold_instructions(journal_entries(session, slug))
    return constituency_instructions(fold, unit.name, members)


def _window(sitting: Sitting) -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    return _utc(sitting.opened_at) or now, _utc(sitting.closed_at) or now


def _sitting(session: Session, org: Organization, sitting_id: int) -> Sitting:
    sitting = session.get(Sitting, sitting_id)
    if sitting is None or sitting.organization_id != org.id:
        raise NotFound(f"no sitting {sitting_id} in {org.slug}")
    return sitting


def _sat(session: Session, sitting: Sitting, memberships: list[_Membership]) -> dict[int, bool]:
    """The mandates that sat in the sitting's body while it met (consultative or not), and
    those that checked in to it (alternates in a principal's seat)."""
    start, end = _window(sitting)
    sat: dict[int, bool] = {}
    for m in memberships:
        if m.body_id == sitting.body_id and m.during(start, end):
            sat[m.mandate_id] = sat.get(m.mandate_id, True) and m.consultative
    for (mandate_id,) in session.execute(
        select(Attendance.mandate_id).where(Attendance.sitting_id == sitting.id)
    ):
        sat.setdefault(mandate_id, False)
    return sat


def digest_constituencies(session: Session, slug: str, sitting_id: int) -> list[str]:
    """The constituencies with a delegate in the sitting's body while it met, by name."""
    org = organization_by_slug(session, slug)
    sitting = _sitting(session, org, sitting_id)
    units = session.execute(
        select(Constituency.id, Constituency.name).where(Constituency.organization_id == org.id)
    ).all()
    names = dict(units)
    sat = _sat(session, sitting, _memberships(session, names))
    found = session.scalars(
        select(Mandate.constituency_id)
        .where(Mandate.id.in_(list(sat)), Mandate.constituency_id.is_not(None))
        .distinct()
    )
    return sorted(names[c] for c in found if c is not None)


def _digest(
    session: Session,
    org: Organization,
    sitting: Sitting,
    unit: Constituency,
    minutes: SittingMinutes,
    fold: InstructionFold,
) -> Digest:
    memberships = _memberships(session, [unit.id])
    sat = _sat(session, sitting, memberships)
    rows = session.execute(
        select(Mandate.id, Person.name, Mandate.consultative, Faction.key)
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Faction, Mandate.faction_id == Faction.id)
        .where(Mandate.id.in_(list(sat)), Mandate.constituency_id == unit.id)
        .order_by(Mandate.id)
    ).all()
    seats = [
        Seat(mandate, name, consultative or sat[mandate], faction)
        for mandate, name, consultative, faction in rows
    ]
    grouped = session.scalars(
        select(Constituency.name)
        .where(Constituency.grouped_into_id == unit.id)
        .order_by(Constituency.name)
    )
    return build_digest(
        minutes,
        fold,
        unit.name,
        seats,
        units=list(grouped),
        body_name=session.get_one(Body, sitting.body_id).name,
        members_at=_members_at(session, org, memberships, sitting.id),
    )


def sitting_digests(
    session: Session, slug: str, sitting_id: int, constituencies: Sequence[str] | None = None
) -> dict[str, Digest]:
    """Report-back digests of a sitting, by constituency: those named, or else every one
    with a delegate in the sitting's body while it met. The journal is read once."""
    org = organization_by_slug(session, slug)
    sitting = _sitting(session, org, sitting_id)
    names = (
        list(constituencies)
        if constituencies is not None
        else digest_constituencies(session, slug, sitting_id)
    )
    units = [_constituency(session, org, name) for name in names]
    entries = list(journal_entries(session, slug))
    minutes = minutes_of(entries, sitting.id)
    fold = fold_instructions(entries)
    return {u.name: _digest(session, org, sitting, u, minutes, fold) for u in units}


def sitting_digest(session: Session, slug: str, sitting_id: int, constituency: str) -> Digest:
    """One constituency's report-back digest of a sitting."""
    return sitting_digests(session, slug, sitting_id, [constituency])[constituency]
