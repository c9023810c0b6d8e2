"""HTTP tests: the application on a fresh database of each backend, loaded with an example."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tauride.config import Settings
from tauride.db.engine import build_engine, transaction
from tauride.services.examples import example_path, load_folder
from tauride.web import create_app


@pytest.fixture
def client(fresh_database_url: str) -> Iterator[TestClient]:
    """A client of the app on a fresh database holding the Petrograd 1917 example."""
    engine = build_engine(fresh_database_url)
    with transaction(engine) as session:
        load_folder(session, example_path("petrograd-1917"), actor="test")
    engine.dispose()
    app = create_app(Settings(database_url=fresh_database_url))
    with TestClient(app) as test_client:
        yield test_client
