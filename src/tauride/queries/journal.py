"""Reading an organization's journal, for export and verification. Never writes."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord, Organization
from tauride.domain.errors import NotFound
from tauride.domain.journal import JournalEntry


def journal_entries(session: Session, slug: str, *, batch: int = 1000) -> Iterator[JournalEntry]:
    """Every entry of the organization's chain, in height order, read in batches."""
    org_id = session.execute(select(Organization.id).where(Organization.slug == slug)).scalar()
    if org_id is None:
        raise NotFound(f"no organization '{slug}'")
    after = 0
    while True:
        rows = session.scalars(
            select(JournalRecord)
            .where(JournalRecord.organization_id == org_id, JournalRecord.height > after)
            .order_by(JournalRecord.height)
            .limit(batch)
        ).all()
        if not rows:
            return
        for r in rows:
            yield r.as_entry()
        after = rows[-1].height


def journal_page(session: Session, slug: str, *, after: int, limit: int) -> list[JournalEntry]:
    """Up to `limit` entries above height `after`, in height order."""
    org_id = session.execute(select(Organization.id).where(Organization.slug == slug)).scalar()
    if org_id is None:
        raise NotFound(f"no organization '{slug}'")
    rows = session.scalars(
        select(JournalRecord)
        .where(JournalRecord.organization_id == org_id, JournalRecord.height > after)
        .order_by(JournalRecord.height)
        .limit(limit)
    ).all()
    return [r.as_entry() for r in rows]
