"""Sittings over HTTP: scheduling, states, attendance against quorum, the agenda."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Mandate
from tauride.queries.journal import journal_entries
from tauride.services.examples import example_path
from tauride.services.organizations import amend_constitution, get_organization

from .conftest import Site

BASE = "/api/v1/organizations/petrograd-1917"
SITTINGS = f"{BASE}/sittings"
BODY = "workers-section"  # 45 voting members, half of them make a quorum: 23


def _journal(url: str) -> list[tuple[str, str, dict[str, Any]]]:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            entries = journal_entries(session, "petrograd-1917")
            return [(e.kind, e.actor, dict(e.payload)) for e in entries]
    finally:
        engine.dispose()


def members(site: Site, body: str = BODY) -> list[int]:
    """The voting members' mandates of a body, as the API lists them."""
    listed = site.client.get(f"{BASE}/bodies/{body}/members").json()
    return [m["mandate"] for m in listed if not m["consultative"]]


def people(site: Site) -> list[int]:
    """A chair, a secretariat and two delegates of the first two mandates (returned)."""
    first, second = site.mandates(2)
    site.account("chair", "chair")
    site.account("sec", "secretariat")
    site.account("del1", "delegate", mandate=first)
    site.account("del2", "delegate", mandate=second)
    return [first, second]


def scheduled(site: Site, headers: dict[str, str], title: str = "Sitting of 3 March") -> int:
    response = site.client.post(
        SITTINGS,
        json={"body": BODY, "title": title, "scheduled_for": "1917-03-03"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["sitting"])


def open_with_item(site: Site, chair: dict[str, str], sec: dict[str, str]) -> tuple[int, int]:
    """A sitting of the workers' section, open, with one debate item under discussion."""
    sitting = scheduled(site, sec)
    item = site.client.post(
        f"{SITTINGS}/{sitting}/agenda", json={"title": "The war", "kind": "debate"}, headers=sec
    ).json()["item"]
    opened = site.client.post(f"{SITTINGS}/{sitting}/state", json={"state": "open"}, headers=chair)
    assert opened.status_code == 200, opened.text
    taken = site.client.post(f"{SITTINGS}/{sitting}/agenda/{item}/take-up", headers=chair)
    assert taken.status_code == 200, taken.text
    return sitting, int(item)


Headers = dict[str, str]


def _schedule_with_agenda(site: Site, sec: Headers, chair: Headers) -> tuple[str, list[int]]:
    """The secretariat convenes a sitting and sets two items; the chair reorders them."""
    client = site.client
    created = client.post(
        SITTINGS,
        json={"body": BODY, "title": "Sitting of 3 March", "scheduled_for": "1917-03-03"},
        headers=sec,
    )
    assert created.status_code == 201, created.text
    sitting = created.json()
    assert (sitting["number"], sitting["state"]) == (1, "scheduled")
    assert sitting["scheduled_for"] == "1917-03-03"
    url = f"{SITTINGS}/{sitting['sitting']}"
    items = [
        client.post(f"{url}/agenda", json={"title": title, "minutes": 30}, headers=sec).json()
        for title in ("Order No. 1", "The Provisional Government")
    ]
    assert [i["position"] for i in items] == [1, 2]
    order = [items[1]["item"], items[0]["item"]]
    reordered = client.put(
        f"{url}/agenda/order", json={"order": order, "decided_by": "vote"}, headers=chair
    )
    assert reordered.status_code == 200, reordered.text
    assert [i["title"] for i in reordered.json()] == ["The Provisional Government", "Order No. 1"]
    return url, order


def _check_in_to_quorum(site: Site, url: str, mandates: list[int], sec: Headers) -> None:
    """Each delegate checks in through their own mandate only; the secretariat the rest."""
    client = site.client
    (m1, m2), (del1, del2) = mandates, (site.bearer("del1"), site.bearer("del2"))
    mine = client.post(f"{url}/attendance", json={"mandate": m1, "present": True}, headers=del1)
    assert mine.status_code == 200, mine.text
    shown = mine.json()
    assert (shown["present"], shown["members"], shown["quorum"]) == (1, 45, 23)
    assert shown["has_quorum"] is False
    theirs = client.post(f"{url}/attendance", json={"mandate": m2}, headers=del1)
    assert theirs.status_code == 403
    assert theirs.json()["type"] == "/problems/forbidden"
    assert client.post(f"{url}/attendance", json={"mandate": m2}, headers=del2).status_code == 200
    for mandate in [m for m in members(site) if m not in mandates][:21]:
        response = client.post(f"{url}/attendance", json={"mandate": mandate}, headers=sec)
        assert response.status_code == 200, response.text
    status = client.get(url).json()
    assert (status["present"], status["quorum"], status["has_quorum"]) == (23, 23, True)
    assert status["current_item"] is None


def _the_floor(site: Site, url: str, item: int, m1: int, chair: Headers) -> None:
    """A delegate asks for the floor once; a second time is refused by its rule."""
    client, del1 = site.client, site.bearer("del1")
    speakers = f"{url}/agenda/{item}/speakers"
    asked = client.post(speakers, json={"mandate": m1, "side": "pro"}, headers=del1)
    assert asked.status_code == 201, asked.text
    again = client.post(speakers, json={"mandate": m1, "side": "pro"}, headers=del1)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/already-listed"
    called = client.post(f"{speakers}/next", headers=chair)
    assert called.json()["current"]["mandate"] == m1


def test_a_sitting_runs_from_scheduling_to_closing_over_http(site: Site) -> None:
    m1, m2 = people(site)
    chair, sec = site.bearer("chair"), site.bearer("sec")
    client = site.client
    url, order = _schedule_with_agenda(site, sec, chair)

    opened = client.post(f"{url}/state", json={"state": "open"}, headers=chair)
    assert opened.status_code == 200, opened.text
    assert opened.json()["state"] == "open"
    assert opened.json()["opened_at"] is not None
    _check_in_to_quorum(site, url, [m1, m2], sec)

    taken = client.post(f"{url}/agenda/{order[0]}/take-up", headers=chair)
    assert taken.status_code == 200, taken.text
    assert taken.json()["state"] == "current"
    assert client.get(url).json()["current_item"]["title"] == "The Provisional Government"
    _the_floor(site, url, order[0], m1, chair)

    # Leaving costs the quorum; the public sees it.
    del1 = site.bearer("del1")
    left = client.post(f"{url}/attendance", json={"mandate": m1, "present": False}, headers=del1)
    assert (left.json()["present"], left.json()["has_quorum"]) == (22, False)
    public = client.get(url).json()
    assert (public["present"], public["has_quorum"]) == (22, False)

    for state in ("suspended", "open", "closed"):
        moved = client.post(f"{url}/state", json={"state": state}, headers=chair)
        assert moved.status_code == 200, moved.text
        assert moved.json()["state"] == state
    assert client.get(f"{url}/attendance").json()["attending"] == []

    reopened = client.post(f"{url}/state", json={"state": "open"}, headers=chair)
    assert reopened.status_code == 409
    assert reopened.json()["type"] == "/problems/bad-transition"
    late = client.post(f"{url}/attendance", json={"mandate": m2}, headers=site.bearer("del2"))
    assert late.status_code == 409
    assert late.json()["type"] == "/problems/sitting-not-open"

    kinds = [(kind, actor) for kind, actor, _ in _journal(site.url)]
    for expected in (
        ("sitting.scheduled", "account:sec"),
        ("agenda.reordered", "account:chair"),
        ("sitting.opened", "account:chair"),
        ("attendance.checked_in", "account:del1"),
        ("attendance.checked_out", "account:del1"),
        ("speakers.requested", "account:del1"),
        ("sitting.resumed", "account:chair"),
        ("sitting.closed", "account:chair"),
    ):
        assert expected in kinds


def test_who_may_schedule_run_and_read(site: Site) -> None:
    people(site)
    sec, chair, del1 = site.bearer("sec"), site.bearer("chair"), site.bearer("del1")
    client = site.client
    body = {"body": BODY, "title": "Sitting"}
    assert client.post(SITTINGS, json=body).status_code == 401
    refused = client.post(SITTINGS, json=body, headers=del1)
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/forbidden"
    sitting = scheduled(site, chair)  # the chair may schedule too
    url = f"{SITTINGS}/{sitting}"
    # Only the chair runs a sitting.
    assert client.post(f"{url}/state", json={"state": "open"}, headers=sec).status_code == 403
    assert client.post(f"{url}/state", json={"state": "open"}).status_code == 401
    item = {"title": "Bread"}
    assert client.post(f"{url}/agenda", json=item, headers=del1).status_code == 403
    assert client.post(f"{url}/agenda", json=item).status_code == 401
    added = client.post(f"{url}/agenda", json=item, headers=sec).json()
    order = {"order": [added["item"]], "decided_by": "the chair"}
    assert client.put(f"{url}/agenda/order", json=order, headers=sec).status_code == 403
    assert client.post(f"{url}/agenda/{added['item']}/take-up", headers=sec).status_code == 403
    # Anyone reads a sitting, its attendance and its agenda.
    assert client.get(url).status_code == 200
    assert client.get(f"{url}/attendance").json()["members"] == 45
    assert [i["title"] for i in client.get(f"{url}/agenda").json()["items"]] == ["Bread"]
    # Attendance without a log-in, or by a role that has no part in it.
    assert client.post(f"{url}/attendance", json={"mandate": 1}).status_code == 401
    site.account("obs", "observer")
    observer = site.bearer("obs")
    assert client.post(f"{url}/attendance", json={"mandate": 1}, headers=observer).status_code == (
        403
    )


def test_sittings_are_listed_a_page_at_a_time_and_filtered(site: Site) -> None:
    people(site)
    sec, chair = site.bearer("sec"), site.bearer("chair")
    ids = [scheduled(site, sec, title=f"Sitting {n}") for n in range(3)]
    other = site.client.post(
        SITTINGS, json={"body": "executive", "title": "Executive"}, headers=sec
    ).json()["sitting"]
    site.client.post(f"{SITTINGS}/{ids[0]}/state", json={"state": "open"}, headers=chair)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = site.client.get(SITTINGS, params=params).json()
        seen.extend(s["sitting"] for s in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [*ids, other]
    by_body = site.client.get(SITTINGS, params={"body": BODY}).json()["items"]
    assert [s["number"] for s in by_body] == [1, 2, 3]
    open_ones = site.client.get(SITTINGS, params={"state": "open"}).json()["items"]
    assert [s["sitting"] for s in open_ones] == [ids[0]]
    bad = site.client.get(SITTINGS, params={"cursor": "nonsense"})
    assert bad.status_code == 422
    assert bad.json()["type"] == "/problems/invalid-input"


def test_retried_creates_happen_once(site: Site) -> None:
    people(site)
    sec = {**site.bearer("sec"), "Idempotency-Key": "sitting-1"}
    body = {"body": BODY, "title": "Sitting of 3 March"}
    first = site.client.post(SITTINGS, json=body, headers=sec)
    second = site.client.post(SITTINGS, json=body, headers=sec)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert len(site.client.get(SITTINGS).json()["items"]) == 1
    url = f"{SITTINGS}/{first.json()['sitting']}/agenda"
    keyed = {**site.bearer("sec"), "Idempotency-Key": "item-1"}
    one = site.client.post(url, json={"title": "Bread"}, headers=keyed)
    two = site.client.post(url, json={"title": "Bread"}, headers=keyed)
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json()
    assert len(site.client.get(url).json()["items"]) == 1
    kinds = [kind for kind, _, _ in _journal(site.url)]
    assert kinds.count("sitting.scheduled") == 1
    assert kinds.count("agenda.item_added") == 1


def test_rule_violations_have_their_problem_types(site: Site) -> None:
    people(site)
    sec, chair = site.bearer("sec"), site.bearer("chair")
    client = site.client
    unknown = client.post(SITTINGS, json={"body": "nowhere", "title": "S"}, headers=sec)
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "/problems/not-found"
    assert client.get(f"{SITTINGS}/999").status_code == 404
    assert client.get(f"{SITTINGS}/999/attendance").status_code == 404
    assert client.get(f"{SITTINGS}/999/agenda").status_code == 404
    sitting = scheduled(site, sec)
    url = f"{SITTINGS}/{sitting}"
    bad_state = client.post(f"{url}/state", json={"state": "scheduled"}, headers=chair)
    assert bad_state.status_code == 422
    assert bad_state.json()["type"] == "/problems/invalid-input"
    blank = client.post(f"{url}/agenda", json={"title": "   "}, headers=sec)
    assert blank.status_code == 422
    assert client.post(
        f"{url}/agenda", json={"title": "X", "minutes": 0}, headers=sec
    ).status_code == (422)
    item = client.post(f"{url}/agenda", json={"title": "Bread"}, headers=sec).json()["item"]
    early = client.post(f"{url}/agenda/{item}/take-up", headers=chair)
    assert early.status_code == 409
    assert early.json()["type"] == "/problems/sitting-not-open"
    order = client.put(
        f"{url}/agenda/order", json={"order": [item, item], "decided_by": "x"}, headers=chair
    )
    assert order.status_code == 422
    assert order.json()["type"] == "/problems/invalid-input"
    elsewhere = scheduled(site, sec, title="Another")
    stray = client.post(f"{SITTINGS}/{elsewhere}/agenda/{item}/take-up", headers=chair)
    assert stray.status_code == 404
    # A mandate that does not sit in the body, and a double check-in.
    outsider = members(site, "soldiers-section")[0]
    strange = client.post(f"{url}/attendance", json={"mandate": outsider}, headers=sec)
    assert strange.status_code == 409
    assert strange.json()["type"] == "/problems/not-a-member"
    first = members(site)[0]
    assert client.post(f"{url}/attendance", json={"mandate": first}, headers=sec).status_code == 200
    twice = client.post(f"{url}/attendance", json={"mandate": first}, headers=sec)
    assert twice.status_code == 409
    assert twice.json()["type"] == "/problems/conflict"
    gone = client.post(f"{url}/attendance", json={"mandate": 2, "present": False}, headers=sec)
    assert gone.status_code == 409


def _alternate_for(site: Site, principal: int, *, sit_in: bool) -> int:
    """An alternate mandate for `principal`; with `sit_in` the constitution lets it sit in."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            if sit_in:
                path = example_path("petrograd-1917") / "constitution.toml"
                text = path.read_text(encoding="utf-8").replace(
                    "[bodies.workers-section]\n",
                    "[bodies.workers-section]\nalternates_sit_in = true\n",
                )
                amend_constitution(session, "petrograd-1917", text, source="test", actor="test")
            org = get_organization(session, "petrograd-1917")
            principal_row = session.get_one(Mandate, principal)
            stand_in = session.scalars(
                select(Mandate).where(Mandate.organization_id == org.id).order_by(Mandate.id.desc())
            ).first()
            assert stand_in is not None
            alternate = Mandate(
                organization_id=org.id,
                person_id=stand_in.person_id,
                constituency_id=principal_row.constituency_id,
                alternate_for_id=principal,
            )
            session.add(alternate)
            session.flush()
            return alternate.id
    finally:
        engine.dispose()


def test_an_alternate_sits_in_for_an_absent_delegate_where_the_rules_allow(site: Site) -> None:
    m1, _ = people(site)
    alternate = _alternate_for(site, m1, sit_in=True)
    site.account("alt", "delegate", mandate=alternate)
    sitting = scheduled(site, site.bearer("sec"))
    url = f"{SITTINGS}/{sitting}/attendance"
    sat = site.client.post(url, json={"mandate": alternate}, headers=site.bearer("alt"))
    assert sat.status_code == 200, sat.text
    assert sat.json()["present"] == 1  # the principal's seat
    assert sat.json()["attending"][0]["for_mandate"] == m1


def test_an_alternate_is_refused_where_the_rules_do_not_allow(site: Site) -> None:
    m1, _ = people(site)
    alternate = _alternate_for(site, m1, sit_in=False)
    site.account("alt", "delegate", mandate=alternate)
    sitting = scheduled(site, site.bearer("sec"))
    url = f"{SITTINGS}/{sitting}/attendance"
    refused = site.client.post(url, json={"mandate": alternate}, headers=site.bearer("alt"))
    assert refused.status_code == 409
    assert refused.json()["type"] == "/problems/not-a-member"
