"""The speakers' list over HTTP: requests, withdrawals, calls, the closing, guests."""

from __future__ import annotations

from .conftest import Site
from .test_sittings_api import SITTINGS, open_with_item, people, scheduled


def _floor(site: Site) -> tuple[str, list[int]]:
    mandates = people(site)
    sitting, item = open_with_item(site, site.bearer("chair"), site.bearer("sec"))
    return f"{SITTINGS}/{sitting}/agenda/{item}/speakers", mandates


def test_delegates_ask_through_their_own_mandate_and_the_chair_calls(site: Site) -> None:
    url, (m1, m2) = _floor(site)
    client, chair = site.client, site.bearer("chair")
    del1, del2 = site.bearer("del1"), site.bearer("del2")
    first = client.post(url, json={"mandate": m1, "side": "pro"}, headers=del1)
    assert first.status_code == 201, first.text
    assert first.json()["position"] == 1
    assert first.json()["first"] is True
    assert first.json()["time_limit_s"] == 300
    assert client.post(url, json={"mandate": m2, "side": "contra"}, headers=del2).status_code == 201
    point = client.post(url, json={"mandate": m2, "kind": "point-of-order"}, headers=del2)
    assert point.json()["position"] == 1  # a point of order jumps the queue
    assert point.json()["time_limit_s"] == 120

    shown = client.get(url).json()  # anyone reads the list
    assert [(t["mandate"], t["kind"]) for t in shown["queue"]] == [
        (m2, "point-of-order"),
        (m1, "speech"),
        (m2, "speech"),
    ]
    assert shown["current"] is None
    assert shown["rule"]["alternate"] is True  # a debate alternates pro and contra

    called = client.post(f"{url}/next", headers=chair)
    assert called.status_code == 200, called.text
    current = called.json()["current"]
    assert (current["mandate"], current["kind"]) == (m2, "point-of-order")
    assert current["ends_by"] is not None
    assert client.post(f"{url}/next", headers=chair).json()["current"]["mandate"] == m1
    ended = client.post(f"{url}/end", headers=chair)
    assert ended.status_code == 200
    assert ended.json()["current"] is None
    assert ended.json()["turns_given"] == 2
    nobody = client.post(f"{url}/end", headers=chair)
    assert nobody.status_code == 409
    assert nobody.json()["type"] == "/problems/nobody-speaking"


def test_asking_twice_and_for_someone_else_is_refused(site: Site) -> None:
    url, (m1, m2) = _floor(site)
    client, del1 = site.client, site.bearer("del1")
    assert client.post(url, json={"mandate": m1}, headers=del1).status_code == 201
    twice = client.post(url, json={"mandate": m1}, headers=del1)
    assert twice.status_code == 409
    assert twice.json()["type"] == "/problems/already-listed"
    other = client.post(url, json={"mandate": m2}, headers=del1)
    assert other.status_code == 403
    assert other.json()["type"] == "/problems/forbidden"
    # The chair and the secretariat hold no mandate to ask with; nobody asks anonymously.
    assert client.post(url, json={"mandate": m1}, headers=site.bearer("chair")).status_code == 403
    assert client.post(url, json={"mandate": m1}, headers=site.bearer("sec")).status_code == 403
    assert client.post(url, json={"mandate": m1}).status_code == 401
    assert len(client.get(url).json()["queue"]) == 1


def test_a_delegate_withdraws_only_their_own_request(site: Site) -> None:
    url, (m1, m2) = _floor(site)
    client, del1, del2 = site.client, site.bearer("del1"), site.bearer("del2")
    client.post(url, json={"mandate": m1}, headers=del1)
    refused = client.post(f"{url}/withdrawals", json={"mandate": m1}, headers=del2)
    assert refused.status_code == 403
    done = client.post(f"{url}/withdrawals", json={"mandate": m1}, headers=del1)
    assert done.status_code == 200, done.text
    assert done.json()["queue"] == []
    again = client.post(f"{url}/withdrawals", json={"mandate": m1}, headers=del1)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/not-listed"
    assert client.post(f"{url}/withdrawals", json={"mandate": m2}).status_code == 401


def test_the_chair_alone_runs_the_list(site: Site) -> None:
    url, (m1, _) = _floor(site)
    client, sec, del1 = site.client, site.bearer("sec"), site.bearer("del1")
    for action in ("next", "end", "close"):
        assert client.post(f"{url}/{action}", headers=sec).status_code == 403
        assert client.post(f"{url}/{action}", headers=del1).status_code == 403
        assert client.post(f"{url}/{action}").status_code == 401
    guest = {"name": "Delegation from the front"}
    assert client.post(f"{url}/guests", json=guest, headers=sec).status_code == 403
    assert client.post(f"{url}/guests", json=guest).status_code == 401
    assert client.post(url, json={"mandate": m1}, headers=del1).status_code == 201


def test_closing_the_list_and_hearing_a_guest(site: Site) -> None:
    url, (m1, m2) = _floor(site)
    client, chair = site.client, site.bearer("chair")
    del1, del2 = site.bearer("del1"), site.bearer("del2")
    client.post(url, json={"mandate": m1}, headers=del1)
    closed = client.post(f"{url}/close", headers=chair)
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed"] is True
    assert len(closed.json()["queue"]) == 1  # those waiting still speak
    late = client.post(url, json={"mandate": m2}, headers=del2)
    assert late.status_code == 409
    assert late.json()["type"] == "/problems/list-closed"
    point = client.post(url, json={"mandate": m2, "kind": "point-of-order"}, headers=del2)
    assert point.status_code == 201
    twice = client.post(f"{url}/close", headers=chair)
    assert twice.json()["type"] == "/problems/list-closed"

    heard = client.post(f"{url}/guests", json={"name": "Delegation from the front"}, headers=chair)
    assert heard.status_code == 201, heard.text
    current = heard.json()["current"]
    assert (current["guest"], current["person"], current["mandate"]) == (
        True,
        "Delegation from the front",
        None,
    )
    assert len(heard.json()["queue"]) == 2  # the queue waits for the guest
    blank = client.post(f"{url}/guests", json={"name": "   "}, headers=chair)
    assert blank.status_code == 422
    assert blank.json()["type"] == "/problems/invalid-input"


def test_a_retried_request_for_the_floor_is_listed_once(site: Site) -> None:
    url, (m1, _) = _floor(site)
    headers = {**site.bearer("del1"), "Idempotency-Key": "floor-1"}
    first = site.client.post(url, json={"mandate": m1, "side": "pro"}, headers=headers)
    second = site.client.post(url, json={"mandate": m1, "side": "pro"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert len(site.client.get(url).json()["queue"]) == 1
    guest = {**site.bearer("chair"), "Idempotency-Key": "guest-1"}
    body = {"name": "Delegation from Kronstadt"}
    one = site.client.post(f"{url}/guests", json=body, headers=guest)
    two = site.client.post(f"{url}/guests", json=body, headers=guest)
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json()


def test_the_floor_needs_the_item_under_discussion_of_this_sitting(site: Site) -> None:
    url, (m1, _) = _floor(site)
    client, chair, sec, del1 = (
        site.client,
        site.bearer("chair"),
        site.bearer("sec"),
        site.bearer("del1"),
    )
    sitting = url.split("/")[-4]
    pending = client.post(
        f"{SITTINGS}/{sitting}/agenda", json={"title": "Bread"}, headers=sec
    ).json()["item"]
    waiting = client.post(
        f"{SITTINGS}/{sitting}/agenda/{pending}/speakers", json={"mandate": m1}, headers=del1
    )
    assert waiting.status_code == 409
    assert waiting.json()["type"] == "/problems/item-not-current"
    elsewhere = scheduled(site, sec, title="Another")
    item = url.split("/")[-2]
    stray = f"{SITTINGS}/{elsewhere}/agenda/{item}/speakers"
    assert client.get(stray).status_code == 404
    assert client.post(f"{stray}/next", headers=chair).status_code == 404
    assert client.get(f"{SITTINGS}/{sitting}/agenda/999/speakers").status_code == 404
    # Once the sitting is suspended nobody gets the floor.
    client.post(f"{SITTINGS}/{sitting}/state", json={"state": "suspended"}, headers=chair)
    suspended = client.post(url, json={"mandate": m1}, headers=del1)
    assert suspended.status_code == 409
    assert suspended.json()["type"] == "/problems/sitting-not-open"
