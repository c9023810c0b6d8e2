"""HTTP tests: the application on a fresh database of each backend, loaded with an example."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tauride.config import Settings
from tauride.db.engine import build_engine, transaction
from tauride.db.models import Mandate
from tauride.services import accounts
from tauride.services.examples import example_path, load_folder
from tauride.services.organizations import get_organization
from tauride.web import create_app

PASSWORD = "correct horse battery"  # noqa: S105 — a test account's


@dataclass
class Site:
    """The app under test, its database, and a way to make accounts in it."""

    client: TestClient
    url: str

    def account(
        self,
        username: str,
        role: str,
        *,
        mandate: int | None = None,
        constituent: int | None = None,
        password: bool = False,
    ) -> str:
        """Create an account with a role in petrograd-1917; return its username.

        Only accounts that log in with a password get one: argon2 is slow on purpose, and
        `bearer()` takes its token through a one-time code instead.
        """
        engine = build_engine(self.url)
        try:
            with transaction(engine) as session:
                org = get_organization(session, "petrograd-1917")
                accounts.create_account(
                    session, username, username.title(), password=PASSWORD if password else None
                )
                accounts.grant_role(
                    session,
                    org,
                    username,
                    role,
                    mandate_id=mandate,
                    constituent_id=constituent,
                    actor="test",
                )
        finally:
            engine.dispose()
        return username

    def mandates(self, n: int = 2) -> list[int]:
        engine = build_engine(self.url)
        try:
            with transaction(engine) as session:
                return list(
                    session.scalars(
                        select(Mandate.id)
                        .where(Mandate.consultative.is_(False))
                        .order_by(Mandate.id)
                        .limit(n)
                    )
                )
        finally:
            engine.dispose()

    def bearer(self, username: str) -> dict[str, str]:
        """Authorization headers of a fresh bearer token for the account (via a one-time
        code handed out by the secretariat, as a delegate's device gets one)."""
        engine = build_engine(self.url)
        try:
            with transaction(engine) as session:
                code = accounts.issue_login_code(session, username)
        finally:
            engine.dispose()
        response = self.client.post("/api/v1/auth/code-tokens", json={"code": code})
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def browser(self, username: str | None = None, **headers: str) -> TestClient:
        """A client of the pages, as a browser would be: asking for HTML, signed in through
        the sign-in page with a one-time code when a username is given, and echoing its
        CSRF token the way htmx does on every changing request."""
        page_client = TestClient(
            self.client.app, headers={"Accept": "text/html,*/*;q=0.8", **headers}
        )
        if username is None:
            return page_client
        engine = build_engine(self.url)
        try:
            with transaction(engine) as session:
                code = accounts.issue_login_code(session, username)
        finally:
            engine.dispose()
        response = page_client.post("/login", data={"code": code}, follow_redirects=False)
        assert response.status_code == 303, response.text
        page_client.headers["X-CSRF-Token"] = page_client.cookies["tauride_csrf"]
        return page_client


def _load(url: str) -> None:
    engine = build_engine(url)
    with transaction(engine) as session:
        load_folder(session, example_path("petrograd-1917"), actor="test")
    engine.dispose()


@pytest.fixture(scope="session")
def petrograd_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the example, that each test's database is copied from."""
    path = tmp_path_factory.mktemp("petrograd") / "petrograd.db"
    shutil.copyfile(sqlite_template, path)
    _load(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def petrograd_postgres(postgres: Any, postgres_template: str) -> str:
    """A PostgreSQL database holding the example, the template of each test's database."""
    name = postgres.create("petrograd", template=postgres_template)
    _load(postgres.url_for(name))  # the engine is disposed: a template takes no connections
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def petrograd_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each backend, already holding the Petrograd 1917 example."""
    if request.param == "sqlite":
        path = tmp_path / "tauride.db"
        shutil.copyfile(request.getfixturevalue("petrograd_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres")
    template: str = request.getfixturevalue("petrograd_postgres")
    name = server.create(uuid.uuid4().hex[:8], template=template)
    yield server.url_for(name)
    server.discard(name)


@pytest.fixture
def site(petrograd_url: str) -> Iterator[Site]:
    """The app on a fresh database holding the Petrograd 1917 example."""
    app = create_app(Settings(database_url=petrograd_url))
    with TestClient(app) as test_client:
        yield Site(test_client, petrograd_url)


@pytest.fixture
def client(site: Site) -> TestClient:
    return site.client


@pytest.fixture
def make_app(petrograd_url: str) -> Callable[..., TestClient]:
    """An app with settings of the test's choosing, on a fresh loaded database."""

    def build(**settings: object) -> TestClient:
        return TestClient(create_app(Settings(database_url=petrograd_url, **settings)))  # type: ignore[arg-type]

    return build
