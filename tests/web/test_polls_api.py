"""Polls over HTTP: opened and closed by the chair, cast through one's own mandate, counted
by tellers, sealed at close; a secret poll never shows who chose what."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tauride.db.accounts import IdempotencyRecord
from tauride.db.engine import build_engine, transaction
from tauride.db.polls import Ballot, Participation
from tauride.domain.merkle import verify_inclusion
from tauride.services.examples import example_path
from tauride.services.organizations import amend_constitution

from .conftest import Site
from .floor import BASE, ORG, cast, journal, open_floor, open_poll


def _count(url: str, column: Any, poll: int) -> int:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            return int(session.scalar(select(func.count()).where(column == poll)) or 0)
    finally:
        engine.dispose()


def _links_a_voter_to_a_choice(value: Any) -> bool:
    if isinstance(value, dict):
        if "choice" in value and ("mandate" in value or "person" in value):
            return True
        return any(_links_a_voter_to_a_choice(v) for v in value.values())
    if isinstance(value, list):
        return any(_links_a_voter_to_a_choice(v) for v in value)
    return False


def test_a_named_poll_runs_from_open_to_close_and_shows_who_voted_how(site: Site) -> None:
    floor = open_floor(site)
    opened = open_poll(site, floor)
    poll = opened["id"]
    assert opened["state"] == "open"
    assert (opened["entitled"], opened["voted"]) == (15, 0)  # consultative seats left out
    assert opened["result"] is None
    assert opened["votes"] is None
    for i, choice in enumerate(["yes", "yes", "no"]):
        assert cast(site, floor, poll, i, choice)["poll"] == poll
    during = site.client.get(f"{BASE}/polls/{poll}").json()
    assert (during["voted"], during["result"], during["votes"]) == (3, None, None)
    closed = site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair)
    assert closed.status_code == 200, closed.text
    result = closed.json()
    assert result["state"] == "closed"
    assert result["result"]["carried"] is True
    assert result["result"]["counts"] == {"yes": 2, "no": 1, "abstain": 0}
    assert result["result"]["ballots"] == 3
    assert result["participants"] == sorted(floor.voting[:3])
    votes = {v["mandate"]: v["choice"] for v in result["votes"]}
    assert votes == {floor.voting[0]: "yes", floor.voting[1]: "yes", floor.voting[2]: "no"}
    assert site.client.get(f"{BASE}/polls/{poll}").json() == result
    kinds = [kind for kind, _ in journal(site.url)]
    assert kinds[-1] == "poll.closed"
    assert "poll.opened" in kinds
    anonymous = site.client.get(f"{BASE}/polls/{poll}")
    assert anonymous.status_code == 200  # poll.read: everyone


def test_only_the_chair_opens_and_closes_polls(site: Site) -> None:
    floor = open_floor(site)
    url = f"{BASE}/sittings/{floor.sitting}/polls"
    body = {"question": "Strike?"}
    assert site.client.post(url, json=body).status_code == 401
    for who in (floor.teller, floor.sec, floor.delegates[0]):
        refused = site.client.post(url, json=body, headers=who)
        assert refused.status_code == 403
        assert refused.json()["type"] == "/problems/forbidden"
    poll = open_poll(site, floor)["id"]
    cast(site, floor, poll, 0, "yes")
    close = f"{BASE}/polls/{poll}/close"
    teller = site.client.post(close, headers=floor.teller)
    assert teller.status_code == 403
    assert teller.json()["type"] == "/problems/forbidden"
    assert site.client.post(close, headers=floor.delegates[0]).status_code == 403
    assert site.client.post(close).status_code == 401
    assert site.client.get(f"{BASE}/polls/{poll}").json()["state"] == "open"
    assert site.client.post(close, headers=floor.chair).status_code == 200
    again = site.client.post(close, headers=floor.chair)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/poll-closed"


def test_casts_are_refused_by_the_rules_of_the_poll(site: Site) -> None:
    floor = open_floor(site)
    poll = open_poll(site, floor)["id"]
    url = f"{BASE}/polls/{poll}/ballots"
    mine, theirs = floor.voting[0], floor.voting[1]

    assert site.client.post(url, json={"mandate": mine, "choice": "yes"}).status_code == 401
    for who in (floor.chair, floor.teller, floor.sec):
        assert (
            site.client.post(url, json={"mandate": mine, "choice": "yes"}, headers=who).status_code
            == 403
        )
    # A delegate casts only through their own mandate.
    other = site.client.post(
        url, json={"mandate": theirs, "choice": "yes"}, headers=floor.delegates[0]
    )
    assert other.status_code == 403
    assert other.json()["type"] == "/problems/forbidden"
    assert "own mandate" in other.json()["detail"]

    bad = site.client.post(
        url, json={"mandate": mine, "choice": "maybe"}, headers=floor.delegates[0]
    )
    assert bad.status_code == 422
    assert bad.json()["type"] == "/problems/bad-choice"
    both = site.client.post(
        url, json={"mandate": mine, "choice": "yes", "ranking": ["a"]}, headers=floor.delegates[0]
    )
    assert both.status_code == 422
    assert both.json()["type"] == "/problems/invalid-input"

    cast(site, floor, poll, 0, "yes")
    twice = site.client.post(
        url, json={"mandate": mine, "choice": "no"}, headers=floor.delegates[0]
    )
    assert twice.status_code == 409
    assert twice.json()["type"] == "/problems/double-vote"

    # A consultative member speaks and moves but does not vote.
    guest = site.client.post(
        url, json={"mandate": floor.consultative[0], "choice": "yes"}, headers=floor.guest
    )
    assert guest.status_code == 409
    assert guest.json()["type"] == "/problems/not-entitled"

    assert site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair).status_code == 200
    late = site.client.post(
        url, json={"mandate": floor.voting[1], "choice": "no"}, headers=floor.delegates[1]
    )
    assert late.status_code == 409
    assert late.json()["type"] == "/problems/poll-closed"
    assert _count(site.url, Ballot.poll_id, poll) == 1

    missing = site.client.post(
        f"{BASE}/polls/9999/ballots",
        json={"mandate": mine, "choice": "yes"},
        headers=floor.delegates[0],
    )
    assert missing.status_code == 404


def test_a_retried_cast_with_the_same_key_casts_once_and_gives_the_same_receipt(
    site: Site,
) -> None:
    floor = open_floor(site)
    poll = open_poll(site, floor, method="secret")["id"]
    url = f"{BASE}/polls/{poll}/ballots"
    headers = {**floor.delegates[0], "Idempotency-Key": "cast-1"}
    body = {"mandate": floor.voting[0], "choice": "no"}
    first = site.client.post(url, json=body, headers=headers)
    second = site.client.post(url, json=body, headers=headers)
    assert first.status_code == second.status_code == 201, second.text
    assert first.json() == second.json()
    receipt = first.json()["receipt"]
    assert len(receipt) == 32
    assert _count(site.url, Ballot.poll_id, poll) == 1
    assert _count(site.url, Participation.poll_id, poll) == 1
    reused = site.client.post(url, json={**body, "choice": "yes"}, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["type"] == "/problems/idempotency-key-reused"
    # The record kept for the replay ties the account neither to the receipt nor, by a
    # guessable hash of the request, to the choice.
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            record = session.scalars(
                select(IdempotencyRecord).where(IdempotencyRecord.key == "cast-1")
            ).one()
            stored = json.dumps(record.body)
            request_hash = record.request_hash
    finally:
        engine.dispose()
    assert receipt not in stored
    for choice in ("yes", "no", "abstain"):
        guess = json.dumps({"mandate": floor.voting[0], "choice": choice}, separators=(",", ":"))
        for text in (
            guess,
            json.dumps({**body, "choice": choice, "ranking": None, "receipt": None}),
        ):
            plain = hashlib.sha256(f"POST {url}\n{text}".encode()).hexdigest()
            assert plain != request_hash


def test_a_secret_poll_never_shows_who_chose_what(site: Site) -> None:
    floor = open_floor(site)
    opened = open_poll(site, floor, method="secret", allow_change=True)
    poll = opened["id"]
    seen: list[Any] = [opened]
    receipts = [
        cast(site, floor, poll, i, c)["receipt"] for i, c in enumerate(["no", "yes", "yes"])
    ]
    # The first voter changes their mind: the secret ballot is found by its receipt only.
    changed = cast(site, floor, poll, 0, "yes", receipt=receipts[0])
    assert changed["receipt"] == receipts[0]
    without = site.client.post(
        f"{BASE}/polls/{poll}/ballots",
        json={"mandate": floor.voting[0], "choice": "no"},
        headers=floor.delegates[0],
    )
    assert without.json()["type"] == "/problems/double-vote"
    progress = site.client.get(f"{BASE}/polls/{poll}").json()
    seen.append(progress)
    assert (progress["voted"], progress["entitled"]) == (3, 15)
    assert progress["result"] is None  # no running result while it is open
    closed = site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair).json()
    seen.append(closed)
    assert closed["result"]["counts"] == {"yes": 3, "no": 0, "abstain": 0}
    assert closed["votes"] is None
    assert closed["participants"] == sorted(floor.voting[:3])  # who took part, not how
    seen.append(site.client.get(f"{BASE}/sittings/{floor.sitting}/polls").json())
    root = closed["result"]["merkle_root"]
    for receipt in receipts:
        proof = site.client.get(f"{BASE}/polls/{poll}/proof", params={"receipt": receipt}).json()
        seen.append(proof)
        assert "mandate" not in json.loads(proof["leaf"])
        assert proof["root"] == root
        assert verify_inclusion(
            proof["leaf"].encode(),
            proof["index"],
            proof["tree_size"],
            [bytes.fromhex(p) for p in proof["proof"]],
            bytes.fromhex(root),
        )
    assert not any(_links_a_voter_to_a_choice(response) for response in seen)
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            stored = session.scalars(select(Ballot.mandate_id).where(Ballot.poll_id == poll))
            assert set(stored) == {None}
    finally:
        engine.dispose()


def test_inclusion_proof_after_close_checks_against_the_journaled_root(site: Site) -> None:
    floor = open_floor(site)
    poll = open_poll(site, floor, method="roll-call")["id"]
    receipt = cast(site, floor, poll, 0, "yes")["receipt"]
    cast(site, floor, poll, 1, "no")
    url = f"{BASE}/polls/{poll}/proof"
    early = site.client.get(url, params={"receipt": receipt})
    assert early.status_code == 409  # not sealed yet
    closing = site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair)
    assert closing.json()["result"]["carried"] is False  # lost on a tie
    proof = site.client.get(url, params={"receipt": receipt}).json()
    closed = [p for kind, p in journal(site.url) if kind == "poll.closed"][-1]
    assert proof["choice"] == "yes"
    assert verify_inclusion(
        proof["leaf"].encode(),
        proof["index"],
        proof["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(closed["merkle_root"]),
    )
    assert site.client.get(url, params={"receipt": "0" * 32}).status_code == 404
    assert site.client.get(url).status_code == 422


def _ties_go_to_the_chair(site: Site) -> None:
    """Amend the constitution: a tie in the executive waits for the chair's casting vote."""
    path = example_path(ORG) / "constitution.toml"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition("[bodies.executive]\n")
    old = 'majority = { threshold = "more-than-half", base = "cast" }'
    new = 'majority = { threshold = "more-than-half", base = "cast", tie = "casting-vote" }'
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            amended = head + "[bodies.executive]\n" + tail.replace(old, new, 1)
            amend_constitution(session, ORG, amended, source="test", actor="test")
    finally:
        engine.dispose()


def test_a_tie_waits_for_the_chairs_casting_vote(site: Site) -> None:
    _ties_go_to_the_chair(site)
    floor = open_floor(site)
    poll = open_poll(site, floor)["id"]
    cast(site, floor, poll, 0, "yes")
    cast(site, floor, poll, 1, "no")
    url = f"{BASE}/polls/{poll}/close"
    tied = site.client.post(url, headers=floor.chair)
    assert tied.status_code == 409
    assert tied.json()["type"] == "/problems/casting-vote-needed"
    wrong = site.client.post(url, json={"casting_vote": "maybe"}, headers=floor.chair)
    assert wrong.status_code == 422
    decided = site.client.post(url, json={"casting_vote": "no"}, headers=floor.chair)
    assert decided.status_code == 200, decided.text
    assert decided.json()["result"]["carried"] is False
    assert decided.json()["result"]["outcome"]["casting_vote"] is False


def test_a_casting_vote_without_a_tie_to_settle_is_refused(site: Site) -> None:
    floor = open_floor(site)
    poll = open_poll(site, floor)["id"]
    cast(site, floor, poll, 0, "yes")
    refused = site.client.post(
        f"{BASE}/polls/{poll}/close", json={"casting_vote": "yes"}, headers=floor.chair
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "/problems/casting-vote-refused"


def test_tellers_count_a_show_of_hands(site: Site) -> None:
    floor = open_floor(site)
    poll = open_poll(site, floor, method="show-of-hands")["id"]
    assert site.client.get(f"{BASE}/polls/{poll}").json()["voted"] is None
    hand = site.client.post(
        f"{BASE}/polls/{poll}/ballots",
        json={"mandate": floor.voting[0], "choice": "yes"},
        headers=floor.delegates[0],
    )
    assert hand.status_code == 422  # the tellers count it
    url = f"{BASE}/polls/{poll}/counts"
    early = site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair)
    assert early.status_code == 409  # no counts yet
    for who in (floor.chair, floor.delegates[0], floor.sec):
        assert site.client.post(url, json={"counts": {"yes": 9}}, headers=who).status_code == 403
    too_many = site.client.post(url, json={"counts": {"yes": 16}}, headers=floor.teller)
    assert too_many.status_code == 422
    unknown = site.client.post(url, json={"counts": {"perhaps": 1}}, headers=floor.teller)
    assert unknown.status_code == 422
    headers = {**floor.teller, "Idempotency-Key": "hands-1"}
    entered = site.client.post(url, json={"counts": {"yes": 9, "no": 4}}, headers=headers)
    assert entered.status_code == 200, entered.text
    assert entered.json()["result"] is None  # counts are shown with the result, at close
    replay = site.client.post(url, json={"counts": {"yes": 9, "no": 4}}, headers=headers)
    assert replay.json() == entered.json()
    assert sum(kind == "poll.hands_counted" for kind, _ in journal(site.url)) == 1
    closed = site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair).json()
    assert closed["result"]["counts"] == {"yes": 9, "no": 4, "abstain": 0}
    assert closed["result"]["carried"] is True
    late = site.client.post(url, json={"counts": {"yes": 1}}, headers=floor.teller)
    assert late.json()["type"] == "/problems/poll-closed"


def test_polls_of_a_sitting_a_page_at_a_time(site: Site) -> None:
    floor = open_floor(site)
    ids = [open_poll(site, floor, question=f"Question {n}?")["id"] for n in range(3)]
    url = f"{BASE}/sittings/{floor.sitting}/polls"
    first = site.client.get(url, params={"limit": 2}).json()
    assert [p["id"] for p in first["items"]] == ids[:2]
    rest = site.client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [p["id"] for p in rest["items"]] == ids[2:]
    assert rest["next_cursor"] is None
    assert site.client.get(f"{BASE}/sittings/9999/polls").status_code == 404
    assert site.client.get(f"{BASE}/polls/9999").status_code == 404
    assert site.client.get(url, params={"cursor": "nonsense"}).status_code == 422
    idem = {**floor.chair, "Idempotency-Key": "open-1"}
    body = {"question": "Once?"}
    one = site.client.post(url, json=body, headers=idem)
    two = site.client.post(url, json=body, headers=idem)
    assert one.status_code == two.status_code == 201
    assert one.json()["id"] == two.json()["id"]
    assert len(site.client.get(url).json()["items"]) == 4


def test_casting_is_rate_limited(petrograd_url: str, make_app: Callable[..., TestClient]) -> None:
    with make_app(cast_rate_per_minute=2) as client:
        site = Site(client, petrograd_url)
        floor = open_floor(site, delegates=1)
        poll = open_poll(site, floor)["id"]
        url = f"{BASE}/polls/{poll}/ballots"
        body = {"mandate": floor.voting[0], "choice": "yes"}
        codes = [
            client.post(url, json=body, headers=floor.delegates[0]).status_code for _ in range(3)
        ]
        assert codes == [201, 409, 429]
        limited = client.post(url, json=body, headers=floor.delegates[0])
        assert limited.json()["type"] == "/problems/rate-limited"
        assert int(limited.headers["retry-after"]) >= 1
