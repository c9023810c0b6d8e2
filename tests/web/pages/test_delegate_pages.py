"""The delegate's screen: check in, the floor, motions, the vote with its confirmation and
receipt, the own voting record — each act through one's own mandate only."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web.conftest import Site
from tests.web.floor import BASE, ORG, Floor, open_floor, open_poll

from tauride.db.accounts import IdempotencyRecord
from tauride.db.engine import build_engine, transaction
from tauride.db.polls import Ballot, Participation
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.queries.journal import journal_entries
from tauride.services import elections, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import get_organization

HX = {"HX-Request": "true"}
TYPED = "All power to the Soviets of Workers' and Soldiers' Deputies"


def _screen(sitting: int) -> str:
    return f"/o/{ORG}/sittings/{sitting}/delegate"


def _take_up_item(site: Site, sitting: int, title: str) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            item = sittings.add_agenda_item(
                session,
                org,
                sitting,
                kind=AgendaItemKind.DEBATE,
                title=title,
                minutes=30,
                actor="test",
            )
            sittings.take_up_item(session, org, item.id, actor="test")
            return item.id
    finally:
        engine.dispose()


def _count(site: Site, column: Any, poll: int) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return int(session.scalar(select(func.count()).where(column == poll)) or 0)
    finally:
        engine.dispose()


def _acts(site: Site) -> list[tuple[str, str]]:
    """(kind, actor) of the journal's entries, sign-ins left out."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return [
                (e.kind, e.actor)
                for e in journal_entries(session, ORG)
                if not e.kind.startswith("account.")
            ]
    finally:
        engine.dispose()


def _key(confirm_step: str) -> str:
    found = re.search(r'"Idempotency-Key": "([0-9a-f]+)"', confirm_step)
    assert found, confirm_step
    return found.group(1)


def _receipt(cast: str) -> str:
    found = re.search(r'data-testid="receipt">.*?\n([0-9a-f]{32})\n', cast, re.DOTALL)
    assert found, cast
    return found.group(1)


def _motion(browser: TestClient, sitting: int, mandate: int, **fields: str) -> tuple[int, str]:
    answer = browser.post(
        f"{_screen(sitting)}/motions", data={"mandate": mandate, **fields}, headers=HX
    )
    return answer.status_code, answer.text


def test_a_delegate_checks_in_and_out_and_asks_for_the_floor(site: Site) -> None:
    floor = open_floor(site, delegates=1)
    item = _take_up_item(site, floor.sitting, "The war and the Provisional Government")
    mine = floor.voting[0]
    d0 = site.browser("d0")
    screen = _screen(floor.sitting)

    page = d0.get(screen)
    assert page.status_code == 200
    assert f'data-live="/o/{ORG}/events?sitting={floor.sitting}&amp;last_event_id=' in page.text
    assert "You sit as" in page.text
    assert 'data-testid="check-out"' in page.text  # checked in by the secretariat
    assert 'aria-current="step"' in page.text
    assert 'hx-trigger="tauride:changed from:body"' in page.text
    for part in ("poll", "attendance", "agenda", "floor", "motions"):
        assert f'hx-get="{screen}/parts/{part}?mandate={mine}"' in page.text

    out = d0.post(f"{screen}/attendance", data={"mandate": mine, "present": "false"}, headers=HX)
    assert out.status_code == 200, out.text
    assert 'data-testid="check-in"' in out.text
    assert "<html" not in out.text
    back = d0.post(f"{screen}/attendance", data={"mandate": mine, "present": "true"}, headers=HX)
    assert 'data-testid="check-out"' in back.text
    assert "You are checked in" in d0.get(f"{screen}/parts/attendance", headers=HX).text

    asked = d0.post(
        f"{screen}/floor", data={"mandate": mine, "item": item, "side": "pro"}, headers=HX
    )
    assert asked.status_code == 200, asked.text
    assert "You are No. 1 on the list" in asked.text
    assert 'data-testid="withdraw-floor"' in asked.text
    assert 'data-testid="request-floor"' not in asked.text
    twice = d0.post(f"{screen}/floor", data={"mandate": mine, "item": item}, headers=HX)
    assert twice.status_code == 409
    assert 'role="alert"' in twice.text
    withdrawn = d0.post(
        f"{screen}/floor/withdrawals", data={"mandate": mine, "item": item}, headers=HX
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert 'data-testid="request-floor"' in withdrawn.text

    assert _acts(site)[-4:] == [
        ("attendance.checked_out", "account:d0"),
        ("attendance.checked_in", "account:d0"),
        ("speakers.requested", "account:d0"),
        ("speakers.withdrawn", "account:d0"),
    ]


def test_motions_are_moved_and_seconded_and_a_bad_form_keeps_what_was_typed(site: Site) -> None:
    floor = open_floor(site, delegates=2)
    _take_up_item(site, floor.sitting, "Peace")
    mine, theirs = floor.voting[0], floor.voting[1]
    d0, d1 = site.browser("d0"), site.browser("d1")

    status, text = _motion(d0, floor.sitting, mine, kind="main", title=" ", text=TYPED)
    assert status == 422
    assert "Give the motion a title." in text
    assert 'id="f-title" name="title"' in text
    assert 'aria-invalid="true"' in text
    assert TYPED.replace("'", "&#39;") in text
    status, text = _motion(d0, floor.sitting, mine, kind="amendment", title="Strike out")
    assert status == 422
    assert "Choose the motion this one applies to." in text
    assert 'value="Strike out"' in text
    assert '<option value="amendment" selected>' in text

    title = "Peace without annexations or indemnities"
    status, text = _motion(d0, floor.sitting, mine, kind="main", title=title, text=TYPED)
    assert status == 200, text
    assert f"is moved: {title}" in text
    assert 'id="motions"' in text
    assert 'hx-swap-oob="true"' in text
    assert "Moved by you" in text
    motion = int(re.findall(r'id="motion-(\d+)"', text)[0])
    assert f'data-testid="second-{motion}"' not in text  # the mover cannot second

    assert (
        f'data-testid="second-{motion}"'
        in d1.get(f"{_screen(floor.sitting)}/parts/motions", headers=HX).text
    )
    seconded = d1.post(
        f"{_screen(floor.sitting)}/motions/{motion}/second", data={"mandate": theirs}, headers=HX
    )
    assert seconded.status_code == 200, seconded.text
    assert "seconded by" in seconded.text
    # An amendment applies to a motion before the body: out of order while merely seconded.
    amendment = "Peace without annexations"
    status, text = _motion(
        d1, floor.sitting, theirs, kind="amendment", title=amendment, target=str(motion)
    )
    assert status == 422
    assert "not pending" in text
    assert f'value="{amendment}"' in text
    assert _acts(site)[-2:] == [("motion.moved", "account:d0"), ("motion.seconded", "account:d1")]


def test_no_act_goes_through_another_delegates_mandate(site: Site) -> None:
    floor = open_floor(site, delegates=1)
    item = _take_up_item(site, floor.sitting, "Bread")
    poll = open_poll(site, floor)["id"]
    theirs = floor.voting[1]
    d0 = site.browser("d0")
    screen = _screen(floor.sitting)
    before = _acts(site)
    for url, data in (
        ("attendance", {"mandate": theirs, "present": "false"}),
        ("floor", {"mandate": theirs, "item": item}),
        ("motions", {"mandate": theirs, "kind": "main", "title": "Not mine"}),
        (f"polls/{poll}/confirm", {"mandate": theirs, "choice": "no"}),
        (f"polls/{poll}/ballots", {"mandate": theirs, "choice": "no"}),
    ):
        refused = d0.post(f"{screen}/{url}", data=data, headers=HX)
        assert refused.status_code == 403, url
        assert 'role="alert"' in refused.text
        assert "own mandate" in refused.text
    assert d0.get(f"{screen}?mandate={theirs}").status_code == 403
    assert _acts(site) == before
    assert _count(site, Participation.poll_id, poll) == 0


def test_a_vote_is_confirmed_cast_once_per_key_and_shows_its_receipt(site: Site) -> None:
    floor = open_floor(site, delegates=1)
    poll = open_poll(site, floor, question="Call the general strike?")["id"]
    mine = floor.voting[0]
    d0 = site.browser("d0")
    screen = _screen(floor.sitting)

    page = d0.get(screen).text
    assert "Call the general strike?" in page
    assert 'data-testid="poll-status"' in page
    assert "0 of 15 have voted" in page
    for option, letter in (("yes", "Y"), ("no", "N"), ("abstain", "A")):
        assert f'data-testid="vote-{option}"' in page
        assert f'<span class="mark {option}" aria-hidden="true">{letter}</span>' in page

    confirm = f"{screen}/polls/{poll}/confirm"
    step = d0.post(confirm, data={"mandate": mine, "choice": "yes"}, headers=HX)
    assert step.status_code == 200, step.text
    assert "You vote <span" in step.text
    assert 'data-testid="confirm-vote"' in step.text
    assert 'hx-disabled-elt="this"' in step.text
    assert 'data-testid="change-vote"' in step.text
    assert "hx-trigger" not in step.text  # no live reload while the delegate confirms
    key = _key(step.text)
    fresh = d0.post(confirm, data={"mandate": mine, "choice": "yes"}, headers=HX)
    assert _key(fresh.text) != key

    ballots = f"{screen}/polls/{poll}/ballots"
    headers = {**HX, "Idempotency-Key": key}
    first = d0.post(ballots, data={"mandate": mine, "choice": "yes"}, headers=headers)
    again = d0.post(ballots, data={"mandate": mine, "choice": "yes"}, headers=headers)
    assert first.status_code == again.status_code == 200, first.text
    receipt = _receipt(first.text)
    assert _receipt(again.text) == receipt
    assert _count(site, Participation.poll_id, poll) == 1
    assert _count(site, Ballot.poll_id, poll) == 1
    download = f'data-download="receipt-{poll}" data-filename="receipt-{poll}.txt"'
    assert download in first.text
    assert 'data-testid="download-receipt"' in first.text
    assert 'hx-swap-oob="true"' in first.text

    other = d0.post(ballots, data={"mandate": mine, "choice": "no"}, headers=HX)
    assert other.status_code == 409
    assert "You have already voted" in other.text
    reused = d0.post(ballots, data={"mandate": mine, "choice": "no"}, headers=headers)
    assert reused.status_code == 422  # the key belongs to the first ballot
    shown = d0.get(f"{screen}/parts/poll", headers=HX).text
    assert 'data-testid="voted"' in shown
    assert 'data-testid="vote-yes"' not in shown
    assert "1 of 15 have voted" in shown

    _after_the_close(site, d0, floor, poll, receipt)


def _after_the_close(
    site: Site, browser: TestClient, floor: Floor, poll: int, receipt: str
) -> None:
    """Once the chair closes the poll: the receipt proves the ballot, the screen shows the
    result, and the delegate's record lists the vote."""
    closed = site.client.post(f"{BASE}/polls/{poll}/close", headers=floor.chair)
    assert closed.status_code == 200, closed.text
    proof = site.client.get(f"{BASE}/polls/{poll}/proof", params={"receipt": receipt})
    assert proof.json()["choice"] == "yes"
    after = browser.get(f"{_screen(floor.sitting)}/parts/poll", headers=HX).text
    assert "No vote is open" in after
    assert "Carried" in after
    late = browser.post(
        f"{_screen(floor.sitting)}/polls/{poll}/confirm",
        data={"mandate": floor.voting[0], "choice": "no"},
        headers=HX,
    )
    assert late.status_code == 409
    assert "The vote is closed" in late.text
    record = browser.get(f"/o/{ORG}/me")
    assert record.status_code == 200
    row = record.text.split(f'data-testid="record-{poll}"')[1].split("</tr>")[0]
    assert "Call the general strike?" in row
    assert '<span class="mark yes" aria-hidden="true">Y</span> Yes' in row
    assert "Carried" in row
    assert f"/sittings/{floor.sitting}/delegate?mandate={floor.voting[0]}" in record.text


def test_a_secret_ballot_changed_with_its_receipt_leaves_no_stored_link_to_the_voter(
    site: Site,
) -> None:
    floor = open_floor(site, delegates=1)
    poll = open_poll(site, floor, method="secret", allow_change=True)["id"]
    mine = floor.voting[0]
    d0 = site.browser("d0")
    screen = _screen(floor.sitting)
    ballots = f"{screen}/polls/{poll}/ballots"
    first = {**HX, "Idempotency-Key": "first"}
    cast = d0.post(ballots, data={"mandate": mine, "choice": "no"}, headers=first)
    assert cast.status_code == 200, cast.text
    receipt = _receipt(cast.text)

    shown = d0.get(f"{screen}/parts/poll", headers=HX).text
    assert "The ballot is secret" in shown
    assert "You may change your vote" in shown
    assert 'data-testid="vote-yes"' in shown
    step = d0.post(
        f"{screen}/polls/{poll}/confirm", data={"mandate": mine, "choice": "yes"}, headers=HX
    ).text
    assert 'name="receipt"' in step
    change = {**HX, "Idempotency-Key": _key(step)}
    changed = d0.post(
        ballots, data={"mandate": mine, "choice": "yes", "receipt": receipt}, headers=change
    )
    assert changed.status_code == 200, changed.text
    assert _receipt(changed.text) == receipt

    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            ballot = session.scalars(select(Ballot).where(Ballot.poll_id == poll)).one()
            assert (ballot.mandate_id, ballot.choice) == (None, "yes")
            records = session.scalars(select(IdempotencyRecord)).all()
            stored = " ".join(f"{r.path} {r.request_hash} {r.body}" for r in records)
    finally:
        engine.dispose()
    assert len(records) == 2
    assert receipt not in stored
    assert '"yes"' not in stored
    assert '"no"' not in stored


def _open_election(site: Site) -> tuple[int, int, list[str], list[int]]:
    """An open plenary sitting with everyone present and an election's ranked poll open:
    (sitting, poll, candidates, voting mandates)."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            members = current_memberships(session, get_body(session, org.id, "plenary").id)
            voting = [m.mandate_id for m in members if not m.consultative]
            held = sittings.schedule_sitting(
                session, org, "plenary", title="Elections", scheduled_for=None, actor="test"
            )
            sittings.change_state(session, org, held.id, SittingState.OPEN, actor="test")
            for mandate in voting:
                sittings.check_in(session, org, held.id, mandate, actor="test")
            election = elections.call_election(session, org, "executive", actor="test")
            for mandate in voting[:3]:
                elections.nominate(
                    session, org, election.id, mandate, nominated_by="test", actor="test"
                )
            poll = elections.open_voting(session, org, election.id, held.id, actor="test")
            return held.id, poll.id, list(poll.options), voting
    finally:
        engine.dispose()


def test_an_election_ballot_ranks_candidates_in_order(site: Site) -> None:
    sitting, poll, names, voting = _open_election(site)
    mine = voting[5]
    site.account("voter", "delegate", mandate=mine)
    voter = site.browser("voter")
    screen = _screen(sitting)
    page = voter.get(screen).text
    assert 'data-testid="fill-ballot"' in page
    assert "3 candidates" in page

    form = voter.post(f"{screen}/polls/{poll}/ballot", data={"mandate": mine}, headers=HX)
    assert form.text.count('name="rank"') == 3
    confirm = f"{screen}/polls/{poll}/confirm"
    repeated = voter.post(
        confirm, data={"mandate": mine, "rank": [names[1], names[1], ""]}, headers=HX
    )
    assert repeated.status_code == 422
    assert "is ranked already" in repeated.text
    assert 'aria-invalid="true"' in repeated.text
    assert repeated.text.count(f'value="{names[1]}" selected') == 2  # the choices are kept
    step = voter.post(confirm, data={"mandate": mine, "rank": [names[2], names[0], ""]}, headers=HX)
    assert step.status_code == 200, step.text
    assert step.text.index(names[2]) < step.text.index(names[0])
    cast = voter.post(
        f"{screen}/polls/{poll}/ballots",
        data={"mandate": mine, "rank": [names[2], names[0]]},
        headers={**HX, "Idempotency-Key": _key(step.text)},
    )
    assert cast.status_code == 200, cast.text
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            ballot = session.scalars(select(Ballot).where(Ballot.poll_id == poll)).one()
            assert ballot.ranking == [names[2], names[0]]
    finally:
        engine.dispose()


def test_the_screen_is_for_delegates_with_a_seat_in_the_body(site: Site) -> None:
    floor = open_floor(site, delegates=1)
    screen = _screen(floor.sitting)
    visitor = site.browser()
    away = visitor.get(screen, follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"].startswith("/login?next=")
    assert visitor.get(f"/o/{ORG}/me", follow_redirects=False).status_code == 303
    site.account("watcher", "observer")
    watcher = site.browser("watcher")
    for url in (screen, f"/o/{ORG}/me"):
        refused = watcher.get(url)
        assert refused.status_code == 403
        assert "You hold no mandate in this organization" in refused.text
        assert "<h1>Not allowed</h1>" in refused.text
    guest = site.browser("guest")  # a consultative member
    assert "consultative voice" in guest.get(screen).text
    poll = open_poll(site, floor)["id"]
    part = guest.get(f"{screen}/parts/poll", headers=HX).text
    assert f'id="poll-{poll}-q"' in part
    assert "you speak and move motions, but do not vote" in part
    assert 'data-testid="vote-yes"' not in part
    refused = guest.post(
        f"{screen}/polls/{poll}/confirm",
        data={"mandate": floor.consultative[0], "choice": "yes"},
        headers=HX,
    )
    assert refused.status_code == 409
    assert "You may not vote in this poll" in refused.text
