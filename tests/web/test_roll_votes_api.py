"""Roll votes over HTTP: a constituency elects its deputy with one-time codes; code casts
are limited per client address, logged in or not."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituency, Mandate, MandateStatus
from tauride.queries.organizations import body_members
from tauride.services import constituencies, mandates
from tauride.services.organizations import get_organization

from .conftest import Site
from .test_recalls_api import roll_csv

ORG = "petrograd-1917"
BASE = f"/api/v1/organizations/{ORG}"
VOTES = f"{BASE}/roll-votes"
COMPANY = "Pavlovsky Regiment, 2nd Company"  # one deputy, elected by the company
CANDIDATES = ["Private Anna Ivanova", "Corporal Pyotr Semyonov", "Private Vera Orlova"]


def _vacate(site: Site) -> None:
    """End the company's deputy's mandate and import its roll of seven soldiers."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            constituencies.import_roll(
                session, org, roll_csv(COMPANY, "Q", 7), source="roll.csv", actor="test"
            )
            deputy = session.scalars(
                select(Mandate.id)
                .join(Constituency, Mandate.constituency_id == Constituency.id)
                .where(Constituency.name == COMPANY, Mandate.status == MandateStatus.ACTIVE)
            ).one()
            mandates.end_mandate(
                session, org, deputy, status=MandateStatus.RESIGNED, reason="wounded", actor="t"
            )
    finally:
        engine.dispose()


def test_a_company_elects_its_deputy_by_codes(site: Site) -> None:
    site.account("secretariat", "secretariat")
    site.account("chair", "chair")
    sec, chair = site.bearer("secretariat"), site.bearer("chair")
    body = {"constituency": COMPANY, "candidates": CANDIDATES}
    full = site.client.post(f"{VOTES}/elections", json=body, headers=sec)
    assert full.status_code == 409  # its seat is held
    _vacate(site)
    assert site.client.post(f"{VOTES}/elections", json=body).status_code == 401
    assert site.client.post(f"{VOTES}/elections", json=body, headers=chair).status_code == 403
    bad_method = site.client.post(
        f"{VOTES}/elections", json={**body, "method": "borda"}, headers=sec
    )
    assert bad_method.status_code == 422
    headers = {**sec, "Idempotency-Key": "by-election"}
    opened = site.client.post(f"{VOTES}/elections", json=body, headers=headers)
    assert opened.status_code == 201, opened.text
    assert site.client.post(f"{VOTES}/elections", json=body, headers=headers).json() == (
        opened.json()
    )
    vote = opened.json()
    assert (vote["kind"], vote["seats"], vote["method"], vote["options"]) == (
        "election",
        1,
        "scottish-stv",
        CANDIDATES,
    )
    assert [v["id"] for v in site.client.get(VOTES).json()["items"]] == [vote["id"]]
    url = f"{VOTES}/{vote['id']}"
    sheet = site.client.post(f"{url}/codes", headers=sec).json()["codes"]
    assert [line["roll_number"] for line in sheet] == [f"Q-{i:04d}" for i in range(1, 8)]
    ballots: list[dict[str, object]] = [
        {"choice": CANDIDATES[0]},
        {"ranking": [CANDIDATES[0], CANDIDATES[2]]},
        {"ranking": [CANDIDATES[1]]},
        {"ranking": [CANDIDATES[2], CANDIDATES[0]]},
        {"ranking": []},  # blank
    ]
    for line, ballot in zip(sheet, ballots, strict=False):
        cast = site.client.post(f"{url}/ballots", json={"code": line["code"], **ballot})
        assert cast.status_code == 201, cast.text
    nobody = site.client.post(
        f"{url}/ballots", json={"code": sheet[5]["code"], "choice": "Comrade Nobody"}
    )
    assert (nobody.status_code, nobody.json()["type"]) == (422, "/problems/bad-choice")
    closed = site.client.post(f"{url}/close", headers=sec)
    assert closed.status_code == 200, closed.text
    result = closed.json()["result"]
    assert result["elected"] == [CANDIDATES[0]]
    assert isinstance(result["seed"], int)
    assert result["counts"] == {CANDIDATES[0]: 2, CANDIDATES[1]: 1, CANDIDATES[2]: 1, "": 1}
    assert site.client.post(f"{url}/close", headers=sec).status_code == 409
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            section = {m.person for m in body_members(session, ORG, "soldiers-section")}
    finally:
        engine.dispose()
    assert CANDIDATES[0] in section
    assert site.client.get(f"{VOTES}/999").status_code == 404


def test_code_casts_are_limited_per_client_address(make_app: Callable[..., TestClient]) -> None:
    with make_app(cast_rate_per_minute=3) as client:
        ballot = {"code": "not a code", "choice": "yes"}
        url = f"{VOTES}/1/ballots"
        codes = [client.post(url, json=ballot).status_code for _ in range(3)]
        assert codes == [422, 422, 422]
        limited = client.post(url, json=ballot)
        assert limited.status_code == 429
        assert limited.json()["type"] == "/problems/rate-limited"
        assert int(limited.headers["Retry-After"]) >= 1
        # Another vote from the same address shares the limit: it is the address's.
        assert client.post(f"{VOTES}/2/ballots", json=ballot).status_code == 429
