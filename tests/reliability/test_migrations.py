"""The migrations go down to nothing and up again on both databases."""

from __future__ import annotations

from sqlalchemy import inspect

from tauride.db.base import Base
from tauride.db.engine import build_engine
from tauride.db.migrate import is_at_head, upgrade


def test_downgrade_to_base_and_upgrade_again(fresh_database_url: str) -> None:
    from alembic import command

    from tauride.db.migrate import alembic_config

    engine = build_engine(fresh_database_url)
    try:
        assert is_at_head(engine)
        config = alembic_config(fresh_database_url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert not is_at_head(engine)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert is_at_head(engine)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
