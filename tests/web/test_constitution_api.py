"""The constitution over HTTP: read, checked, amended; founding an organization."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import ConstitutionVersion
from tauride.queries.journal import journal_entries
from tauride.services.examples import example_path

from .conftest import Site

ORG = "petrograd-1917"
BASE = f"/api/v1/organizations/{ORG}"
EXAMPLE = (example_path(ORG) / "constitution.toml").read_text(encoding="utf-8")

WORKS_COUNCIL = """\
[organization]
slug = "works-council"
name = "Works Council"

[constituency_kinds.plant]
name = "Plant"
unit = "workers"

[representation.plant]
rule = "ratio"
ratio = 500

[bodies.plenary]
name = "Plenary"
kind = "plenary"
from_kinds = ["plant"]
"""

# Three mistakes at once: a kind of body that does not exist, a quorum above one, and a
# constituency kind nobody declared.
BROKEN = WORKS_COUNCIL.replace('kind = "plenary"', 'kind = "parliament"\nquorum = 2').replace(
    'from_kinds = ["plant"]', 'from_kinds = ["mill"]'
)


def _journal(site: Site, slug: str = ORG) -> list[tuple[str, dict[str, Any]]]:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return [(e.kind, dict(e.payload)) for e in journal_entries(session, slug)]
    finally:
        engine.dispose()


def _count(site: Site, model: type[Any]) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def _walk(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        page = client.get(path, params=query)
        assert page.status_code == 200, page.text
        seen.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return seen


# The constitution.


def test_anyone_reads_the_constitution_in_force(client: TestClient) -> None:
    response = client.get(f"{BASE}/constitution")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["constitution"] == EXAMPLE
    assert body["summary"]["organization"]["slug"] == ORG
    kinds = body["summary"]["constituency_kinds"]
    assert kinds["factory"]["representation"].startswith("one seat per 1000, rounded down")
    assert {b["key"] for b in body["summary"]["bodies"]} >= {"plenary", "executive"}
    assert client.get(f"{BASE}/constitution", params={"version": 7}).status_code == 404
    assert client.get("/api/v1/organizations/nowhere/constitution").status_code == 404


def test_check_lists_every_mistake_with_its_path(client: TestClient) -> None:
    ok = client.post(f"{BASE}/constitution/check", json={"constitution": EXAMPLE})
    assert ok.status_code == 200
    assert ok.json()["organization"]["name"].startswith("Petrograd Soviet")
    broken = client.post(
        f"{BASE}/constitution/check", json={"constitution": BROKEN.replace("works-council", ORG)}
    )
    assert broken.status_code == 422
    assert broken.json()["type"] == "/problems/invalid-input"
    errors = broken.json()["errors"]
    assert (
        "constitution: bodies.plenary.kind: must be one of "
        "'plenary', 'section', 'executive', 'conference' or 'committee'" in errors
    )
    assert "constitution: bodies.plenary.quorum: must be between 0 and 1" in errors
    assert "constitution: bodies.plenary.from_kinds[0]: no constituency kind named 'mill'" in errors
    other = client.post(f"{BASE}/constitution/check", json={"constitution": WORKS_COUNCIL})
    assert other.status_code == 422
    assert other.json()["errors"] == [
        f"constitution: organization.slug: is 'works-council', the organization amended is '{ORG}'"
    ]
    unreadable = client.post(f"{BASE}/constitution/check", json={"constitution": "[organization"})
    assert unreadable.status_code == 422


def test_only_the_secretariat_amends(site: Site) -> None:
    site.account("sec", "secretariat")
    site.account("obs", "observer")
    amended = EXAMPLE.replace("ratio = 1000", "ratio = 500", 1)
    body = {"constitution": amended, "note": "one deputy per 500 workers"}
    assert site.client.post(f"{BASE}/constitution", json=body).status_code == 401
    refused = site.client.post(f"{BASE}/constitution", json=body, headers=site.bearer("obs"))
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/forbidden"
    seats_before = sum(c["seats"] for c in _walk(site.client, f"{BASE}/constituencies"))
    headers = {**site.bearer("sec"), "Idempotency-Key": "amend-1"}
    first = site.client.post(f"{BASE}/constitution", json=body, headers=headers)
    again = site.client.post(f"{BASE}/constitution", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json()
    assert first.json()["version"] == 2
    assert first.json()["note"] == "one deputy per 500 workers"
    assert _count(site, ConstitutionVersion) == 2  # the retry adopted nothing
    assert site.client.get(f"{BASE}/constitution").json()["version"] == 2
    kinds = [k for k, _ in _journal(site)]
    assert kinds.index("constitution.amended") < len(kinds) - 1 - kinds[::-1].index(
        "apportionment.computed"
    )
    amended_entry = [p for k, p in _journal(site) if k == "constitution.amended"]
    assert amended_entry[0]["version"] == 2
    assert amended_entry[0]["note"] == "one deputy per 500 workers"
    # Seats are apportioned again under the new rule.
    seats_after = sum(c["seats"] for c in _walk(site.client, f"{BASE}/constituencies"))
    assert seats_after > seats_before


def test_a_broken_amendment_is_refused_whole(site: Site) -> None:
    site.account("sec", "secretariat")
    headers = site.bearer("sec")  # logging in is journaled: count after it
    height = len(_journal(site))
    response = site.client.post(
        f"{BASE}/constitution",
        json={"constitution": BROKEN.replace("works-council", ORG)},
        headers=headers,
    )
    assert response.status_code == 422
    assert len(response.json()["errors"]) == 3
    assert len(_journal(site)) == height
    assert site.client.get(f"{BASE}/constitution").json()["version"] == 1


# Founding an organization.


def test_a_secretariat_founds_an_organization_and_holds_its_secretariat(site: Site) -> None:
    site.account("sec", "secretariat")
    site.account("obs", "observer")
    body = {"constitution": WORKS_COUNCIL}
    assert site.client.post("/api/v1/organizations", json=body).status_code == 401
    refused = site.client.post("/api/v1/organizations", json=body, headers=site.bearer("obs"))
    assert refused.status_code == 403
    headers = {**site.bearer("sec"), "Idempotency-Key": "found-1"}
    first = site.client.post("/api/v1/organizations", json=body, headers=headers)
    again = site.client.post("/api/v1/organizations", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json()
    assert first.json()["slug"] == "works-council"
    assert first.json()["constitution_version"] == 1
    roles = site.client.get("/api/v1/auth/me", headers=site.bearer("sec")).json()["roles"]
    assert {"organization": "works-council", "role": "secretariat"}.items() <= next(
        r for r in roles if r["organization"] == "works-council"
    ).items()
    journal = _journal(site, "works-council")
    assert [k for k, _ in journal][:3] == [
        "organization.founded",
        "constitution.adopted",
        "role.granted",
    ]
    assert journal[0][1] == {"slug": "works-council", "name": "Works Council"}
    twice = site.client.post("/api/v1/organizations", json=body, headers=site.bearer("sec"))
    assert twice.status_code == 409
    broken = site.client.post(
        "/api/v1/organizations", json={"constitution": BROKEN}, headers=site.bearer("sec")
    )
    assert broken.status_code == 422
    assert len(broken.json()["errors"]) == 3


def test_founding_needs_a_bearer_token_not_a_session(site: Site) -> None:
    site.account("sec", "secretariat", password=True)
    login = site.client.post(
        "/api/v1/auth/login", json={"username": "sec", "password": "correct horse battery"}
    )
    csrf = login.json()["csrf_token"]
    response = site.client.post(
        "/api/v1/organizations",
        json={"constitution": WORKS_COUNCIL},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 401
    assert "bearer token" in response.json()["detail"]
