"""The stored journal: appended under a lock, chained, and refused any change."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord, Organization
from tauride.domain.journal import GENESIS_HASH, verify_chain
from tauride.services import journal


def _org(session: Session, slug: str = "org-a") -> Organization:
    org = Organization(slug=slug, name=slug.upper(), commitment_salt="00" * 32)
    session.add(org)
    session.flush()
    return org


def test_appended_entries_form_a_chain_that_verifies(session: Session) -> None:
    org = _org(session)
    first = journal.append(session, org.id, actor="system", kind="test.first", payload={"n": 1})
    second = journal.append(session, org.id, actor="system", kind="test.second", payload={"n": 2})
    assert (first.height, second.height) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    stored = session.query(JournalRecord).filter_by(organization_id=org.id).all()
    result = verify_chain(r.as_entry().to_dict() for r in sorted(stored, key=lambda r: r.height))
    assert result.ok
    assert result.head_hash == second.hash


def test_each_organization_has_its_own_chain(session: Session) -> None:
    a, b = _org(session, "org-a"), _org(session, "org-b")
    journal.append(session, a.id, actor="system", kind="test.one", payload={})
    entry_b = journal.append(session, b.id, actor="system", kind="test.one", payload={})
    assert entry_b.height == 1
    assert entry_b.prev_hash == GENESIS_HASH


@pytest.mark.parametrize(
    "statement",
    [
        lambda org_id: (
            update(JournalRecord)
            .where(JournalRecord.organization_id == org_id)
            .values(actor="someone else")
        ),
        lambda org_id: delete(JournalRecord).where(JournalRecord.organization_id == org_id),
    ],
    ids=["update", "delete"],
)
def test_database_refuses_to_change_journal_entries(session: Session, statement) -> None:  # type: ignore[no-untyped-def]
    org = _org(session)
    journal.append(session, org.id, actor="system", kind="test.entry", payload={"n": 1})
    savepoint = session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(statement(org.id))
    savepoint.rollback()
    assert session.query(JournalRecord).filter_by(organization_id=org.id).count() == 1


def test_postgres_refuses_truncate_of_the_journal(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    savepoint = session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("TRUNCATE journal_entries CASCADE"))
    savepoint.rollback()


def test_height_is_unique_per_organization(session: Session) -> None:
    org = _org(session)
    entry = journal.append(session, org.id, actor="system", kind="test.entry", payload={})
    savepoint = session.begin_nested()
    session.add(
        JournalRecord(
            organization_id=org.id,
            height=entry.height,
            prev_hash=GENESIS_HASH,
            hash="f" * 64,
            at=entry.at,
            actor="forger",
            kind="test.forged",
            payload={},
        )
    )
    with pytest.raises(DBAPIError):
        session.flush()
    savepoint.rollback()
