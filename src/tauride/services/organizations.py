"""Founding an organization from its constitution, and amending the constitution."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tauride.db.models import Body, ConstitutionVersion, Faction, Organization
from tauride.domain.constitution import Constitution, ConstitutionError, parse_constitution
from tauride.domain.errors import Conflict, InvalidInput, NotFound
from tauride.services import journal


def check_constitution(text: str, source: str) -> Constitution:
    """Parse a constitution, turning its problems into an input error that names the file."""
    try:
        return parse_constitution(text)
    except ConstitutionError as exc:
        raise InvalidInput(f"{source}: {p}" for p in exc.problems) from None


def get_organization(session: Session, slug: str) -> Organization:
    """The organization with this slug, or NotFound."""
    org = session.execute(
        select(Organization).where(Organization.slug == slug)
    ).scalar_one_or_none()
    if org is None:
        raise NotFound(f"no organization '{slug}'")
    return org


def current_constitution(session: Session, organization_id: int) -> tuple[int, Constitution]:
    """The version number and rules in force."""
    row = session.execute(
        select(ConstitutionVersion)
        .where(ConstitutionVersion.organization_id == organization_id)
        .order_by(ConstitutionVersion.version.desc())
        .limit(1)
    ).scalar_one()
    return row.version, parse_constitution(row.source)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def found_organization(session: Session, text: str, *, source: str, actor: str) -> Organization:
    """Create an organization, its first constitution, factions and bodies; journal both acts."""
    constitution = check_constitution(text, source)
    slug = constitution.organization.slug
    exists = session.execute(select(Organization.id).where(Organization.slug == slug)).first()
    if exists is not None:
        raise Conflict(f"{source}: organization.slug: '{slug}' is already in this database")
    org = Organization(
        slug=slug, name=constitution.organization.name, commitment_salt=secrets.token_hex(32)
    )
    session.add(org)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="organization.founded",
        payload={"slug": slug, "name": org.name},
    )
    _adopt(session, org, constitution, text, version=1, actor=actor, note="founding constitution")
    return org


def amend_constitution(
    session: Session, slug: str, text: str, *, source: str, actor: str, note: str = ""
) -> int:
    """Adopt a new version of the constitution; the slug cannot change. Returns the version."""
    org = get_organization(session, slug)
    constitution = check_constitution(text, source)
    if constitution.organization.slug != slug:
        raise InvalidInput(
            f"{source}: organization.slug: is '{constitution.organization.slug}', "
            f"the organization amended is '{slug}'"
        )
    journal.lock_organization(session, org.id)
    latest = session.execute(
        select(func.max(ConstitutionVersion.version)).where(
            ConstitutionVersion.organization_id == org.id
        )
    ).scalar_one()
    org.name = constitution.organization.name
    version = int(latest or 0) + 1
    _adopt(session, org, constitution, text, version=version, actor=actor, note=note)
    return version


def _adopt(
    session: Session,
    org: Organization,
    constitution: Constitution,
    text: str,
    *,
    version: int,
    actor: str,
    note: str,
) -> None:
    digest = _digest(text)
    session.add(
        ConstitutionVersion(
            organization_id=org.id, version=version, source=text, digest=digest, note=note
        )
    )
    _sync_factions(session, org.id, constitution)
    _sync_bodies(session, org.id, constitution)
    session.flush()
    journal.append(
        session,
        org.id,
        actor=actor,
        kind="constitution.adopted" if version == 1 else "constitution.amended",
        payload={
            "version": version,
            "sha256": digest,
            "note": note,
            "bodies": sorted(constitution.bodies),
            "constituency_kinds": sorted(constitution.constituency_kinds),
        },
    )


def _sync_factions(session: Session, organization_id: int, constitution: Constitution) -> None:
    existing = {
        f.key: f
        for f in session.scalars(select(Faction).where(Faction.organization_id == organization_id))
    }
    for key, faction in constitution.factions.items():
        if key in existing:
            existing[key].name = faction.name
        else:
            session.add(Faction(organization_id=organization_id, key=key, name=faction.name))


def _sync_bodies(session: Session, organization_id: int, constitution: Constitution) -> None:
    # Bodies dropped by an amendment keep their row: their sittings and history remain.
    existing = {
        b.key: b
        for b in session.scalars(select(Body).where(Body.organization_id == organization_id))
    }
    for key, rule in constitution.bodies.items():
        if key in existing:
            existing[key].name = rule.name
            existing[key].kind = rule.kind
        else:
            session.add(
                Body(organization_id=organization_id, key=key, name=rule.name, kind=rule.kind)
            )
