"""Read models of an organization: its summary, bodies and members. Never writes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tauride.db.models import (
    Body,
    BodyMembership,
    Constituency,
    ConstitutionVersion,
    Faction,
    JournalRecord,
    Mandate,
    MandateStatus,
    Organization,
    Person,
)
from tauride.domain.constitution import parse_constitution, share_text
from tauride.domain.errors import NotFound


@dataclass(frozen=True)
class KindSummary:
    kind: str
    name: str
    unit: str
    units: int
    size: int
    seats: int
    consultative_seats: int


@dataclass(frozen=True)
class BodyLine:
    key: str
    name: str
    kind: str
    voting: int
    consultative: int
    quorum: str
    quorum_count: int


@dataclass(frozen=True)
class OrganizationSummary:
    slug: str
    name: str
    constitution_version: int
    kinds: list[KindSummary]
    mandates_voting: int
    mandates_consultative: int
    bodies: list[BodyLine]
    journal_height: int
    journal_head: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "name": self.name,
            "constitution_version": self.constitution_version,
            "constituency_kinds": [k.__dict__ for k in self.kinds],
            "mandates": {
                "voting": self.mandates_voting,
                "consultative": self.mandates_consultative,
            },
            "bodies": [b.__dict__ for b in self.bodies],
            "journal": {"height": self.journal_height, "head": self.journal_head},
        }


def quorum_count(share: Fraction, members: int) -> int:
    """Members who must be present: the quorum share of the voting members, rounded up."""
    return math.ceil(share * members)


def organization_by_slug(session: Session, slug: str) -> Organization:
    """The organization a slug names, or NotFound."""
    org = session.execute(
        select(Organization).where(Organization.slug == slug)
    ).scalar_one_or_none()
    if org is None:
        raise NotFound(f"no organization '{slug}'")
    return org


def list_organizations(session: Session) -> list[tuple[str, str]]:
    """Slugs and names of every organization in the database."""
    return [
        (slug, name)
        for slug, name in session.execute(
            select(Organization.slug, Organization.name).order_by(Organization.slug)
        )
    ]


def organization_summary(session: Session, slug: str) -> OrganizationSummary:
    """What an organization consists of now: constituencies, mandates, bodies, journal head."""
    org = session.execute(
        select(Organization).where(Organization.slug == slug)
    ).scalar_one_or_none()
    if org is None:
        raise NotFound(f"no organization '{slug}'")
    version = session.execute(
        select(ConstitutionVersion)
        .where(ConstitutionVersion.organization_id == org.id)
        .order_by(ConstitutionVersion.version.desc())
        .limit(1)
    ).scalar_one()
    constitution = parse_constitution(version.source)
    kinds: list[KindSummary] = []
    for key, kind in constitution.constituency_kinds.items():
        units, size = session.execute(
            select(func.count(), func.coalesce(func.sum(Constituency.size), 0)).where(
                Constituency.organization_id == org.id,
                Constituency.kind == key,
                Constituency.is_group.is_(False),
            )
        ).one()
        seats, consultative = session.execute(
            select(
                func.coalesce(func.sum(Constituency.seats), 0),
                func.coalesce(func.sum(Constituency.consultative_seats), 0),
            ).where(Constituency.organization_id == org.id, Constituency.kind == key)
        ).one()
        kinds.append(
            KindSummary(key, kind.name, kind.unit, units, int(size), int(seats), int(consultative))
        )
    mandate_counts = dict(
        session.execute(
            select(Mandate.consultative, func.count())
            .where(Mandate.organization_id == org.id, Mandate.status == MandateStatus.ACTIVE)
            .group_by(Mandate.consultative)
        ).all()
    )
    lines: list[BodyLine] = []
    for key, rule in constitution.bodies.items():
        body = session.execute(
            select(Body).where(Body.organization_id == org.id, Body.key == key)
        ).scalar_one()
        counts = dict(
            session.execute(
                select(BodyMembership.consultative, func.count())
                .where(BodyMembership.body_id == body.id, BodyMembership.ended_at.is_(None))
                .group_by(BodyMembership.consultative)
            ).all()
        )
        voting = counts.get(False, 0)
        lines.append(
            BodyLine(
                key,
                rule.name,
                rule.kind,
                voting,
                counts.get(True, 0),
                share_text(rule.quorum),
                quorum_count(rule.quorum, voting),
            )
        )
    head = session.execute(
        select(JournalRecord.height, JournalRecord.hash)
        .where(JournalRecord.organization_id == org.id)
        .order_by(JournalRecord.height.desc())
        .limit(1)
    ).first()
    return OrganizationSummary(
        slug=org.slug,
        name=org.name,
        constitution_version=version.version,
        kinds=kinds,
        mandates_voting=mandate_counts.get(False, 0),
        mandates_consultative=mandate_counts.get(True, 0),
        bodies=lines,
        journal_height=head[0] if head else 0,
        journal_head=head[1] if head else None,
    )


@dataclass(frozen=True)
class MemberLine:
    mandate: int
    person: str
    constituency: str | None
    faction: str | None
    basis: str
    consultative: bool
    represents: int
    roll_position: int
    """Place on the body's roll: the order in which the members took their seats."""


def body_members(session: Session, slug: str, body_key: str) -> list[MemberLine]:
    """The current members of one body, with their constituency, faction and basis."""
    org_id = session.execute(select(Organization.id).where(Organization.slug == slug)).scalar()
    if org_id is None:
        raise NotFound(f"no organization '{slug}'")
    body_id = session.execute(
        select(Body.id).where(Body.organization_id == org_id, Body.key == body_key)
    ).scalar()
    if body_id is None:
        raise NotFound(f"no body '{body_key}' in {slug}")
    rows = session.execute(
        select(BodyMembership, Person.name, Constituency.name, Faction.key, Mandate.represents)
        .join(Mandate, BodyMembership.mandate_id == Mandate.id)
        .join(Person, Mandate.person_id == Person.id)
        .outerjoin(Constituency, Mandate.constituency_id == Constituency.id)
        .outerjoin(Faction, Mandate.faction_id == Faction.id)
        .where(BodyMembership.body_id == body_id, BodyMembership.ended_at.is_(None))
        .order_by(BodyMembership.consultative, Person.name)
    ).all()
    roll = {m.id: n for n, m in enumerate(sorted((r[0] for r in rows), key=lambda m: m.id), 1)}
    return [
        MemberLine(
            m.mandate_id,
            person,
            where,
            faction,
            m.basis.value,
            m.consultative,
            represents,
            roll[m.id],
        )
        for m, person, where, faction, represents in rows
    ]
