"""Pages: how long the pages of a 3,000-member body take to render, on SQLite and PostgreSQL.

Run ``python bench/pages.py [--quick] [--members N] [--requests N] [PATH ...]`` from the
repository root. For each database the benchmark builds, through the services, a congress
of 3,000 delegates (one per branch), an open sitting of it with everyone checked in and an
agenda, a named poll closed after everyone voted and a second one open with half the hall
voted; then it starts `tauride serve` on 127.0.0.1 and asks for each page, one request
after another, signed in as the chair, the way a browser asks (`Accept: text/html`). The
figures are the median and 95th percentile of 200 requests per page (after a few not
timed), measured by the client from sending the request to the last byte of the answer.
`GET /healthz` is timed the same way in the same run: the framework's floor, against which
the pages are read.

The pages are given as paths with `{slug}`, `{body}` (the body's id), `{sitting}` and
`{poll}` (the open poll) in them; by default the body's members, the chair's console, the
projector and the delegate's screen.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

import httpx2 as httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from database_bench import postgresql_engine, sqlite_engine
from load import _server
from measure import fmt_count, fmt_ratio, fmt_time, print_table
from scenarios import congress_folder
from tauride.db.engine import transaction
from tauride.domain.polls import PollMethod
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.services import accounts, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import load_folder
from tauride.services.organizations import get_organization

SLUG = "bench-congress"
BODY = "congress"
ACTOR = "bench"
PAGES = [
    "/o/{slug}/bodies/{body}",
    "/o/{slug}/sittings/{sitting}/chair",
    "/o/{slug}/sittings/{sitting}/projector",
    "/o/{slug}/sittings/{sitting}/delegate",
]
FLOOR = "/healthz"


@dataclass(frozen=True)
class Hall:
    """What the pages show: the body, its open sitting and poll; the chair's and a
    delegate's sign-in sessions."""

    body: int
    sitting: int
    poll: int
    chair: str
    delegate: str


def _session_token(session: Session, name: str) -> str:
    code = accounts.issue_login_code(session, name)
    return accounts.login_with_code(session, code, hours=4).token


def _prepare(engine: Engine, members: int) -> Hall:
    start = time.perf_counter()
    with congress_folder(members) as folder, transaction(engine) as session:
        org = load_folder(session, folder, actor=ACTOR)
        body = get_body(session, org.id, BODY)
        sitting = sittings.schedule_sitting(
            session, org, BODY, title="Congress", scheduled_for=None, actor=ACTOR
        )
        for title in ("Report of the executive", "Wages", "Elections"):
            sittings.add_agenda_item(
                session,
                org,
                sitting.id,
                kind=AgendaItemKind.DEBATE,
                title=title,
                minutes=30,
                actor=ACTOR,
            )
        sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor=ACTOR)
        voters = [m.mandate_id for m in current_memberships(session, body.id)]
        for mandate_id in voters:
            sittings.check_in(session, org, sitting.id, mandate_id, actor=ACTOR)
        ids = (body.id, sitting.id)
    choices = ("yes", "no", "abstain")
    closed = _open(engine, ids[1], "Adopt the report?")
    _cast(engine, closed, voters, choices)
    with transaction(engine) as session:
        polls.close_poll(session, get_organization(session, SLUG), closed, actor=ACTOR)
    poll = _open(engine, ids[1], "Raise the dues?")
    _cast(engine, poll, voters[: len(voters) // 2], choices)
    with transaction(engine) as session:
        org = get_organization(session, SLUG)
        for name, role, mandate in (("chair", "chair", None), ("delegate", "delegate", voters[0])):
            accounts.create_account(session, name, name.title())
            accounts.grant_role(session, org, name, role, mandate_id=mandate, actor=ACTOR)
        hall = Hall(
            ids[0],
            ids[1],
            poll,
            _session_token(session, "chair"),
            _session_token(session, "delegate"),
        )
    print(f"built a hall of {members} in {time.perf_counter() - start:.0f} s", flush=True)
    return hall


def _open(engine: Engine, sitting: int, question: str) -> int:
    with transaction(engine) as session:
        org = get_organization(session, SLUG)
        found = polls.open_poll(
            session, org, sitting, question=question, method=PollMethod.ELECTRONIC, actor=ACTOR
        )
        return found.id


def _cast(engine: Engine, poll: int, voters: list[int], choices: tuple[str, ...]) -> None:
    with transaction(engine) as session:
        org = get_organization(session, SLUG)
        for i, voter in enumerate(voters):
            polls.cast_ballot(session, org, poll, voter, choices[i % 7 % 3])


@dataclass(frozen=True)
class Timing:
    path: str
    status: int
    size: int
    times: list[float]

    def p(self, q: float) -> float:
        ordered = sorted(self.times)
        return ordered[int(q * (len(ordered) - 1))]


def _time(client: httpx.Client, path: str, requests: int) -> Timing:
    status = size = 0
    for _ in range(5):  # not timed: caches, connections, compiled templates
        response = client.get(path)
        status, size = response.status_code, len(response.content)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        response.read()
        times.append(time.perf_counter() - start)
        status = response.status_code
    return Timing(path, status, size, times)


def _who(path: str) -> str:
    return "delegate" if path.endswith("/delegate") else "chair"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a smaller hall, fewer requests")
    parser.add_argument("--members", type=int, default=None, help="members of the body (3000)")
    parser.add_argument("--requests", type=int, default=None, help="timed requests a page (200)")
    parser.add_argument("pages", nargs="*", help="paths to time (default: the four pages)")
    args = parser.parse_args()
    members = args.members or (300 if args.quick else 3000)
    requests = args.requests or (30 if args.quick else 200)
    pages = args.pages or PAGES
    rows: list[list[str]] = []
    for name, backend in (("SQLite", sqlite_engine()), ("PostgreSQL", postgresql_engine())):
        with backend as engine:
            if isinstance(engine, str):
                rows.append([name, engine, "", "", "", "", "", ""])
                continue
            hall = _prepare(engine, members)
            url = engine.url.render_as_string(hide_password=False)
            fields = {"slug": SLUG, "body": hall.body, "sitting": hall.sitting, "poll": hall.poll}
            with _server(url, 1) as base:
                clients = {
                    who: httpx.Client(
                        base_url=base,
                        headers={"Accept": "text/html"},
                        cookies={"tauride_session": token},
                        timeout=60,
                    )
                    for who, token in (("chair", hall.chair), ("delegate", hall.delegate))
                }
                try:
                    floor = _time(clients["chair"], FLOOR, requests)
                    timings = [floor] + [
                        _time(clients[_who(p)], p.format(**fields), requests) for p in pages
                    ]
                finally:
                    for client in clients.values():
                        client.close()
            for t in timings:
                rows.append(
                    [
                        name,
                        t.path,
                        str(t.status),
                        fmt_count(t.size),
                        fmt_time(statistics.median(t.times)),
                        fmt_time(t.p(0.95)),
                        fmt_ratio(statistics.median(t.times) / statistics.median(floor.times)),
                        fmt_ratio(t.p(0.95) / floor.p(0.95)),
                    ]
                )
                print(f"{name} {t.path}: p95 {fmt_time(t.p(0.95))}", flush=True)
    print_table(
        f"Pages of a {members:,}-member body: {requests} requests each, one at a time",
        ["database", "page", "status", "bytes", "p50", "p95", "p50 / healthz", "p95 / healthz"],
        rows,
        left=(0, 1),
    )


if __name__ == "__main__":
    main()
