"""The application's database: one engine per process, one transaction per act."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tauride.db.engine import transaction
from tauride.web.live import LiveUpdates


class Database:
    """What endpoints reach the database through: a unit of work per request."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.live = LiveUpdates(engine)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back otherwise; what it
        journaled is then published to the live pages."""
        outbox = self.live.outbox()
        try:
            with transaction(self.engine) as session:
                outbox.watch(session)
                yield session
                outbox.seal(session)
            outbox.publish()
        finally:
            outbox.close()


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


DB = Annotated[Database, Depends(_database)]
