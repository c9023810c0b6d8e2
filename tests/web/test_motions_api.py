"""Motions and matters over HTTP: moved and seconded through one's own mandate, admitted,
amended, put to the vote and decided; matters with concurrence across bodies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tauride.db.engine import build_engine, transaction
from tauride.db.polls import Motion

from .conftest import Site
from .floor import BASE, Floor, journal, open_floor


def move(site: Site, floor: Floor, i: int, **body: Any) -> dict[str, Any]:
    """Delegate i moves a motion through their own mandate."""
    response = site.client.post(
        f"{BASE}/sittings/{floor.sitting}/motions",
        json={"title": "Motion", "mover": floor.voting[i], **body},
        headers=floor.delegates[i],
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def second(site: Site, floor: Floor, motion: int, i: int) -> dict[str, Any]:
    response = site.client.post(
        f"{BASE}/motions/{motion}/second",
        json={"mandate": floor.voting[i]},
        headers=floor.delegates[i],
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def to_state(site: Site, floor: Floor, motion: int, state: str) -> dict[str, Any]:
    response = site.client.post(
        f"{BASE}/motions/{motion}/state", json={"state": state}, headers=floor.chair
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def vote(site: Site, floor: Floor, motion: int, choices: list[str]) -> dict[str, Any]:
    """The chair puts the question, the first delegates vote, the chair closes the poll."""
    opened = site.client.post(f"{BASE}/motions/{motion}/vote", headers=floor.chair)
    assert opened.status_code == 201, opened.text
    poll = opened.json()["id"]
    assert opened.json()["motion"] == motion
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


def test_a_motion_is_amended_voted_and_carried_over_http(site: Site) -> None:
    floor = open_floor(site)
    main = move(
        site,
        floor,
        0,
        title="On the war",
        text="The Soviet calls on the peoples of the world to make peace.",
    )
    assert (main["state"], main["kind"], main["body"]) == ("submitted", "main", "executive")
    assert main["mover"] == floor.voting[0]
    assert second(site, floor, main["id"], 1)["state"] == "seconded"
    assert to_state(site, floor, main["id"], "admitted")["state"] == "admitted"
    assert to_state(site, floor, main["id"], "debate")["state"] == "debate"

    amendment = move(
        site,
        floor,
        2,
        kind="amendment",
        target=main["id"],
        title="Without annexations",
        text="The Soviet calls for a peace without annexations or indemnities.",
    )
    assert amendment["target"] == main["id"]
    second(site, floor, amendment["id"], 3)
    to_state(site, floor, amendment["id"], "admitted")
    amended = vote(site, floor, amendment["id"], ["yes", "yes", "yes", "no"])
    assert amended["result"]["carried"] is True
    assert amended["result"]["counts"] == {"yes": 3, "no": 1, "abstain": 0}
    after = site.client.get(f"{BASE}/motions/{main['id']}").json()
    assert after["text"] == "The Soviet calls for a peace without annexations or indemnities."
    assert site.client.get(f"{BASE}/motions/{amendment['id']}").json()["state"] == "carried"

    decided = vote(site, floor, main["id"], ["yes", "yes", "no", "yes"])
    assert decided["result"]["carried"] is True
    carried = site.client.get(f"{BASE}/motions/{main['id']}").json()
    assert carried["state"] == "carried"
    assert carried["decided_at"] is not None
    assert carried["polls"] == [decided["id"]]
    listed = site.client.get(f"{BASE}/sittings/{floor.sitting}/motions").json()
    assert [m["id"] for m in listed["items"]] == [main["id"], amendment["id"]]
    entries = journal(site.url)
    assert ("motion.decided", main["id"], True) in [
        (kind, p.get("motion"), p.get("carried")) for kind, p in entries
    ]
    assert any(kind == "motion.amended" and p["by"] == amendment["id"] for kind, p in entries)


def test_who_may_move_and_second(site: Site) -> None:
    floor = open_floor(site)
    url = f"{BASE}/sittings/{floor.sitting}/motions"
    body = {"title": "On bread", "mover": floor.voting[0]}
    assert site.client.post(url, json=body).status_code == 401
    assert site.client.post(url, json=body, headers=floor.teller).status_code == 403
    assert site.client.post(url, json=body, headers=floor.chair).status_code == 403
    # A delegate moves through their own mandate, not another's and not in a body's name.
    other = site.client.post(url, json=body, headers=floor.delegates[1])
    assert other.status_code == 403
    assert "own mandate" in other.json()["detail"]
    label = {"title": "On bread", "mover_label": "the Executive Committee"}
    assert site.client.post(url, json=label, headers=floor.delegates[0]).status_code == 403
    # The secretariat moves in the name of a body; a mover is a member or a name, not both.
    by_body = site.client.post(url, json=label, headers=floor.sec)
    assert by_body.status_code == 201, by_body.text
    assert (by_body.json()["mover"], by_body.json()["mover_label"]) == (
        None,
        "the Executive Committee",
    )
    both = site.client.post(url, json={**label, "mover": floor.voting[0]}, headers=floor.sec)
    assert both.status_code == 422
    # A consultative member may move, though not vote.
    guest = site.client.post(
        url, json={"title": "On the press", "mover": floor.consultative[0]}, headers=floor.guest
    )
    assert guest.status_code == 201, guest.text

    motion = by_body.json()["id"]
    seconding = f"{BASE}/motions/{motion}/second"
    assert site.client.post(seconding, json={"mandate": floor.voting[0]}).status_code == 401
    not_mine = site.client.post(
        seconding, json={"mandate": floor.voting[0]}, headers=floor.delegates[1]
    )
    assert not_mine.status_code == 403
    own = guest.json()["id"]
    self_second = site.client.post(
        f"{BASE}/motions/{own}/second",
        json={"mandate": floor.consultative[0]},
        headers=floor.guest,
    )
    assert self_second.status_code == 409  # the mover cannot second their own motion
    assert second(site, floor, motion, 0)["seconder"] == floor.voting[0]


def test_the_chair_decides_what_happens_to_a_motion(site: Site) -> None:
    floor = open_floor(site)
    main = move(site, floor, 0, title="On land")
    state = f"{BASE}/motions/{main['id']}/state"
    for who in (floor.delegates[0], floor.sec, floor.teller):
        refused = site.client.post(state, json={"state": "admitted"}, headers=who)
        assert refused.status_code == 403
    assert site.client.post(state, json={"state": "admitted"}).status_code == 401
    early = site.client.post(f"{BASE}/motions/{main['id']}/vote", headers=floor.chair)
    assert early.status_code == 409
    assert early.json()["type"] == "/problems/bad-transition"
    carried = site.client.post(state, json={"state": "carried"}, headers=floor.chair)
    assert carried.status_code == 422  # only its poll decides a motion
    unknown = site.client.post(state, json={"state": "won"}, headers=floor.chair)
    assert unknown.status_code == 422
    second(site, floor, main["id"], 1)
    to_state(site, floor, main["id"], "admitted")
    amendment = move(site, floor, 2, kind="amendment", target=main["id"], title="Amend")
    assert to_state(site, floor, main["id"], "withdrawn")["state"] == "withdrawn"
    lapsed = site.client.get(f"{BASE}/motions/{amendment['id']}").json()
    assert lapsed["state"] == "lapsed"  # it went with the motion it applied to
    putting = f"{BASE}/motions/{main['id']}/vote"
    assert site.client.post(putting, headers=floor.delegates[0]).status_code == 403
    assert site.client.get(f"{BASE}/motions/9999").status_code == 404

    referred = move(site, floor, 1, title="On the factory committees")
    second(site, floor, referred["id"], 0)
    to_state(site, floor, referred["id"], "admitted")
    assert to_state(site, floor, referred["id"], "referred")["state"] == "referred"


def test_motions_out_of_order_are_refused(site: Site) -> None:
    floor = open_floor(site)
    stray = site.client.post(
        f"{BASE}/sittings/{floor.sitting}/motions",
        json={"title": "Amend", "kind": "amendment", "mover": floor.voting[0]},
        headers=floor.delegates[0],
    )
    assert stray.status_code == 409
    assert stray.json()["type"] == "/problems/out-of-order"
    closed_sitting = site.client.post(
        f"{BASE}/sittings/9999/motions",
        json={"title": "X", "mover": floor.voting[0]},
        headers=floor.delegates[0],
    )
    assert closed_sitting.status_code == 404


def test_a_lost_main_motion_and_a_retried_move(site: Site) -> None:
    floor = open_floor(site)
    headers = {**floor.delegates[0], "Idempotency-Key": "move-1"}
    body = {"title": "On the offensive", "mover": floor.voting[0]}
    url = f"{BASE}/sittings/{floor.sitting}/motions"
    first = site.client.post(url, json=body, headers=headers)
    again = site.client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            assert session.scalar(select(func.count()).select_from(Motion)) == 1
    finally:
        engine.dispose()
    motion = first.json()["id"]
    second(site, floor, motion, 1)
    to_state(site, floor, motion, "admitted")
    lost = vote(site, floor, motion, ["no", "no", "yes"])
    assert lost["result"]["carried"] is False
    assert site.client.get(f"{BASE}/motions/{motion}").json()["state"] == "lost"


def test_matters_need_the_concurrence_of_the_bodies_named(site: Site) -> None:
    floor = open_floor(site)
    url = f"{BASE}/matters"
    body = {
        "key": "eight-hour-day",
        "title": "The eight-hour working day",
        "required_bodies": ["executive", "workers-section"],
    }
    assert site.client.post(url, json=body).status_code == 401
    for who in (floor.delegates[0], floor.chair):
        assert site.client.post(url, json=body, headers=who).status_code == 403
    headers = {**floor.sec, "Idempotency-Key": "matter-1"}
    opened = site.client.post(url, json=body, headers=headers)
    assert opened.status_code == 201, opened.text
    assert site.client.post(url, json=body, headers=headers).json() == opened.json()
    assert opened.json()["positions"] == {"executive": "pending", "workers-section": "pending"}
    assert opened.json()["adopted"] is False
    twice = site.client.post(url, json=body, headers=floor.sec)
    assert twice.status_code == 409
    unknown = site.client.post(
        url, json={**body, "key": "other", "required_bodies": ["duma"]}, headers=floor.sec
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == ["required_bodies: no body named 'duma'"]

    motion = move(site, floor, 0, title="Eight hours", matter="eight-hour-day")
    second(site, floor, motion["id"], 1)
    to_state(site, floor, motion["id"], "admitted")
    vote(site, floor, motion["id"], ["yes", "yes", "yes"])
    state = site.client.get(f"{url}/eight-hour-day").json()
    assert state["title"] == "The eight-hour working day"
    assert state["positions"] == {"executive": "accepted", "workers-section": "pending"}
    assert state["adopted"] is False  # the workers' section has not concurred yet
    assert state["conflicts"] == []
    assert state["motions"] == [
        {"id": motion["id"], "body": "executive", "kind": "main", "state": "carried"}
    ]
    assert site.client.get(f"{url}/nothing").status_code == 404
