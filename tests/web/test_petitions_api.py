"""Petitions, appeals and delegations over HTTP: submitted (a constituent from their own
constituency only), put on an agenda, heard, answered; read by anyone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituent
from tauride.db.petitions import Petition
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import SittingState
from tauride.services import constituencies, motions, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import get_organization

from .conftest import Site

ORG = "petrograd-1917"
BASE = f"/api/v1/organizations/{ORG}"
PETITIONS = f"{BASE}/petitions"
NARVA = "Narva Gate Locomotive Works"  # 9,140 workers
NEVA = "Neva Shipyard"
FRONT = "Delegation of the Twelfth Army, Northern Front"


@dataclass
class People:
    sec: dict[str, str]
    chair: dict[str, str]
    delegate: dict[str, str]
    constituent: dict[str, str]  # on the roll of the Narva Gate works


def people(site: Site) -> People:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            roll = f"constituency,roll_number,name\n{NARVA},N-1,Ivan Petrov\n"
            constituencies.import_roll(session, org, roll, source="roll.csv", actor="test")
            constituent = session.scalars(select(Constituent.id)).one()
    finally:
        engine.dispose()
    site.account("secretariat", "secretariat")
    site.account("chair", "chair")
    site.account("deputy", "delegate", mandate=site.mandates(1)[0])
    site.account("worker", "constituent", constituent=constituent)
    return People(*(site.bearer(u) for u in ("secretariat", "chair", "deputy", "worker")))


def delegation(title: str = "From the front") -> dict[str, Any]:
    return {"body": "plenary", "kind": "delegation", "title": title, "from_label": FRONT}


def appeal(constituency: str = NARVA, signatures: int = 4570) -> dict[str, Any]:
    return {
        "body": "plenary",
        "kind": "appeal",
        "title": "Bread and peace",
        "text": "The workers of the Narva Gate demand that the Soviet take power.",
        "from_constituency": constituency,
        "signatures": signatures,
    }


def submit(site: Site, body: dict[str, Any], who: dict[str, str]) -> dict[str, Any]:
    response = site.client.post(PETITIONS, json=body, headers=who)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _petitions(url: str) -> int:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            return int(session.scalar(select(func.count()).select_from(Petition)) or 0)
    finally:
        engine.dispose()


def test_a_constituent_submits_only_from_their_own_constituency(site: Site) -> None:
    who = people(site)
    mine = submit(site, appeal(), who.constituent)
    assert (mine["state"], mine["origin"], mine["signatures"]) == ("submitted", NARVA, 4570)
    assert (mine["constituency_size"], mine["share"]) == (9140, "1/2")
    assert mine["next"] == ["on-agenda"]
    for body in (appeal(NEVA, 10), delegation()):
        refused = site.client.post(PETITIONS, json=body, headers=who.constituent)
        assert refused.status_code == 403
        assert refused.json()["type"] == "/problems/forbidden"
    # The secretariat receives from anyone; the rules of the service still hold.
    assert submit(site, appeal(NEVA, 10), who.sec)["origin"] == NEVA
    over = site.client.post(PETITIONS, json=appeal(signatures=9141), headers=who.sec)
    assert over.status_code == 422
    assert over.json()["type"] == "/problems/invalid-input"
    assert "more than the 9140" in over.json()["detail"]
    both = site.client.post(PETITIONS, json={**appeal(), "from_label": "x"}, headers=who.sec)
    assert both.status_code == 422
    for refused_role in (who.delegate, who.chair):
        assert site.client.post(PETITIONS, json=appeal(), headers=refused_role).status_code == 403
    assert site.client.post(PETITIONS, json=appeal()).status_code == 401
    assert _petitions(site.url) == 2


def test_a_retried_submission_is_received_once(site: Site) -> None:
    who = people(site)
    headers = {**who.sec, "Idempotency-Key": "front-1"}
    first = site.client.post(PETITIONS, json=delegation(), headers=headers)
    again = site.client.post(PETITIONS, json=delegation(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert _petitions(site.url) == 1
    other = site.client.post(PETITIONS, json=delegation("Baltic"), headers=headers)
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-key-reused"


def _sitting(site: Site) -> tuple[int, list[int]]:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            sitting = sittings.schedule_sitting(
                session, org, "plenary", title="Delegations", scheduled_for=None, actor="test"
            )
            sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="test")
            members = current_memberships(session, get_body(session, org.id, "plenary").id)
            voting = [m.mandate_id for m in members if not m.consultative]
            for mandate in voting:
                sittings.check_in(session, org, sitting.id, mandate, actor="test")
            return sitting.id, voting
    finally:
        engine.dispose()


def _take_up(site: Site, item: int) -> None:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            sittings.take_up_item(session, get_organization(session, ORG), item, actor="test")
    finally:
        engine.dispose()


def _resolution(site: Site, sitting: int, seconder: int) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            motion = motions.move_motion(
                session,
                org,
                sitting,
                kind=MotionKind.MAIN,
                title="Answer to the delegation",
                text="The Soviet greets the delegation.",
                mover_label="the Executive Committee",
                actor="test",
            )
            motions.second_motion(session, org, motion.id, seconder, actor="test")
            motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="t")
            return motion.id
    finally:
        engine.dispose()


def test_a_delegation_is_put_on_the_agenda_heard_and_answered(site: Site) -> None:
    who = people(site)
    petition = submit(site, delegation(), who.sec)["id"]
    url = f"{PETITIONS}/{petition}"
    sitting, voting = _sitting(site)
    motion = _resolution(site, sitting, voting[0])
    too_soon = site.client.post(f"{url}/answer", json={"motion": motion}, headers=who.chair)
    assert too_soon.status_code == 409
    assert too_soon.json()["type"] == "/problems/bad-petition-transition"
    body = {"sitting": sitting}
    for refused in (who.constituent, who.delegate):
        assert site.client.post(f"{url}/agenda", json=body, headers=refused).status_code == 403
    assert site.client.post(f"{url}/agenda", json=body).status_code == 401
    placed = site.client.post(f"{url}/agenda", json=body, headers=who.sec)
    assert placed.status_code == 200, placed.text
    agenda = placed.json()["agenda"]
    assert (placed.json()["state"], agenda["kind"], agenda["title"]) == (
        "on-agenda",
        "delegations",
        "From the front",
    )
    second = submit(site, delegation("From the Baltic Fleet"), who.sec)["id"]
    joined = site.client.post(
        f"{PETITIONS}/{second}/agenda",
        json={"sitting": sitting, "item": agenda["item"]},
        headers=who.chair,
    )
    assert joined.json()["agenda"]["item"] == agenda["item"]
    speaker = {"speaker": "Private Ivanov"}
    not_current = site.client.post(f"{url}/hearing", json=speaker, headers=who.chair)
    assert not_current.status_code == 409
    assert not_current.json()["type"] == "/problems/item-not-current"
    _take_up(site, agenda["item"])
    heard = site.client.post(f"{url}/hearing", json=speaker, headers=who.chair)
    assert heard.status_code == 200, heard.text
    assert heard.json()["state"] == "heard"
    linked = site.client.post(f"{url}/answer", json={"motion": motion}, headers=who.sec)
    assert linked.status_code == 200, linked.text
    answer = linked.json()["answer"]
    assert (answer["motion"], answer["state"], answer["fate"]) == (motion, "admitted", None)
    shown = site.client.get(url)
    assert shown.status_code == 200  # petition.read: everyone
    assert shown.json() == linked.json()
    missing = site.client.get(f"{PETITIONS}/999")
    assert missing.status_code == 404


def test_petitions_are_listed_a_page_at_a_time_and_filtered(site: Site) -> None:
    who = people(site)
    ids = [submit(site, delegation(f"Delegation {i}"), who.sec)["id"] for i in range(3)]
    first = site.client.get(PETITIONS, params={"limit": 2}).json()
    assert [p["id"] for p in first["items"]] == ids[:2]
    rest = site.client.get(PETITIONS, params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert ([p["id"] for p in rest["items"]], rest["next_cursor"]) == (ids[2:], None)
    submitted = site.client.get(PETITIONS, params={"state": "submitted", "body": "plenary"})
    assert len(submitted.json()["items"]) == 3
    assert site.client.get(PETITIONS, params={"state": "answered"}).json()["items"] == []
    assert site.client.get(PETITIONS, params={"body": "executive"}).json()["items"] == []
    bad = site.client.get(PETITIONS, params={"cursor": "nonsense"})
    assert bad.status_code == 422
