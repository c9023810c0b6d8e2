"""Every role against every endpoint: allowed or refused exactly as the table says.

The table below is written out by hand on purpose: changing who may do what means changing
the policies in `domain/authorization.py` *and* this table, so the change is seen twice.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituent
from tauride.domain.authorization import POLICIES, Owner, Role
from tauride.services import constituencies
from tauride.services.organizations import get_organization
from tauride.web.auth import Act

from .conftest import Site

S, C, T, D, K, OBS, P = (
    "secretariat",
    "chair",
    "teller",
    "delegate",
    "constituent",
    "observer",
    "public",
)
ALL = {S, C, T, D, K, OBS, P}

# act → roles that may do it (public = anyone, logged in or not).
EXPECTED: dict[str, set[str]] = {
    "organization.read": ALL,
    "journal.read": ALL,
    "minutes.read": ALL,
    "record.read": ALL,
    "analytics.read": ALL,
    "poll.read": ALL,
    "sitting.read": ALL,
    "motion.read": ALL,
    "election.read": ALL,
    "petition.read": ALL,
    "constitution.read": ALL,
    "constitution.amend": {S},
    "constituencies.import": {S},
    "roll.read": {S},
    "mandate.end": {S},
    "account.manage": {S},
    "organization.found": {S},
    "sitting.schedule": {S, C},
    "sitting.run": {C},
    "attendance.check": {S, C, D},
    "speakers.request": {D},
    "motion.move": {D, S},
    "motion.decide": {C},
    "poll.open": {C},
    "poll.cast": {D},
    "poll.count": {T},
    "matter.open": {S},
    "election.manage": {S, C},
    "election.nominate": {S, D},
    "petition.submit": {S, K},
    "petition.handle": {S, C},
    "recall.open": {S, K},
    "recall.sign": {K},
    "recall.sign_paper": {S},
    "recall.ballot": {S},
    "recall.read": ALL,
    "vote.read": ALL,
    "vote.manage": {S},
    "vote.cast_code": ALL,
    "instruction.give": {S, K},
    "instruction.read": ALL,
    "office.fill": {S, C},
}
# Acts where these roles act only on what they own (their mandate, their constituency).
OWNING: dict[str, dict[str, str]] = {
    "attendance.check": {D: "mandate"},
    "speakers.request": {D: "mandate"},
    "motion.move": {D: "mandate"},
    "poll.cast": {D: "mandate"},
    "election.nominate": {D: "mandate"},
    "petition.submit": {K: "constituency"},
    "recall.open": {K: "constituency"},
    "recall.sign": {K: "constituency"},
    "instruction.give": {K: "constituency"},
}
# Endpoints outside any organization: logging in and out, the list of organizations.
UNSCOPED = {"/api/v1/auth/", "/api/v1/organizations"}


def _act_of(route: APIRoute) -> str | None:
    acts = [d.call.name for d in route.dependant.dependencies if isinstance(d.call, Act)]
    assert len(acts) <= 1, f"{route.path}: one act per endpoint"
    return acts[0] if acts else None


def _api_routes(client: TestClient) -> list[APIRoute]:
    return [
        r
        for r in client.app.routes  # type: ignore[attr-defined]
        if isinstance(r, APIRoute) and r.path.startswith("/api/v1")
    ]


def test_the_policies_are_the_table() -> None:
    assert {act: {r.value for r in p.roles} for act, p in POLICIES.items()} == EXPECTED
    owning = {
        act: {r.value: o.value for r, o in p.owning.items() if o is not Owner.NONE}
        for act, p in POLICIES.items()
        if p.owning
    }
    assert owning == OWNING


def test_every_endpoint_names_its_act(client: TestClient) -> None:
    for route in _api_routes(client):
        act = _act_of(route)
        if act is None:
            assert any(route.path.startswith(u) for u in UNSCOPED), f"{route.path} has no act"
        else:
            assert act in POLICIES


def _fill(path: str) -> str:
    path = path.replace("{slug}", "petrograd-1917")
    return re.sub(r"\{[^}]+\}", "1", path)


def _principals(site: Site) -> dict[str, dict[str, str]]:
    engine = build_engine(site.url)
    with transaction(engine) as session:
        org = get_organization(session, "petrograd-1917")
        constituencies.import_roll(
            session,
            org,
            "constituency,roll_number,name\nNarva Gate Locomotive Works,N-1,Ivan Petrov\n",
            source="roll.csv",
            actor="test",
        )
        constituent = session.scalars(select(Constituent.id)).first()
    engine.dispose()
    mandate = site.mandates(1)[0]
    headers: dict[str, dict[str, str]] = {P: {}}
    for role in (S, C, T, OBS):
        headers[role] = site.bearer(site.account(f"as-{role}", role))
    headers[D] = site.bearer(site.account("as-delegate", D, mandate=mandate))
    headers[K] = site.bearer(site.account("as-constituent", K, constituent=constituent))
    return headers


def test_every_role_against_every_endpoint(site: Site) -> None:
    headers = _principals(site)
    checked = 0
    for route in _api_routes(site.client):
        act = _act_of(route)
        if act is None:
            continue
        allowed = EXPECTED[act]
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            url = _fill(route.path)
            for role, auth in headers.items():
                kwargs: dict[str, Any] = {"headers": auth}
                if method in ("POST", "PUT", "PATCH"):
                    kwargs["json"] = {}
                response = site.client.request(method, url, **kwargs)
                where = f"{role} {method} {route.path} ({act})"
                if role in allowed or P in allowed:
                    owner_refusal = response.status_code == 403 and role in OWNING.get(act, {})
                    assert response.status_code not in (401, 403) or owner_refusal, (
                        f"{where}: refused with {response.status_code} {response.text}"
                    )
                else:
                    expected = 401 if role == P else 403
                    assert response.status_code == expected, (
                        f"{where}: {response.status_code} instead of {expected}"
                    )
                checked += 1
    assert checked >= 7 * len({_act_of(r) for r in _api_routes(site.client)} - {None})


@pytest.mark.parametrize("role", sorted(Role))
def test_roles_are_the_documented_ones(role: Role) -> None:
    assert role.value in ALL
