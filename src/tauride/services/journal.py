"""Appending acts to an organization's journal, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord, Organization
from tauride.domain.journal import JournalEntry, next_entry, utc_now_instant


def lock_organization(session: Session, organization_id: int) -> Organization:
    """Take the organization's row lock, which serializes its journal appends.

    On PostgreSQL this is SELECT … FOR NO KEY UPDATE: it queues appends behind each other
    but, unlike FOR UPDATE, not behind the key-share locks that every insert referencing the
    organization takes — two such transactions would otherwise deadlock at the journal.
    On SQLite every write transaction already holds the database's write lock from BEGIN
    IMMEDIATE (see db.engine).
    """
    org = session.execute(
        select(Organization)
        .where(Organization.id == organization_id)
        .with_for_update(key_share=True)
    ).scalar_one()
    return org


def _last_entry(session: Session, organization_id: int) -> JournalEntry | None:
    record = session.execute(
        select(JournalRecord)
        .where(JournalRecord.organization_id == organization_id)
        .order_by(JournalRecord.height.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if record is None else record.as_entry()


def append(
    session: Session, organization_id: int, *, actor: str, kind: str, payload: dict[str, Any]
) -> JournalEntry:
    """Record one act at the head of the organization's chain.

    Takes the organization's lock first, so that two transactions never compute the same
    height; the UNIQUE(organization, height) constraint backs this up.
    """
    lock_organization(session, organization_id)
    entry = next_entry(
        _last_entry(session, organization_id),
        at=utc_now_instant(),
        actor=actor,
        kind=kind,
        payload=payload,
    )
    session.add(JournalRecord.of(organization_id, entry))
    session.flush()
    return entry
