"""Reading organizations, bodies and the journal over HTTP."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tauride.domain.journal import verify_export

BASE = "/api/v1/organizations/petrograd-1917"


def test_organizations_are_listed_a_page_at_a_time(client: TestClient) -> None:
    first = client.get("/api/v1/organizations", params={"limit": 1}).json()
    assert [o["slug"] for o in first["items"]] == ["petrograd-1917"]
    assert first["next_cursor"] is None  # one organization: no next page


def test_organization_summary(client: TestClient) -> None:
    body = client.get(BASE).json()
    assert body["name"] == "Petrograd Soviet of Workers' and Soldiers' Deputies"
    bodies = {b["key"]: b for b in body["bodies"]}
    assert bodies["soldiers-section"]["voting"] == 40
    assert bodies["plenary"]["quorum_count"] == 43
    assert body["mandates_voting"] == 115
    assert body["journal"]["height"] > 0


def test_members_of_a_body(client: TestClient) -> None:
    members = client.get(f"{BASE}/bodies/executive/members").json()
    assert sum(not m["consultative"] for m in members) == 15
    assert sum(m["consultative"] for m in members) == 6
    assert client.get(f"{BASE}/bodies/nope/members").status_code == 404


def test_journal_pages_walk_the_whole_chain_and_match_the_export(client: TestClient) -> None:
    head = client.get(f"{BASE}/journal/head").json()
    seen: list[dict[str, object]] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 4}
        if cursor:
            params["cursor"] = cursor
        page = client.get(f"{BASE}/journal", params=params).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [e["height"] for e in seen] == list(range(1, head["height"] + 1))
    assert seen[-1]["hash"] == head["head"]
    export = client.get(f"{BASE}/journal/export")
    assert export.headers["content-type"].startswith("application/x-ndjson")
    lines = export.text.splitlines()
    assert [json.loads(line) for line in lines] == seen
    result = verify_export(lines)
    assert result.ok
    assert result.head_hash == head["head"]


def test_export_of_an_unknown_organization_fails_before_streaming(client: TestClient) -> None:
    response = client.get("/api/v1/organizations/nowhere/journal/export")
    assert response.status_code == 404
