"""The seed scenarios driven through the JSON API give the same minutes as through the CLI.

Each seed is replayed twice, into two fresh databases of the same backend: once by the
scripted HTTP client (`tests/web/scenario_client.py`: real accounts and roles, every act a
request), once through the services as `tauride scenario run` does it
(`services.scenarios.replay`, one transaction on the scenario's clock). Then the minutes of
every sitting, read through `GET …/sittings/{id}/minutes` from each database, must be the
same once these fields are normalized, and nothing else:

- instants: `at`, `checked_in`, `checked_out`, `opened_at`, `closed_at`, `taken_up` and
  `suspensions` (the HTTP replay happens now; the CLI's carries the scenario's dates);
- journal positions and hashes: `height`, `first_height`, `last_height`, `last_hash` (the
  HTTP replay's journal also holds the accounts made, the roles granted and the logins,
  and every hash differs) and `merkle_root` (each ballot's leaf holds a random receipt).

Attendance (who, in which order, in whose seat), the agenda, who spoke on which side and in
what order, the motions with their movers, seconders, texts as moved and as amended,
events and fates, every poll's rule, electorate, figures and named votes, and the numbers
of sittings, items, motions and polls must be equal as they are. So must each matter's
positions and conflicts, every petition (its `submitted_at` normalized) and every poll as
`GET …/polls/{id}` reads it (`opened_at`, `closed_at`, `result.merkle_root` normalized).
No actor name appears in the minutes: the journal names the accounts that acted, and the
HTTP replay's journal export is verified as a whole chain.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tauride.config import Settings
from tauride.db.engine import build_engine, transaction
from tauride.domain.journal import verify_export
from tauride.domain.scenario_checks import parse_scenario
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import examples_root
from tauride.services.organizations import get_organization
from tauride.services.scenarios import replay
from tauride.web import create_app
from tauride.web.auth import SESSION_COOKIE

from .conftest import Site
from .floor import journal
from .scenario_client import ScenarioClient
from .scenario_people import prepare

SEEDS = {
    "petrograd-1917": examples_root() / "petrograd-1917" / "june-1917.toml",
    "st-petersburg-1905": examples_root() / "st-petersburg-1905" / "november-1905.toml",
}
INSTANTS = frozenset(
    {"at", "checked_in", "checked_out", "opened_at", "closed_at", "taken_up", "suspensions"}
)
CHAIN = frozenset({"height", "first_height", "last_height", "last_hash", "merkle_root"})
NORMALIZED = INSTANTS | CHAIN | {"submitted_at"}
# The scripted client exchanges one login code per delegate from one client address: more
# than the per-address limit on code logins allows in a minute. The limit is a deployment
# setting; the password hashing is not touched.
LOGINS_PER_MINUTE = 10_000


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two fresh, migrated, empty databases of one backend: for the API and for the CLI."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        urls = []
        for name in ("api", "cli"):
            shutil.copyfile(template, tmp_path / f"{name}.db")
            urls.append(f"sqlite:///{tmp_path / name}.db")
        yield urls[0], urls[1]
    else:
        server = request.getfixturevalue("postgres")
        template_name: str = request.getfixturevalue("postgres_template")
        first, second = (
            server.url_for(server.create(uuid.uuid4().hex[:8], template=template_name))
            for _ in range(2)
        )
        yield first, second


def normalized(value: Any) -> Any:
    """The JSON value with every field named in NORMALIZED masked by a fixed value."""
    if isinstance(value, dict):
        return {k: "<normalized>" if k in NORMALIZED else normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def _get(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.text}"
    return response.json()


def _pages(client: TestClient, path: str) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        page = _get(client, path + (f"?cursor={cursor}" if cursor else ""))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def _record(client: TestClient, slug: str, sittings: list[int], matters: list[str]) -> Any:
    """What is compared: each sitting's minutes and polls, each matter, every petition."""
    base = f"/api/v1/organizations/{slug}"
    return normalized(
        {
            "minutes": {s: _get(client, f"{base}/sittings/{s}/minutes") for s in sittings},
            "polls": {s: _pages(client, f"{base}/sittings/{s}/polls") for s in sittings},
            "matters": {k: _get(client, f"{base}/matters/{k}") for k in matters},
            "petitions": _pages(client, f"{base}/petitions"),
        }
    )


def _replay_through_services(url: str, path: Path) -> tuple[list[int], list[str], float]:
    started = time.perf_counter()
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            done = replay(
                session, parse_scenario(path.read_text(encoding="utf-8")), base=path.parent
            )
    finally:
        engine.dispose()
    return list(done.sittings), [m.key for m in done.matters], time.perf_counter() - started


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_scenario_through_the_api_gives_the_minutes_of_the_cli(
    two_databases: tuple[str, str], seed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    api_url, cli_url = two_databases
    path = SEEDS[seed]
    scenario = parse_scenario(path.read_text(encoding="utf-8"))

    slug = prepare(api_url, scenario, path.parent)
    settings = Settings(database_url=api_url, login_rate_per_minute=LOGINS_PER_MINUTE)
    with TestClient(create_app(settings)) as http:
        done = ScenarioClient(http, slug).replay(scenario)
        through_api = _record(http, slug, done.sittings, done.matters)
        export = http.get(f"/api/v1/organizations/{slug}/journal/export")
        head = _get(http, f"/api/v1/organizations/{slug}/journal/head")

    sittings, matters, cli_seconds = _replay_through_services(cli_url, path)
    with TestClient(create_app(Settings(database_url=cli_url))) as http:
        through_cli = _record(http, slug, sittings, matters)

    assert (done.sittings, done.matters) == (sittings, matters)
    assert len(done.petitions) == len(through_cli["petitions"])
    for sitting in sittings:
        assert through_api["minutes"][sitting] == through_cli["minutes"][sitting], sitting
        assert through_api["polls"][sitting] == through_cli["polls"][sitting], sitting
    assert through_api == through_cli

    assert export.status_code == 200
    verified = verify_export(export.text.splitlines(keepends=True))
    assert verified.ok, verified
    assert (verified.count, verified.head_hash) == (head["height"], head["head"])

    with capsys.disabled():
        print(
            f"\n{seed}: HTTP {done.seconds:.1f} s ({done.requests} requests, {done.accounts} "
            f"accounts in {done.account_seconds:.1f} s); services {cli_seconds:.1f} s"
        )


# What the scripted client needs of the API: bearer tokens for login codes, the body's roll.

ORG = "/api/v1/organizations/petrograd-1917"


def _code_for_new_delegate(site: Site, sec: dict[str, str], username: str) -> str:
    mandate = site.mandates(1)[0]
    account = {"username": username, "display_name": "D", "role": "delegate", "mandate": mandate}
    assert site.client.post(f"{ORG}/accounts", json=account, headers=sec).status_code == 201
    issued = site.client.post(f"{ORG}/accounts/{username}/login-codes", headers=sec)
    assert issued.status_code == 201, issued.text
    return str(issued.json()["code"])


def test_a_login_code_gives_a_bearer_token_once(site: Site) -> None:
    site.account("sec", "secretariat")
    code = _code_for_new_delegate(site, site.bearer("sec"), "d1")
    issued = site.client.post("/api/v1/auth/code-tokens", json={"code": code.lower(), "hours": 2})
    assert issued.status_code == 201, issued.text
    assert "set-cookie" not in issued.headers
    token = issued.json()["token"]
    assert issued.json()["username"] == "d1"
    me = site.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["roles"][0]["role"] == "delegate"
    # A bearer token is not a session: as a cookie it is refused.
    site.client.cookies.set(SESSION_COOKIE, token)
    assert site.client.get("/api/v1/auth/me").status_code == 401
    site.client.cookies.clear()
    again = site.client.post("/api/v1/auth/code-tokens", json={"code": code})
    assert again.status_code == 401
    assert again.json()["type"] == "/problems/unauthenticated"
    unknown = site.client.post("/api/v1/auth/code-tokens", json={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert unknown.status_code == 401
    assert site.client.post("/api/v1/auth/code-tokens", json={}).status_code == 422
    logins = [p for k, p in journal(site.url) if k == "account.login"]
    assert {"account": "d1", "by": "code", "as": "bearer"} in logins
    assert all(code not in str(p) for _, p in journal(site.url))


def test_code_tokens_are_rate_limited_per_client(
    site: Site, make_app: Callable[..., TestClient]
) -> None:
    site.account("sec", "secretariat")
    code = _code_for_new_delegate(site, site.bearer("sec"), "d1")
    with make_app(login_rate_per_minute=2) as client:
        answers = [
            client.post("/api/v1/auth/code-tokens", json={"code": "AAAA-BBBB-CCCC-DDDD"})
            for _ in range(2)
        ]
        assert [a.status_code for a in answers] == [401, 401]
        limited = client.post("/api/v1/auth/code-tokens", json={"code": code})
        assert limited.status_code == 429
        assert limited.json()["type"] == "/problems/rate-limited"


def test_members_carry_their_place_on_the_body_s_roll(site: Site) -> None:
    listed = site.client.get(f"{ORG}/bodies/executive/members").json()
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, "petrograd-1917")
            body = get_body(session, org.id, "executive")
            roll = [m.mandate_id for m in current_memberships(session, body.id)]
    finally:
        engine.dispose()
    assert sorted(m["roll_position"] for m in listed) == list(range(1, len(roll) + 1))
    assert [m["mandate"] for m in sorted(listed, key=lambda m: m["roll_position"])] == roll
    assert [m["mandate"] for m in listed] != roll  # listed voting members first, by name
