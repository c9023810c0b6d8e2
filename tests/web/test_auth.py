"""Logging in with passwords, one-time codes and bearer tokens; CSRF; roles; idempotency."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from tauride.cli.main import app as cli
from tauride.db.accounts import Account
from tauride.db.engine import build_engine, transaction
from tauride.queries.journal import journal_entries
from tauride.web.auth import SESSION_COOKIE

from .conftest import PASSWORD, Site

ACCOUNTS = "/api/v1/organizations/petrograd-1917/accounts"


def _journal_kinds(url: str) -> list[tuple[str, dict[str, object]]]:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            return [(e.kind, dict(e.payload)) for e in journal_entries(session, "petrograd-1917")]
    finally:
        engine.dispose()


def _login(client: TestClient, username: str) -> str:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def test_password_login_sets_a_strict_httponly_cookie_and_is_journaled(site: Site) -> None:
    site.account("sec", "secretariat", password=True)
    response = site.client.post(
        "/api/v1/auth/login", json={"username": "sec", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie  # development: plain HTTP on 127.0.0.1
    me = site.client.get("/api/v1/auth/me").json()
    assert me["username"] == "sec"
    assert me["roles"] == [
        {
            "organization": "petrograd-1917",
            "role": "secretariat",
            "mandate": None,
            "constituent": None,
        }
    ]
    assert (
        "account.login",
        {"account": "sec", "by": "password", "as": "session"},
    ) in _journal_kinds(site.url)


def test_wrong_password_is_refused_and_the_refusal_stays_in_the_journal(site: Site) -> None:
    site.account("sec", "secretariat", password=True)
    response = site.client.post("/api/v1/auth/login", json={"username": "sec", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["type"] == "/problems/unauthenticated"
    unknown = site.client.post("/api/v1/auth/login", json={"username": "who", "password": "nope"})
    assert unknown.json()["detail"] == response.json()["detail"]  # no hint which was wrong
    entries = _journal_kinds(site.url)
    assert ("account.login_refused", {"account": "sec", "by": "password"}) in entries
    assert all("nope" not in str(payload) for _, payload in entries)


def test_cookies_are_secure_outside_development(make_app: Callable[..., TestClient]) -> None:
    with make_app(environment="production", secret_key="x" * 40) as client:
        assert client.get("/healthz").status_code == 200
        response = client.post("/api/v1/auth/login", json={"username": "a", "password": "b"})
        assert response.status_code == 401


def test_one_time_code_from_the_cli_logs_in_once(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.account("delegate1", "observer")
    monkeypatch.setenv("TAURIDE_DATABASE_URL", site.url)
    from tauride.config import get_settings

    get_settings.cache_clear()
    try:
        printed = CliRunner().invoke(cli, ["account", "code", "delegate1"])
    finally:
        get_settings.cache_clear()
    assert printed.exit_code == 0, printed.output
    code = printed.stdout.split(": ", 1)[1].split(" ", 1)[0]
    typed = code.lower().replace("-", " ")  # as someone types it off paper
    response = site.client.post("/api/v1/auth/code", json={"code": typed})
    assert response.status_code == 200, response.text
    assert site.client.get("/api/v1/auth/me").json()["username"] == "delegate1"
    again = site.client.post("/api/v1/auth/code", json={"code": code})
    assert again.status_code == 401
    assert (
        "account.login",
        {"account": "delegate1", "by": "code", "as": "session"},
    ) in _journal_kinds(site.url)


def test_bearer_token_and_logout(site: Site) -> None:
    site.account("client", "observer", password=True)
    issued = site.client.post(
        "/api/v1/auth/tokens", json={"username": "client", "password": PASSWORD}
    )
    assert issued.status_code == 201
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    assert site.client.get("/api/v1/auth/me", headers=headers).json()["username"] == "client"
    assert site.client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    after = site.client.get("/api/v1/auth/me", headers=headers)
    assert after.status_code == 401
    assert after.headers["www-authenticate"] == "Bearer"
    garbage = site.client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nonsense"})
    assert garbage.status_code == 401


def test_session_writes_need_the_csrf_token(site: Site) -> None:
    site.account("sec", "secretariat", password=True)
    csrf = _login(site.client, "sec")
    body = {"username": "obs", "display_name": "Observer", "role": "observer"}
    refused = site.client.post(ACCOUNTS, json=body)
    assert refused.status_code == 401
    assert refused.json()["type"] == "/problems/csrf-refused"
    wrong = site.client.post(ACCOUNTS, json=body, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 401
    ok = site.client.post(ACCOUNTS, json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201, ok.text


def test_roles_decide_who_may_manage_accounts(site: Site) -> None:
    site.account("sec", "secretariat")
    site.account("obs", "observer")
    body = {"username": "new", "display_name": "New", "role": "teller"}
    assert site.client.post(ACCOUNTS, json=body).status_code == 401
    denied = site.client.post(ACCOUNTS, json=body, headers=site.bearer("obs"))
    assert denied.status_code == 403
    assert denied.json()["type"] == "/problems/forbidden"
    # Roles are checked before the body is read: a denied request learns nothing from it.
    assert site.client.post(ACCOUNTS, json={}, headers=site.bearer("obs")).status_code == 403
    assert site.client.post(ACCOUNTS, json=body, headers=site.bearer("sec")).status_code == 201


def test_a_delegate_role_needs_an_active_mandate_of_the_organization(site: Site) -> None:
    site.account("sec", "secretariat")
    headers = site.bearer("sec")
    body = {"username": "d", "display_name": "D", "role": "delegate"}
    response = site.client.post(ACCOUNTS, json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        "mandate: a delegate acts through a mandate of petrograd-1917"
    ]
    mandate = site.mandates(1)[0]
    ok = site.client.post(ACCOUNTS, json={**body, "mandate": mandate}, headers=headers)
    assert ok.json()["mandate"] == mandate


def test_idempotency_key_replays_and_creates_once(site: Site) -> None:
    site.account("sec", "secretariat")
    headers = {**site.bearer("sec"), "Idempotency-Key": "k-1"}
    body = {"username": "teller1", "display_name": "Teller", "role": "teller"}
    first = site.client.post(ACCOUNTS, json=body, headers=headers)
    second = site.client.post(ACCOUNTS, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    engine = build_engine(site.url)
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).where(Account.username == "teller1")) == 1
    engine.dispose()
    other = site.client.post(ACCOUNTS, json={**body, "username": "teller2"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-key-reused"


def test_login_code_only_for_members_of_the_organization(site: Site) -> None:
    site.account("sec", "secretariat")
    headers = site.bearer("sec")
    response = site.client.post(f"{ACCOUNTS}/nobody/login-codes", headers=headers)
    assert response.status_code == 404
    issued = site.client.post(f"{ACCOUNTS}/sec/login-codes", headers=headers)
    assert issued.status_code == 201
    assert len(issued.json()["code"]) == 19


def test_login_is_rate_limited(make_app: Callable[..., TestClient]) -> None:
    with make_app(login_rate_per_minute=3) as client:
        codes = [
            client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}).status_code
            for _ in range(4)
        ]
        assert codes == [401, 401, 401, 429]
        limited = client.post("/api/v1/auth/login", json={"username": "x", "password": "y"})
        assert limited.json()["type"] == "/problems/rate-limited"
        assert int(limited.headers["retry-after"]) >= 1
