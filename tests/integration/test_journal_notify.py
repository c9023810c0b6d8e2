"""The journal announces its appends to the live pages: after commit, once each, in height
order — on PostgreSQL through NOTIFY to every process, on SQLite inside the process."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Organization
from tauride.services import journal
from tauride.web.database import Database
from tauride.web.live import Event


def _organization(engine: Engine, slug: str = "notify") -> int:
    with transaction(engine) as session:
        org = Organization(slug=slug, name=slug.title(), commitment_salt="00" * 32)
        session.add(org)
        session.flush()
        return org.id


def _append(session: Session, org_id: int, sitting: int | None = None) -> int:
    payload = {} if sitting is None else {"sitting": sitting}
    entry = journal.append(session, org_id, actor="clerk", kind="note.made", payload=payload)
    return entry.height


@pytest.fixture
def postgres_url(postgres: Any, postgres_template: str) -> str:
    url: str = postgres.url_for(postgres.create("notify", template=postgres_template))
    return url


def test_an_append_is_announced_at_commit_and_never_when_undone(postgres_url: str) -> None:
    engine = build_engine(postgres_url)
    org_id = _organization(engine)
    conninfo = make_url(postgres_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as listener:
        listener.execute(f"LISTEN {journal.NOTIFY_CHANNEL}")

        def heard() -> list[str]:
            return [n.payload for n in listener.notifies(timeout=0.3)]

        with transaction(engine) as session:
            first = _append(session, org_id, sitting=7)
            assert heard() == []  # not before the commit
        assert heard() == [f"{org_id}:{first}:7:note.made"]

        def failing_act() -> None:
            with transaction(engine) as session:
                _append(session, org_id)
                raise RuntimeError("the act fails")

        def undone_savepoint(session: Session) -> None:
            with session.begin_nested():
                _append(session, org_id)
                raise RuntimeError("a savepoint is undone")

        with pytest.raises(RuntimeError):
            failing_act()
        with transaction(engine) as session:
            with pytest.raises(RuntimeError):
                undone_savepoint(session)
            second = _append(session, org_id)
        assert heard() == [f"{org_id}:{second}::note.made"]
        assert second == first + 1
        assert Event.from_notification(f"{org_id}:{second}::note.made") == Event(
            org_id, "note.made", second
        )
    engine.dispose()


def test_acts_reach_the_pages_once_each_in_height_order(fresh_database_url: str) -> None:
    """Acts of this process from many threads at once (and, on PostgreSQL, of another
    program on the same database) are delivered in the order of their heights."""
    engine = build_engine(fresh_database_url)
    org_id = _organization(engine)
    database = Database(engine)
    on_postgresql = engine.dialect.name == "postgresql"
    threads, acts = 4, 10
    elsewhere = 10 if on_postgresql else 0

    def act_here() -> None:
        for _ in range(acts):
            with database.unit_of_work() as session:
                _append(session, org_id)

    def act_elsewhere() -> None:
        other = build_engine(fresh_database_url)
        for _ in range(elsewhere):
            with transaction(other) as session:
                _append(session, org_id)
        other.dispose()

    async def scenario() -> list[int]:
        await database.live.start()
        try:
            deadline = asyncio.get_running_loop().time() + 10
            while on_postgresql and not database.live.listening:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.02)
            page = database.live.broker.subscribe(org_id)
            workers = [threading.Thread(target=act_here) for _ in range(threads)]
            workers.append(threading.Thread(target=act_elsewhere))
            for worker in workers:
                worker.start()
            heights: list[int] = []
            while len(heights) < threads * acts + elsewhere:
                event = await asyncio.wait_for(page.next(), timeout=10)
                assert event is not None
                assert event.height is not None
                heights.append(event.height)
            await asyncio.to_thread(lambda: [w.join(30) for w in workers])
            return heights
        finally:
            await database.live.stop()

    # In a thread of its own: Playwright's sync API (the browser tests, in the same
    # worker) keeps an event loop running in this one, and asyncio.run refuses it.
    with ThreadPoolExecutor(1) as pool:
        heights = pool.submit(asyncio.run, scenario()).result()
    engine.dispose()
    assert heights == list(range(1, threads * acts + elsewhere + 1))
