"""Live updates: a page's stream of Server-Sent Events hears every act of its organization
in journal order, from this server or from elsewhere, and resumes from the last height it
saw without a gap or a repeat.

The app runs under uvicorn on a free 127.0.0.1 port (a stream never ends by itself, so it
is read over a real socket with a read timeout: every test stops on its own).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn

from tauride.config import Settings
from tauride.db.engine import build_engine, transaction
from tauride.domain.polls import PollMethod
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.services import accounts, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import get_organization
from tauride.web import create_app
from tauride.web.live.broker import Broker
from tauride.web.live.events import Event

ORG = "petrograd-1917"
API = f"/api/v1/organizations/{ORG}"
EVENTS = f"/o/{ORG}/events"


@dataclass
class Message:
    event: str
    id: str | None
    data: dict[str, Any]


@dataclass
class Stream:
    """An open event stream, read message by message with a deadline."""

    lines: Iterator[str]
    pending: list[Message] = field(default_factory=list)

    def take(self, n: int, *, within: float = 10.0) -> list[Message]:
        """The next `n` messages (pings skipped); fails if they do not come in time."""
        deadline = time.monotonic() + within
        got: list[Message] = []
        fields: dict[str, str] = {}
        while len(got) < n:
            assert time.monotonic() < deadline, f"only {len(got)} of {n} messages: {got}"
            line = next(self.lines)
            if line == "":
                if "data" in fields:
                    got.append(
                        Message(
                            fields.get("event", "message"),
                            fields.get("id"),
                            json.loads(fields["data"]),
                        )
                    )
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
        return got


@dataclass
class LiveSite:
    base: str
    url: str
    sittings: tuple[int, int]
    poll: int
    voter: int
    chair: dict[str, str]
    delegate: dict[str, str]

    @contextmanager
    def stream(self, query: str = "", **headers: str) -> Iterator[Stream]:
        with (
            httpx.Client(base_url=self.base, timeout=httpx.Timeout(10.0)) as client,
            client.stream("GET", EVENTS + query, headers=headers) as response,
        ):
            assert response.status_code == 200, response.read()
            assert response.headers["content-type"].startswith("text/event-stream")
            yield Stream(response.iter_lines())

    def add_item(self, sitting: int, title: str) -> None:
        """An act through this server's API (published by the server process)."""
        response = httpx.post(
            f"{self.base}{API}/sittings/{sitting}/agenda",
            json={"title": title},
            headers=self.chair,
            timeout=10,
        )
        assert response.status_code == 201, response.text

    def add_item_elsewhere(self, sitting: int, title: str) -> None:
        """An act done by another program on the same database, as the command line does."""

        def act() -> None:
            engine = build_engine(self.url)
            try:
                with transaction(engine) as session:
                    org = get_organization(session, ORG)
                    sittings.add_agenda_item(
                        session,
                        org,
                        sitting,
                        kind=AgendaItemKind.DEBATE,
                        title=title,
                        minutes=None,
                        actor="elsewhere",
                    )
            finally:
                engine.dispose()

        worker = threading.Thread(target=act)
        worker.start()
        worker.join(30)


def _bearer(session: Any, org: Any, name: str, role: str, mandate: int | None = None) -> str:
    accounts.create_account(session, name, name.title())
    accounts.grant_role(session, org, name, role, mandate_id=mandate, actor="test")
    code = accounts.issue_login_code(session, name)
    return accounts.login_with_code(session, code, kind="bearer", hours=1).token


def _prepare(url: str) -> tuple[tuple[int, int], int, int, str, str]:
    engine = build_engine(url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            first = sittings.schedule_sitting(
                session, org, "executive", title="First", scheduled_for=None, actor="test"
            )
            second = sittings.schedule_sitting(
                session, org, "executive", title="Second", scheduled_for=None, actor="test"
            )
            sittings.change_state(session, org, first.id, SittingState.OPEN, actor="test")
            members = current_memberships(session, get_body(session, org.id, "executive").id)
            for member in members:
                sittings.check_in(session, org, first.id, member.mandate_id, actor="test")
            voter = next(m.mandate_id for m in members if not m.consultative)
            poll = polls.open_poll(
                session, org, first.id, question="Adjourn?", method=PollMethod.SECRET, actor="t"
            )
            chair = _bearer(session, org, "chair", "chair")
            delegate = _bearer(session, org, "voter", "delegate", voter)
            return (first.id, second.id), poll.id, voter, chair, delegate
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def live(petrograd_url: str) -> Iterator[LiveSite]:
    """The app served by uvicorn in a thread, on a fresh database of each backend."""
    sittings_, poll, voter, chair, delegate = _prepare(petrograd_url)
    app = create_app(Settings(database_url=petrograd_url))
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield LiveSite(
            f"http://127.0.0.1:{port}",
            petrograd_url,
            sittings_,
            poll,
            voter,
            {"Authorization": f"Bearer {chair}"},
            {"Authorization": f"Bearer {delegate}"},
        )
    finally:
        server.should_exit = True
        thread.join(15)
        assert not thread.is_alive(), "the server did not stop"


def _heights(messages: list[Message]) -> list[int]:
    return [int(m.id) for m in messages if m.event == "journal" and m.id is not None]


def test_a_page_hears_every_act_in_order_and_resumes_where_it_left_off(live: LiveSite) -> None:
    first, second = live.sittings
    with live.stream() as everything, live.stream(f"?sitting={first}") as page:
        (head,) = page.take(1)
        assert head.event == "head"
        h0 = int(head.id or 0)
        assert everything.take(1)[0].data == {"height": h0}

        live.add_item(first, "Bread")  # h0 + 1
        live.add_item(second, "Fuel")  # h0 + 2, another sitting's
        live.add_item_elsewhere(first, "Peace")  # h0 + 3, by another program

        seen = page.take(2)
        assert _heights(seen) == [h0 + 1, h0 + 3]
        assert seen[0].data == {"height": h0 + 1, "kind": "agenda.item_added", "sitting": first}
        assert _heights(everything.take(3)) == [h0 + 1, h0 + 2, h0 + 3]

        # A ballot changes the poll's turnout: the pages hear of it, not of whose or what.
        cast = httpx.post(
            f"{live.base}{API}/polls/{live.poll}/ballots",
            json={"mandate": live.voter, "choice": "yes"},
            headers=live.delegate,
            timeout=10,
        )
        assert cast.status_code == 201, cast.text
        (ballot,) = page.take(1)
        assert (ballot.event, ballot.id) == ("ballot", None)
        assert ballot.data == {
            "height": None,
            "kind": "ballot.cast",
            "sitting": first,
            "poll": live.poll,
        }

        # Many acts at once, from this server and from another program: every height
        # arrives once, in order.
        workers = [
            threading.Thread(target=live.add_item, args=(first, f"Item {n}")) for n in range(8)
        ] + [
            threading.Thread(target=live.add_item_elsewhere, args=(second, f"Other {n}"))
            for n in range(4)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        burst = [m for m in everything.take(13) if m.event == "journal"][:12]
        assert _heights(burst) == list(range(h0 + 4, h0 + 16))
    top = h0 + 15

    # While no page listens, more is done; a page that comes back is sent what it missed
    # from the journal, then the live acts. The browser's Last-Event-ID header wins over
    # the height in the query that a new EventSource carries.
    live.add_item(first, "Land")  # top + 1
    live.add_item(second, "Coal")  # top + 2
    with live.stream(
        f"?sitting={first}&last_event_id={top + 1}", **{"Last-Event-ID": str(top)}
    ) as page:
        replay = page.take(2)
        assert _heights(replay) == [top + 1]
        # The other sitting's act is not sent, but the page is told it has passed it.
        assert (replay[1].event, replay[1].id) == ("head", str(top + 2))
        live.add_item(first, "Bread again")  # top + 3
        assert _heights(page.take(1)) == [top + 3]

    # A page that gives a height the journal has not reached (a restored database) starts
    # again from the head; the query's height is used when no header is sent.
    with live.stream(f"?last_event_id={top + 1}") as page:
        assert _heights(page.take(1)) == [top + 2]
    with live.stream(f"?last_event_id={top + 100}") as page:
        assert page.take(1)[0].data == {"height": top + 3}


def test_an_unknown_organization_has_no_stream(live: LiveSite) -> None:
    response = httpx.get(f"{live.base}/o/nowhere/events", timeout=10)
    assert response.status_code == 404


def test_a_stream_that_falls_behind_is_closed_and_ballots_are_paced() -> None:
    """A slow page whose queue fills is dropped (it reconnects and replays from the
    journal); a hall voting at once reloads a poll's turnout a few times a second."""

    async def scenario() -> tuple[list[Event | None], list[Event | None]]:
        broker = Broker(queue_size=2, ballot_interval=0.05)
        slow = broker.subscribe(1)
        broker.deliver([Event(1, "sitting.item_added", h, 5) for h in (1, 2, 3)])
        dropped = [await slow.next()]
        broker.unsubscribe(slow)
        page = broker.subscribe(1)
        broker.publish([Event(1, "ballot.cast", sitting=5, poll=9) for _ in range(3)])
        await asyncio.sleep(0.01)
        broker.publish([Event(1, "ballot.cast", sitting=5, poll=9)])
        await asyncio.sleep(0.15)
        heard = []
        while not page.queue.empty():
            heard.append(await page.next())
        return dropped, heard

    # In a thread of its own: Playwright's sync API (the browser tests, in the same
    # worker) keeps an event loop running in this one, and asyncio.run refuses it.
    with ThreadPoolExecutor(1) as pool:
        dropped, heard = pool.submit(asyncio.run, scenario()).result()
    assert dropped == [None]
    assert heard == [Event(1, "ballot.cast", sitting=5, poll=9)] * 2
