"""Shared test fixtures: databases on SQLite and PostgreSQL, built by the migrations."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tauride.config import get_settings
from tauride.db.engine import build_engine, normalize_url
from tauride.db.migrate import upgrade
from tauride.domain.errors import TaurideError

# Typer builds the click command of an app anew on every CliRunner.invoke, which costs more
# than most commands do: the tests build each app's once.
_build_command = typer.testing._get_command
_commands: dict[int, tuple[typer.Typer, Any]] = {}


def _command_once(app: typer.Typer) -> Any:
    if id(app) not in _commands:
        _commands[id(app)] = (app, _build_command(app))
    return _commands[id(app)][1]


typer.testing._get_command = _command_once

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _postgres_admin_url() -> str | None:
    url = os.environ.get("TAURIDE_TEST_DATABASE_URL")
    if not url:
        if IN_CI:
            pytest.fail(
                "CI=true but TAURIDE_TEST_DATABASE_URL is not set: PostgreSQL suites must run"
            )
        return None
    return normalize_url(url)


class PostgresServer:
    """Creates databases of its own on the test server and drops them at the end.

    A test's own database is dropped by a thread of its own while the next tests run
    (`discard`): dropping takes a tenth of a second, and hundreds of them at the end of
    the run would keep a worker busy after the others have finished.
    """

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        self.prefix = f"tauride_test_{uuid.uuid4().hex[:8]}"
        self._discarded: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None

    def url_for(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create(self, suffix: str, template: str | None = None) -> str:
        name = f"{self.prefix}_{suffix}"
        with self.admin.connect() as conn:
            clause = f" TEMPLATE {template}" if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return name

    def discard(self, name: str) -> None:
        """Drop a test's database in the background; `drop_all` waits for it."""
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_discarded, daemon=True)
            self._dropper.start()
        self._discarded.put(name)

    def _drop_discarded(self) -> None:
        with self.admin.connect() as conn:
            while (name := self._discarded.get()) is not None:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_all(self) -> None:
        if self._dropper is not None:
            self._discarded.put(None)
            self._dropper.join()
        with self.admin.connect() as conn:
            for name in reversed(self.created):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The PostgreSQL test server; skipped when absent, a failure under CI."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip("TAURIDE_TEST_DATABASE_URL is not set: PostgreSQL suites skipped")
    server = PostgresServer(admin_url)
    try:
        with server.admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        server.admin.dispose()
        message = f"cannot reach PostgreSQL at {admin_url}: {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer) -> str:
    """A migrated database that fresh test databases are copied from."""
    name = postgres.create("template")
    engine = build_engine(postgres.url_for(name))
    upgrade(engine)
    engine.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that fresh test databases are copied from."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    engine = build_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close folds the WAL into the file
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, migrated, empty database for one test, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "tauride.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        template_name: str = request.getfixturevalue("postgres_template")
        name = server.create(uuid.uuid4().hex[:8], template=template_name)
        yield server.url_for(name)
        server.discard(name)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated database per backend for the whole run; tests roll back their changes."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('shared') / 'tauride.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        # Unique: pytest may set a parametrized session fixture up again for a later file.
        url = server.url_for(server.create(f"shared_{uuid.uuid4().hex[:6]}"))
    eng = build_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test."""
    with engine.connect() as connection:
        outer = connection.begin()
        db = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield db
        finally:
            db.close()
            outer.rollback()


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch, fresh_database_url: str) -> Iterator[str]:
    """Point the settings (and so the CLI) at a fresh database."""
    monkeypatch.setenv("TAURIDE_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    yield fresh_database_url
    get_settings.cache_clear()


Race = Callable[[list[Callable[[], None]]], list[TaurideError]]


def run_together(workers: list[Callable[[], None]]) -> list[TaurideError]:
    """Start every worker at the same moment on its own thread; return the refusals."""
    errors: list[TaurideError] = []
    start = threading.Barrier(len(workers))

    def run(work: Callable[[], None]) -> None:
        start.wait()
        try:
            work()
        except TaurideError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.fixture
def race() -> Race:
    """Run acts at the same moment on several threads (each worker owns its transaction)."""
    return run_together


# The longest files go first: xdist hands out whole files, and a long one started last keeps
# one worker busy after the others have finished.
LONGEST_FIRST = (
    "tests/web/test_schemathesis.py",
    "tests/web/test_scenarios_api.py",
    "tests/browser/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next(
            (i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)),
            len(LONGEST_FIRST),
        )

    items.sort(key=rank)
