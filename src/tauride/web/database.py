"""The application's database: one engine per process, one transaction per act."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tauride.db.engine import transaction


class Database:
    """What endpoints reach the database through: a unit of work per request."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back otherwise."""
        with transaction(self.engine) as session:
            yield session


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


DB = Annotated[Database, Depends(_database)]
