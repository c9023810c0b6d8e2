"""Concurrent appends to one organization's journal never fork or skip a height."""

from __future__ import annotations

import threading

from sqlalchemy import select

from tauride.db.engine import build_engine, session_factory, transaction
from tauride.db.models import JournalRecord, Organization
from tauride.domain.journal import verify_chain
from tauride.services import journal

THREADS = 4
APPENDS = 25


def test_parallel_writers_produce_one_unbroken_chain(fresh_database_url: str) -> None:
    engine = build_engine(fresh_database_url, busy_timeout_ms=30_000)
    try:
        with transaction(engine) as session:
            org = Organization(slug="busy", name="Busy", commitment_salt="00" * 32)
            session.add(org)
            session.flush()
            org_id = org.id
        errors: list[BaseException] = []
        start = threading.Barrier(THREADS)

        def writer(number: int) -> None:
            try:
                start.wait()
                for i in range(APPENDS):
                    with session_factory(engine)() as session, session.begin():
                        journal.append(
                            session,
                            org_id,
                            actor=f"writer:{number}",
                            kind="test.append",
                            payload={"writer": number, "i": i},
                        )
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with session_factory(engine)() as session:
            records = session.scalars(
                select(JournalRecord)
                .where(JournalRecord.organization_id == org_id)
                .order_by(JournalRecord.height)
            ).all()
            entries = [r.as_entry().to_dict() for r in records]
        assert [e["height"] for e in entries] == list(range(1, THREADS * APPENDS + 1))
        assert verify_chain(entries).ok
    finally:
        engine.dispose()
