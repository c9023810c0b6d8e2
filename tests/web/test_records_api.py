"""Minutes, voting records, representativeness and voting power over HTTP."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tauride.db.engine import build_engine, transaction
from tauride.domain.polls import PollMethod
from tauride.domain.sittings import SittingState
from tauride.queries.organizations import body_members
from tauride.services import polls, sittings
from tauride.services.organizations import get_organization

from .conftest import Site

ORG = "petrograd-1917"
BASE = f"/api/v1/organizations/{ORG}"


@dataclass(frozen=True)
class Business:
    sitting: int
    named: int
    secret: int
    open: int
    voter: int
    """A mandate that voted "no" by name and took part in the secret ballot."""


@pytest.fixture
def business(site: Site) -> Business:
    """A plenary sitting with a closed roll call, a closed secret ballot and an open poll."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            voting = [
                m.mandate for m in body_members(session, ORG, "plenary") if not m.consultative
            ]
            sitting = sittings.schedule_sitting(
                session, org, "plenary", title="On the war", scheduled_for=None, actor="t"
            )
            sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="t")
            for mandate in voting:
                sittings.check_in(session, org, sitting.id, mandate, actor="t")
            named = polls.open_poll(
                session,
                org,
                sitting.id,
                question="Peace now?",
                method=PollMethod.ROLL_CALL,
                actor="t",
            )
            for i, mandate in enumerate(voting[:60]):
                polls.cast_ballot(session, org, named.id, mandate, "no" if i == 0 else "yes")
            polls.close_poll(session, org, named.id, actor="t")
            secret = polls.open_poll(
                session, org, sitting.id, question="Strike?", method=PollMethod.SECRET, actor="t"
            )
            for i, mandate in enumerate(voting[:50]):
                polls.cast_ballot(session, org, secret.id, mandate, "yes" if i % 2 else "no")
            polls.close_poll(session, org, secret.id, actor="t")
            still = polls.open_poll(
                session,
                org,
                sitting.id,
                question="Adjourn?",
                method=PollMethod.ROLL_CALL,
                actor="t",
            )
            return Business(sitting.id, named.id, secret.id, still.id, voting[0])
    finally:
        engine.dispose()


def test_anyone_reads_the_minutes_as_json(client: TestClient, business: Business) -> None:
    response = client.get(f"{BASE}/sittings/{business.sitting}/minutes")
    assert response.status_code == 200
    minutes = response.json()
    assert (minutes["sitting"], minutes["body"], minutes["title"]) == (
        business.sitting,
        "plenary",
        "On the war",
    )
    assert len(minutes["attendance"]) == 85
    by_poll = {p["poll"]: p for item in [minutes["other"]] for p in item["polls"]}
    named, secret = by_poll[business.named], by_poll[business.secret]
    assert named["carried"] is True
    assert {v["mandate"]: v["choice"] for v in named["votes"]}[business.voter] == "no"
    assert secret["votes"] == []  # a secret ballot names nobody's choice
    assert secret["participants"] == 50


def test_minutes_as_markdown_and_as_a_page(client: TestClient, business: Business) -> None:
    path = f"{BASE}/sittings/{business.sitting}/minutes"
    md = client.get(path, params={"format": "md"})
    assert md.status_code == 200
    assert md.headers["content-type"].startswith("text/markdown")
    assert "Peace now?" in md.text
    page = client.get(path, params={"format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!DOCTYPE html>")
    policy = page.headers["content-security-policy"]
    assert "style-src 'sha256-" in policy
    assert "script-src" not in policy
    assert "default-src 'none'" in policy
    assert client.get(path, params={"format": "pdf"}).status_code == 422
    missing = client.get(f"{BASE}/sittings/99999/minutes")
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/not-found"


def test_a_voting_record_keeps_secret_ballots_secret(
    client: TestClient, business: Business
) -> None:
    response = client.get(f"{BASE}/mandates/{business.voter}/record")
    assert response.status_code == 200
    record = response.json()
    assert record["delegate"]["mandate"] == business.voter
    lines = {line["poll"]: line for line in record["polls"]}
    assert (lines[business.named]["participation"], lines[business.named]["choice"]) == (
        "voted",
        "no",
    )
    assert (lines[business.secret]["participation"], lines[business.secret]["choice"]) == (
        "took-part",
        None,
    )
    assert lines[business.open]["participation"] == "poll-open"
    assert record["instructions"] == []
    assert client.get(f"{BASE}/mandates/999999/record").status_code == 404


def test_poll_representativeness(client: TestClient, business: Business) -> None:
    named = client.get(f"{BASE}/polls/{business.named}/representativeness")
    assert named.status_code == 200, named.text
    report = named.json()
    assert report["attribution"] == "named"
    assert report["options"]["yes"]["heads"] == 59
    assert report["options"]["no"]["heads"] == 1
    assert report["members"]["heads"] == 85
    assert report["by_heads"]["verdict"] == "carried"
    secret = client.get(f"{BASE}/polls/{business.secret}/representativeness").json()
    assert secret["attribution"] == "participation"
    assert secret["voted"]["heads"] == 50
    still = client.get(f"{BASE}/polls/{business.open}/representativeness")
    assert still.status_code == 409
    assert client.get(f"{BASE}/polls/99999/representativeness").status_code == 404


def test_body_representativeness(client: TestClient) -> None:
    response = client.get(f"{BASE}/bodies/plenary/representativeness")
    assert response.status_code == 200
    report = response.json()
    assert (report["constituents"], report["seats"]) == (58_890, 85)
    kinds = {k["kind"]: k for k in report["kinds"]}
    assert (kinds["factory"]["seats"], kinds["company"]["seats"]) == (45, 40)
    assert kinds["company"]["unit"] == "soldiers"
    assert report["disparity"]["favoured"] == "company"
    assert report["exact"]["loosemore_hanby"] is not None
    assert client.get(f"{BASE}/bodies/nope/representativeness").status_code == 404


def test_voting_power_of_factions_and_constituencies(client: TestClient) -> None:
    path = f"{BASE}/bodies/plenary/power"
    members = list(client.get(f"{BASE}/bodies/plenary/members").json())
    voting = [m for m in members if not m["consultative"]]
    banzhaf = client.get(path)
    assert banzhaf.status_code == 200, banzhaf.text
    game = banzhaf.json()
    assert (game["index"], game["bloc"], game["weight"]) == ("banzhaf", "faction", "heads")
    assert (game["total"], game["quota"]) == (85, 43)
    factions = {m["faction"] for m in voting}
    assert {b["name"] for b in game["blocs"]} == factions
    assert sum(b["members"] for b in game["blocs"]) == 85
    assert abs(sum(b["value"] for b in game["blocs"]) - 1) < 1e-9
    shapley = client.get(
        path, params={"index": "shapley-shubik", "bloc": "constituency", "weight": "constituents"}
    ).json()
    assert shapley["total"] == 58_890
    assert shapley["quota"] == 29_446
    assert len(shapley["blocs"]) == len({m["constituency"] for m in voting})
    assert sum(int(b["raw"]) for b in shapley["blocs"]) > 0
    too_much = client.get(path, params={"quota": 86})
    assert too_much.status_code == 422
    assert too_much.json()["errors"] == ["query:quota: 86 exceeds the total weight 85"]
    assert client.get(path, params={"index": "gini"}).status_code == 422
    assert client.get(f"{BASE}/bodies/nope/power").status_code == 404
