"""The journal as the live streams read it: short reads, off the event loop.

On SQLite these reads go through an engine of their own in autocommit mode: the
application's engine begins every transaction IMMEDIATE (it takes the write lock, see
db.engine), and a stream's read must never queue behind, or hold up, an act.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Select, create_engine, select

from tauride.db.models import JournalRecord
from tauride.web.live.events import Event, sitting_of

BATCH = 500
"""Entries per read when a stream is brought up to date."""


def _reader_engine(engine: Engine) -> Engine:
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return engine
    return create_engine(engine.url, isolation_level="AUTOCOMMIT")


class JournalReads:
    """Reads of an organization's journal for the live streams."""

    def __init__(self, engine: Engine) -> None:
        self.engine = _reader_engine(engine)
        self._own = self.engine is not engine

    def dispose(self) -> None:
        if self._own:
            self.engine.dispose()

    def _events(self, org_id: int, statement: Select[int, str, Any]) -> list[Event]:
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        return [Event(org_id, kind, height, sitting_of({"sitting": s})) for height, kind, s in rows]

    @staticmethod
    def _select(org_id: int) -> Select[int, str, Any]:
        return select(
            JournalRecord.height, JournalRecord.kind, JournalRecord.payload["sitting"]
        ).where(JournalRecord.organization_id == org_id)

    def after_now(self, org_id: int, after: int, upto: int | None = None) -> list[Event]:
        """Entries above `after` (up to `upto`), oldest first, at most a batch of them."""
        statement = self._select(org_id).where(JournalRecord.height > after)
        if upto is not None:
            statement = statement.where(JournalRecord.height <= upto)
        return self._events(org_id, statement.order_by(JournalRecord.height).limit(BATCH))

    def heads_now(self, org_ids: Sequence[int]) -> list[Event]:
        """The newest entry of each organization that has one."""
        found: list[Event] = []
        for org_id in org_ids:
            statement = self._select(org_id).order_by(JournalRecord.height.desc()).limit(1)
            found.extend(self._events(org_id, statement))
        return found

    async def after(self, org_id: int, after: int, upto: int | None = None) -> list[Event]:
        return await asyncio.to_thread(self.after_now, org_id, after, upto)

    async def head(self, org_id: int) -> int:
        """The organization's journal height now (0 before its first entry)."""
        found = await asyncio.to_thread(self.heads_now, [org_id])
        return (found[0].height or 0) if found else 0

    async def heads(self, org_ids: Sequence[int]) -> list[Event]:
        return await asyncio.to_thread(self.heads_now, org_ids)
