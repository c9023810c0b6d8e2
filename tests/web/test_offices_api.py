"""Offices over HTTP: who holds them, a recall moved in the body that elected the holder and
decided like any motion, and the office filled again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import OfficeTerm

from .conftest import Site
from .floor import BASE, Floor, journal, open_floor

SECRETARY = "S. P. Sidorov"
CHAIR = "V. Ye. Solovyova"


def _recall(site: Site, headers: dict[str, str], floor: Floor, **body: Any) -> Any:
    return site.client.post(
        f"{BASE}/offices/secretary/recall-motions",
        json={"sitting": floor.sitting, "holder_name": SECRETARY, **body},
        headers=headers,
    )


def _decide(site: Site, floor: Floor, motion: int, choices: list[str]) -> dict[str, Any]:
    """Second, admit, put to the vote; the first delegates vote; the chair closes."""
    seconded = site.client.post(
        f"{BASE}/motions/{motion}/second",
        json={"mandate": floor.voting[1]},
        headers=floor.delegates[1],
    )
    assert seconded.status_code == 200, seconded.text
    admitted = site.client.post(
        f"{BASE}/motions/{motion}/state", json={"state": "admitted"}, headers=floor.chair
    )
    assert admitted.status_code == 200, admitted.text
    opened = site.client.post(f"{BASE}/motions/{motion}/vote", headers=floor.chair)
    assert opened.status_code == 201, opened.text
    poll = opened.json()["id"]
    for i, choice in enumerate(choices):
        cast = site.client.post(
            f"{BASE}/polls/{poll}/ballots",
            json={"mandate": floor.voting[i], "choice": choice},
            headers=floor.delegates[i],
        )
        assert cast.status_code == 201, cast.text
    closed = site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair)
    assert closed.status_code == 200, closed.text
    result: dict[str, Any] = closed.json()
    return result


def _terms(site: Site) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return session.scalar(select(func.count()).select_from(OfficeTerm)) or 0
    finally:
        engine.dispose()


def test_offices_and_their_holders_are_listed(site: Site) -> None:
    listed = site.client.get(f"{BASE}/offices")
    assert listed.status_code == 200, listed.text
    offices = {o["office"]: o for o in listed.json()["items"]}
    assert set(offices) == {"chair", "secretary"}
    secretary = offices["secretary"]
    assert (secretary["elected_by"], secretary["places"]) == ("executive", 1)
    (term,) = secretary["terms"]
    assert (term["person"], term["mandate_status"], term["ended_at"]) == (
        SECRETARY,
        "active",
        None,
    )
    assert term["started_at"].endswith("Z") or term["started_at"].endswith("+00:00")
    first = site.client.get(f"{BASE}/offices", params={"limit": 1}).json()
    assert [o["office"] for o in first["items"]] == ["chair"]
    rest = site.client.get(f"{BASE}/offices", params={"cursor": first["next_cursor"]}).json()
    assert ([o["office"] for o in rest["items"]], rest["next_cursor"]) == (["secretary"], None)
    assert site.client.get(f"{BASE}/offices", params={"cursor": "junk"}).status_code == 422
    one = site.client.get(f"{BASE}/offices/chair").json()
    assert [t["person"] for t in one["terms"]] == [CHAIR]
    missing = site.client.get(f"{BASE}/offices/treasurer")
    assert (missing.status_code, missing.json()["type"]) == (404, "/problems/not-found")


def test_a_carried_recall_vacates_the_office_and_it_is_filled_again(site: Site) -> None:
    floor = open_floor(site, "executive")
    moved = _recall(site, floor.delegates[0], floor, mover=floor.voting[0], text="Bad minutes.")
    assert moved.status_code == 201, moved.text
    motion = moved.json()
    assert (
        motion["title"]
        == f"Recall {SECRETARY} from the office of Secretary of the Executive Committee"
    )
    assert (motion["kind"], motion["state"], motion["text"]) == (
        "main",
        "submitted",
        "Bad minutes.",
    )
    assert (motion["office"], motion["person"], motion["mover"]) == (
        "secretary",
        SECRETARY,
        floor.voting[0],
    )
    again = _recall(site, floor.sec, floor, mover_label="the Bolshevik fraction")
    assert (again.status_code, again.json()["type"]) == (409, "/problems/recall-pending")

    decided = _decide(site, floor, motion["id"], ["yes", "yes", "yes", "no"])
    assert decided["result"]["carried"] is True
    vacant = site.client.get(f"{BASE}/offices/secretary").json()
    assert vacant["terms"] == []
    history = site.client.get(f"{BASE}/offices/secretary", params={"history": True}).json()
    (ended,) = history["terms"]
    assert (ended["term"], ended["ended_at"] is not None) == (motion["term"], True)
    kinds = [kind for kind, _ in journal(site.url)]
    assert kinds.index("office.recall_moved") < kinds.index("office.recalled")
    gone = _recall(site, floor.sec, floor, mover_label="the Bolshevik fraction")
    assert (gone.status_code, gone.json()["type"]) == (409, "/problems/conflict")

    # The chair gives the office to a member of the Executive; a retry fills it once.
    url = f"{BASE}/offices/secretary/terms"
    outsider = site.client.post(url, json={"holder": 1}, headers=floor.chair)  # not a member
    assert (outsider.status_code, outsider.json()["type"]) == (422, "/problems/invalid-input")
    successor, other = [m for m in floor.voting if m != motion["holder"]][:2]
    body = {"holder": successor, "source": f"poll {decided['id']}"}
    headers = {**floor.chair, "Idempotency-Key": "fill-1"}
    filled = site.client.post(url, json=body, headers=headers)
    retried = site.client.post(url, json=body, headers=headers)
    assert filled.status_code == retried.status_code == 201, retried.text
    assert filled.json() == retried.json()
    assert (filled.json()["office"], filled.json()["mandate"], filled.json()["ended_at"]) == (
        "secretary",
        successor,
        None,
    )
    assert _terms(site) == 3
    full = site.client.post(url, json={"holder": other}, headers=floor.sec)
    assert (full.status_code, full.json()["type"]) == (409, "/problems/office-held")
    assert _terms(site) == 3


def test_who_may_move_a_recall_and_fill_an_office(site: Site) -> None:
    floor = open_floor(site, "executive")
    assert _recall(site, {}, floor, mover=floor.voting[0]).status_code == 401
    for who in (floor.teller, floor.chair):
        assert _recall(site, who, floor, mover=floor.voting[0]).status_code == 403
    # A delegate moves through their own mandate, never another's nor in a body's name.
    assert _recall(site, floor.delegates[1], floor, mover=floor.voting[0]).status_code == 403
    label = _recall(site, floor.delegates[0], floor, mover_label="the Bolshevik fraction")
    assert label.status_code == 403

    def refused(status: int, kind: str, office: str = "secretary", **body: Any) -> None:
        response = site.client.post(
            f"{BASE}/offices/{office}/recall-motions",
            json={"sitting": floor.sitting, "mover_label": "the fraction", **body},
            headers=floor.sec,
        )
        assert response.status_code == status, response.text
        assert response.json()["type"] == f"/problems/{kind}"

    refused(422, "invalid-input", office="chair", holder_name=CHAIR)  # elected by the plenary
    refused(404, "not-found", office="treasurer", holder_name=CHAIR)
    refused(404, "not-found", holder_name=CHAIR)  # not the secretary
    refused(422, "invalid-input")  # no holder named
    refused(422, "invalid-input", holder=55, holder_name=SECRETARY)  # both
    refused(404, "not-found", holder_name=SECRETARY, sitting=99999)
    by_body = _recall(site, floor.sec, floor, mover_label="the Bolshevik fraction")
    assert by_body.status_code == 201, by_body.text
    assert (by_body.json()["mover"], by_body.json()["mover_label"]) == (
        None,
        "the Bolshevik fraction",
    )

    url = f"{BASE}/offices/secretary/terms"
    body = {"holder": floor.voting[2]}
    assert site.client.post(url, json=body).status_code == 401
    for who in (floor.delegates[0], floor.teller):
        assert site.client.post(url, json=body, headers=who).status_code == 403
    held = site.client.post(url, json=body, headers=floor.sec)
    assert (held.status_code, held.json()["type"]) == (409, "/problems/office-held")
    nobody = site.client.post(url, json={"holder_name": "Nobody"}, headers=floor.sec)
    assert (nobody.status_code, nobody.json()["type"]) == (422, "/problems/invalid-input")
    neither = site.client.post(url, json={"source": "poll 1"}, headers=floor.sec)
    assert neither.status_code == 422
    unknown = site.client.post(f"{BASE}/offices/treasurer/terms", json=body, headers=floor.sec)
    assert unknown.status_code == 404
    assert _terms(site) == 2
