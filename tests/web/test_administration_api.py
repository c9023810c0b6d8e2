"""Administration over HTTP: CSV imports, rolls, mandates, apportionment preview."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituency, Constituent, Mandate
from tauride.queries.journal import journal_entries

from .conftest import Site

ORG = "petrograd-1917"
BASE = f"/api/v1/organizations/{ORG}"


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


def _csv(name: str, text: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, text.encode(), "text/csv")}


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


# Constituencies, rolls and mandates.


def test_constituencies_are_listed_a_page_at_a_time(client: TestClient) -> None:
    seen = _walk(client, f"{BASE}/constituencies", limit=7)
    assert len(seen) == len({c["id"] for c in seen})
    assert [c["id"] for c in seen] == sorted(c["id"] for c in seen)
    narva = next(c for c in seen if c["name"] == "Narva Gate Locomotive Works")
    assert (narva["kind"], narva["size"], narva["seats"]) == ("factory", 9140, 9)
    grouped = next(c for c in seen if c["name"] == "Vyborg Repair Shops")
    assert grouped["grouped_into"] is not None
    assert grouped["seats"] == 0
    factories = _walk(client, f"{BASE}/constituencies", kind="factory")
    assert {c["kind"] for c in factories} == {"factory"}
    assert client.get(f"{BASE}/constituencies", params={"cursor": "junk"}).status_code == 422


def test_importing_constituencies_reapportions_and_refuses_bad_lines(site: Site) -> None:
    site.account("sec", "secretariat")
    site.account("obs", "observer")
    good = "name,kind,size,group\nPutilov Works,factory,3000,\n"
    path = f"{BASE}/constituencies"
    denied = site.client.post(path, files=_csv("c.csv", good), headers=site.bearer("obs"))
    assert denied.status_code == 403
    sec = site.bearer("sec")
    before, height = _count(site, Constituency), len(_journal(site))
    bad = (
        "name,kind,size,group\n"
        "Good Works,factory,1200,\n"
        ",factory,100,\n"
        "Bad Kind Works,mill,100,\n"
        "Many Works,factory,many,\n"
        "Narva Gate Locomotive Works,factory,10,\n"
    )
    refused = site.client.post(path, files=_csv("constituencies.csv", bad), headers=sec)
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [e.split(": ", 1)[0] for e in errors] == [
        "constituencies.csv:3",
        "constituencies.csv:4",
        "constituencies.csv:5",
        "constituencies.csv:6",
    ]
    assert "constituencies.csv:5: size: 'many' is not a whole number" in errors
    assert (_count(site, Constituency), len(_journal(site))) == (before, height)
    headers = {**sec, "Idempotency-Key": "import-1"}
    first = site.client.post(path, files=_csv("putilov.csv", good), headers=headers)
    again = site.client.post(path, files=_csv("putilov.csv", good), headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json()
    [added] = first.json()["added"]
    assert (added["name"], added["seats"]) == ("Putilov Works", 3)
    assert _count(site, Constituency) == before + 1
    imported = [p for k, p in _journal(site) if k == "constituencies.imported"][-1]
    assert imported["source"] == "putilov.csv"


def test_a_file_that_is_not_utf8_is_refused(site: Site) -> None:
    site.account("sec", "secretariat")
    latin1 = "name,kind,size\nSchlüsselburg Mill,factory,1200\n".encode("latin-1")
    response = site.client.post(
        f"{BASE}/constituencies",
        files={"file": ("mill.csv", latin1, "text/csv")},
        headers=site.bearer("sec"),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == ["mill.csv: not UTF-8 text (byte 19)"]


def test_rolls_are_imported_without_names_in_the_journal_and_read_by_the_secretariat(
    site: Site,
) -> None:
    site.account("sec", "secretariat")
    site.account("obs", "observer")
    sec = site.bearer("sec")
    bad = (
        "constituency,roll_number,name,contact\n"
        "Neva Shipyard,1,Ivan Petrov,\n"
        "Nowhere Works,2,Anna Ivanova,\n"
        "Neva Shipyard,1,Pyotr Sidorov,\n"
        "Neva Shipyard,3,,\n"
    )
    refused = site.client.post(f"{BASE}/roll", files=_csv("roll.csv", bad), headers=sec)
    assert refused.status_code == 422
    assert [e.split(": ", 1)[0] for e in refused.json()["errors"]] == [
        "roll.csv:3",
        "roll.csv:4",
        "roll.csv:5",
    ]
    assert _count(site, Constituent) == 0
    good = "constituency,roll_number,name,contact\nNeva Shipyard,1,Ivan Petrov,\n"
    good += "Neva Shipyard,2,Anna Ivanova,anna@example.org\n"
    created = site.client.post(f"{BASE}/roll", files=_csv("roll.csv", good), headers=sec)
    assert created.status_code == 201
    assert created.json() == {"added": 2}
    journal = _journal(site)
    assert ("roll.imported", 2) in [(k, p.get("count")) for k, p in journal]
    assert all("Ivan Petrov" not in str(p) and "anna@" not in str(p) for _, p in journal)
    roll = site.client.get(f"{BASE}/roll", headers=sec)
    assert roll.status_code == 200
    assert [(c["roll_number"], c["name"]) for c in roll.json()["items"]] == [
        ("1", "Ivan Petrov"),
        ("2", "Anna Ivanova"),
    ]
    other = site.client.get(
        f"{BASE}/roll", params={"constituency": "Okhta Powder Works"}, headers=sec
    )
    assert other.json()["items"] == []
    assert site.client.get(f"{BASE}/roll").status_code == 401
    assert site.client.get(f"{BASE}/roll", headers=site.bearer("obs")).status_code == 403


def test_delegates_are_imported_into_free_seats_only(site: Site) -> None:
    site.account("sec", "secretariat")
    sec = site.bearer("sec")
    new = "name,kind,size,group\nPutilov Works,factory,2000,\n"
    added = site.client.post(f"{BASE}/constituencies", files=_csv("c.csv", new), headers=sec)
    assert added.status_code == 201, added.text
    before = _count(site, Mandate)
    bad = (
        "name,constituency,faction\n"
        "A. A. Putilovets,Putilov Works,bolsheviks\n"
        "B. B. Putilovets,Putilov Works,anarchists\n"
        "C. C. Putilovets,Nowhere Works,mensheviks\n"
        "D. D. Putilovets,Putilov Works,srs\n"
        "E. E. Putilovets,Putilov Works,srs\n"
    )
    refused = site.client.post(f"{BASE}/mandates", files=_csv("delegates.csv", bad), headers=sec)
    assert refused.status_code == 422
    places = [e.split(": ", 1)[0] for e in refused.json()["errors"]]
    assert places == ["delegates.csv:3", "delegates.csv:4", "delegates.csv:5", "delegates.csv:6"]
    assert _count(site, Mandate) == before
    good = "name,constituency,faction\nA. A. Putilovets,Putilov Works,bolsheviks\n"
    good += "B. B. Putilovets,Putilov Works,\n"
    created = site.client.post(f"{BASE}/mandates", files=_csv("d.csv", good), headers=sec)
    assert created.status_code == 201, created.text
    rows = created.json()["created"]
    assert [(m["person"], m["faction"], m["status"]) for m in rows] == [
        ("A. A. Putilovets", "bolsheviks", "active"),
        ("B. B. Putilovets", None, "active"),
    ]
    assert {m["represents"] for m in rows} == {1000}
    members = site.client.get(f"{BASE}/bodies/plenary/members").json()
    assert {"A. A. Putilovets", "B. B. Putilovets"} <= {m["person"] for m in members}


def test_mandates_are_listed_and_ended_by_the_secretariat(site: Site) -> None:
    site.account("sec", "secretariat")
    site.account("obs", "observer")
    everyone = _walk(site.client, f"{BASE}/mandates", limit=40)
    assert len(everyone) == _count(site, Mandate)
    mandate = site.mandates(1)[0]
    path = f"{BASE}/mandates/{mandate}/end"
    body = {"status": "resigned", "reason": "called to the front"}
    assert site.client.post(path, json=body).status_code == 401
    assert site.client.post(path, json=body, headers=site.bearer("obs")).status_code == 403
    sec = site.bearer("sec")
    recall = site.client.post(path, json={"status": "recalled"}, headers=sec)
    assert recall.status_code == 422  # recall goes through a petition and a ballot
    ended = site.client.post(path, json=body, headers=sec)
    assert ended.status_code == 200, ended.text
    assert (ended.json()["id"], ended.json()["status"]) == (mandate, "resigned")
    assert ended.json()["ended_at"] is not None
    again = site.client.post(path, json=body, headers=sec)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/conflict"
    missing = site.client.post(f"{BASE}/mandates/999999/end", json=body, headers=sec)
    assert missing.status_code == 404
    resigned = _walk(site.client, f"{BASE}/mandates", status="resigned")
    assert [m["id"] for m in resigned] == [mandate]
    entry = [p for k, p in _journal(site) if k == "mandate.ended"][-1]
    assert (entry["mandate"], entry["status"], entry["reason"]) == (
        mandate,
        "resigned",
        "called to the front",
    )
    members = site.client.get(f"{BASE}/bodies/plenary/members").json()
    assert mandate not in {m["mandate"] for m in members}


# Apportionment preview.


def test_apportionment_preview_by_house_and_by_ratio(client: TestClient) -> None:
    path = f"{BASE}/apportionment/preview"
    sizes = [{"name": "A", "size": 5}, {"name": "B", "size": 3}, {"name": "C", "size": 2}]
    house = client.post(path, json={"sizes": sizes, "seats": 4, "method": "hamilton"})
    assert house.status_code == 200, house.text
    assert {line["name"]: line["seats"] for line in house.json()["lines"]} == {
        "A": 2,
        "B": 1,
        "C": 1,
    }
    assert house.json()["lines"][1]["exact_quota"] == "6/5"
    dhondt = client.post(path, json={"sizes": sizes, "seats": 4, "method": "dhondt"}).json()
    assert dhondt["rule"] == "4 seats by jefferson"
    # The organization's own factories under their own rule give the seats they hold.
    own = client.post(
        path, json={"kind": "factory", "ratio": 1000, "minimum": 1, "group_below": True}
    )
    assert own.status_code == 200, own.text
    constituencies = _walk(client, f"{BASE}/constituencies", kind="factory")
    assert own.json()["seats"] == sum(c["seats"] for c in constituencies)
    groups = [line for line in own.json()["lines"] if len(line["members"]) > 1]
    assert groups
    assert all(" + " in line["name"] for line in groups)


def test_apportionment_preview_refuses_ties_and_lists_every_mistake(client: TestClient) -> None:
    path = f"{BASE}/apportionment/preview"
    tie = client.post(
        path,
        json={
            "sizes": [{"name": "A", "size": 1}, {"name": "B", "size": 1}],
            "seats": 1,
            "method": "hamilton",
        },
    )
    assert tie.status_code == 409
    assert tie.json()["type"] == "/problems/apportionment-tie"
    assert "A, B" in tie.json()["detail"]
    wrong = client.post(
        path,
        json={
            "sizes": [{"name": "A", "size": 1}, {"name": "A", "size": 2}],
            "method": "nope",
            "rounding": "up",
        },
    )
    assert wrong.status_code == 422
    errors = wrong.json()["errors"]
    assert "give exactly one of seats (a fixed house) and ratio (one seat per N)" in errors
    assert "method: applies only with seats" in errors
    assert any(e.startswith("method: unknown method 'nope'") for e in errors)
    assert "only with ratio: rounding" in errors
    assert "sizes[1].name: duplicate of sizes[0]" in errors
    negative = client.post(path, json={"sizes": [{"name": "A", "size": -1}], "ratio": 10})
    assert negative.status_code == 422
    empty = client.post(path, json={"kind": "guild", "ratio": 10})
    assert empty.status_code == 422
