"""Alembic environment: the URL comes from the Alembic config or TAURIDE_DATABASE_URL."""

from __future__ import annotations

from alembic import context

import tauride.db.accounts
import tauride.db.models
import tauride.db.petitions
import tauride.db.polls
import tauride.db.roll_votes
import tauride.db.sittings  # noqa: F401 — these imports register every table on the metadata
from tauride.db.base import Base
from tauride.db.engine import build_engine

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from tauride.config import get_settings  # noqa: PLC0415 — only when no URL was passed

    return get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = build_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
