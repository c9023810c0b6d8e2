"""An open sitting with everyone present, and the people who act in it: the setup of the
motion and poll tests, made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tauride.db.engine import build_engine, transaction
from tauride.domain.sittings import SittingState
from tauride.queries.journal import journal_entries
from tauride.services import sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import get_organization

from .conftest import Site

ORG = "petrograd-1917"
BASE = f"/api/v1/organizations/{ORG}"


@dataclass
class Floor:
    """An open sitting of a body with every member present, and the people who act in it."""

    sitting: int
    voting: list[int]
    consultative: list[int]
    chair: dict[str, str]
    teller: dict[str, str]
    sec: dict[str, str]
    delegates: list[dict[str, str]]  # the accounts of the first voting members, in order
    guest: dict[str, str]  # the account of the first consultative member


def open_floor(site: Site, body: str = "executive", delegates: int = 4) -> Floor:
    """Schedule and open a sitting of `body` through the services, check everyone in, and
    make accounts: chair, teller, secretariat, delegates of the first voting members."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            sitting = sittings.schedule_sitting(
                session, org, body, title="Sitting", scheduled_for=None, actor="test"
            )
            sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="test")
            members = current_memberships(session, get_body(session, org.id, body).id)
            voting = [m.mandate_id for m in members if not m.consultative]
            consultative = [m.mandate_id for m in members if m.consultative]
            for mandate in voting + consultative:
                sittings.check_in(session, org, sitting.id, mandate, actor="test")
            sitting_id = sitting.id
    finally:
        engine.dispose()
    for i, mandate in enumerate(voting[:delegates]):
        site.account(f"d{i}", "delegate", mandate=mandate)
    site.account("guest", "delegate", mandate=consultative[0])
    for role in ("chair", "teller", "secretariat"):
        site.account(role, role)
    return Floor(
        sitting_id,
        voting,
        consultative,
        site.bearer("chair"),
        site.bearer("teller"),
        site.bearer("secretariat"),
        [site.bearer(f"d{i}") for i in range(delegates)],
        site.bearer("guest"),
    )


def journal(url: str) -> list[tuple[str, dict[str, Any]]]:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            return [(e.kind, dict(e.payload)) for e in journal_entries(session, ORG)]
    finally:
        engine.dispose()


def open_poll(site: Site, floor: Floor, **body: Any) -> dict[str, Any]:
    response = site.client.post(
        f"{BASE}/sittings/{floor.sitting}/polls",
        json={"question": "Call the general strike?", **body},
        headers=floor.chair,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def cast(site: Site, floor: Floor, poll: int, i: int, choice: str, **extra: Any) -> dict[str, Any]:
    response = site.client.post(
        f"{BASE}/polls/{poll}/ballots",
        json={"mandate": floor.voting[i], "choice": choice, **extra},
        headers=floor.delegates[i],
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
