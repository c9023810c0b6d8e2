"""Amending a constitution and applying it: seats re-apportioned, bodies recomposed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tauride.services import bodies, constituencies, organizations


def amend(session: Session, slug: str, text: str, *, source: str, actor: str, note: str) -> int:
    """Adopt the amended constitution and bring seats and memberships in line with it."""
    version = organizations.amend_constitution(
        session, slug, text, source=source, actor=actor, note=note
    )
    org = organizations.get_organization(session, slug)
    constituencies.apportion_seats(session, org, actor=actor)
    bodies.recompose(session, org, actor=actor)
    return version
