"""Browser tests: Tauride served by uvicorn on 127.0.0.1, driven by Playwright in Debian's
Chromium (`/usr/bin/chromium`, headless), with axe-core checking every page.

Screenshots go to `test-artifacts/screenshots/` (the CI keeps them as artifacts).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tauride.config import Settings
from tauride.db.engine import build_engine, transaction
from tauride.services import demo
from tauride.services.examples import example_path, load_folder
from tauride.services.organizations import get_organization
from tauride.web import create_app

CHROMIUM = os.environ.get("TAURIDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    """A running server on a database holding the example and the demo sitting."""

    url: str
    database_url: str
    sitting_id: int
    codes: dict[str, str]

    def code(self, username: str) -> str:
        """A fresh one-time code for an account (each code signs in once)."""
        engine = build_engine(self.database_url)
        try:
            with transaction(engine) as session:
                from tauride.services import accounts

                return accounts.issue_login_code(session, username)
        finally:
            engine.dispose()


def _prepare(database_url: str) -> tuple[int, dict[str, str]]:
    engine = build_engine(database_url)
    try:
        with transaction(engine) as session:
            load_folder(session, example_path("petrograd-1917"), actor="test")
        with transaction(engine) as session:
            org = get_organization(session, "petrograd-1917")
            ready = demo.prepare(session, org, body_key="plenary", actor="test")
            return ready.sitting_id, {p.username: p.code for p in ready.accounts}
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """Tauride serving a fresh database of each backend, in a thread of this process."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("browser") / "tauride.db"
        shutil.copyfile(sqlite_template, path)
        database_url = f"sqlite:///{path}"
    else:
        server: Any = request.getfixturevalue("postgres")
        template: str = request.getfixturevalue("postgres_template")
        database_url = server.url_for(server.create(uuid.uuid4().hex[:8], template=template))
    sitting_id, codes = _prepare(database_url)
    port = _free_port()
    app = create_app(Settings(database_url=database_url))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not runner.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", database_url, sitting_id, codes)
    finally:
        runner.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Separate browser contexts (separate cookies: separate people)."""
    made: list[BrowserContext] = []

    def make(viewport: dict[str, int] | None = None, locale: str = "en-GB") -> BrowserContext:
        context = browser.new_context(viewport=viewport or DESKTOP, locale=locale)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def sign_in(page: Page, served: Served, username: str, next_path: str = "/") -> None:
    """Sign in through the sign-in page with a fresh one-time code."""
    page.goto(f"{served.url}/login?next={next_path}")
    page.get_by_label("One-time code").fill(served.code(username))
    page.get_by_role("button", name="Sign in with the code").click()
    page.wait_for_url(f"{served.url}{next_path}")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag',
                      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
            resultTypes: ['violations']
        })"""
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def assert_accessible(page: Page) -> None:
    found = axe_violations(page)
    described = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in found
    ]
    assert not found, f"axe on {page.url}:\n" + "\n".join(described)
