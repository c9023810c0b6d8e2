"""Health endpoints, problem details and security headers."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tauride.config import Settings
from tauride.web import create_app


def test_healthz_and_readyz_on_a_migrated_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readyz_refuses_a_database_without_the_schema(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    with TestClient(app) as bare:
        assert bare.get("/healthz").status_code == 200
        response = bare.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/schema-outdated"


def test_readyz_reports_an_unreachable_database() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"
    with TestClient(create_app(Settings(database_url=url))) as down:
        response = down.get("/readyz")
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/database-unreachable"


def test_refused_act_is_a_problem_with_a_stable_type(client: TestClient) -> None:
    response = client.get("/api/v1/organizations/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no organization 'nowhere'",
        "instance": "/api/v1/organizations/nowhere",
        "errors": ["no organization 'nowhere'"],
    }


def test_invalid_query_lists_every_mistake_with_its_place(client: TestClient) -> None:
    response = client.get(
        "/api/v1/organizations/petrograd-1917/journal", params={"limit": 0, "cursor": "x"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == ["query:limit: Input should be greater than or equal to 1"]
    response = client.get("/api/v1/organizations/petrograd-1917/journal", params={"cursor": "x"})
    assert response.json()["errors"] == ["query:cursor: not a cursor this server issued"]


def test_unknown_path_is_a_problem_too(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/healthz", "/api/v1/organizations", "/api/v1/organizations/nowhere"):
        headers = client.get(path).headers
        assert "script-src 'self';" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_problem_types_are_documented_at_their_uri(client: TestClient) -> None:
    kinds = {p["kind"]: p for p in client.get("/problems").json()}
    for kind in ("double-vote", "no-quorum", "poll-closed", "not-entitled", "forbidden"):
        assert kinds[kind]["type"] == f"/problems/{kind}"
        assert client.get(f"/problems/{kind}").json() == kinds[kind]
    assert client.get("/problems/no-such-thing").status_code == 404
