"""Live updates: how long an act takes to reach 500 open pages, on SQLite and PostgreSQL.

Run ``python bench/sse.py [--quick] [--clients N] [--acts N]`` from the repository root.
For each database and worker count the benchmark starts `tauride serve --workers N` on
127.0.0.1 and opens N event streams (`GET /o/{slug}/events?sitting=ID`, 500 by default)
from one asyncio process with plain sockets, the way 500 open pages hold theirs. Then the
chair does one act at a time through the API (an agenda item added to the sitting), and
the figure is the time from sending the act to the moment the last of the streams has
received its event; also the first stream's, and the act's own answer. With two workers
the streams are spread over both processes, so that half of them hear the act from the
other process: through PostgreSQL's NOTIFY, or on SQLite from the journal's head, looked
at once a second. Nothing leaves 127.0.0.1, and the server is stopped at the end of each
run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field

import httpx2 as httpx
from sqlalchemy import Engine

from database_bench import postgresql_engine, sqlite_engine
from load import _server
from measure import fmt_time, print_table
from tauride.db.engine import transaction
from tauride.domain.sittings import SittingState
from tauride.services import accounts, sittings
from tauride.services.examples import example_path, load_folder

SLUG = "petrograd-1917"


def _prepare(engine: Engine) -> tuple[int, str]:
    """The example, an open sitting of its plenary, and the chair's bearer token."""
    with transaction(engine) as session:
        org = load_folder(session, example_path(SLUG), actor="bench")
        sitting = sittings.schedule_sitting(
            session, org, "plenary", title="Live", scheduled_for=None, actor="bench"
        )
        sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="bench")
        accounts.create_account(session, "bench-chair", "Chair")
        accounts.grant_role(session, org, "bench-chair", "chair", actor="bench")
        code = accounts.issue_login_code(session, "bench-chair")
        token = accounts.login_with_code(session, code, kind="bearer", hours=2).token
        return sitting.id, token


@dataclass
class Page:
    """One open stream: when it received each height."""

    received: dict[int, float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: dict[int, asyncio.Event] = field(default_factory=dict)


async def _page(host: str, port: int, path: str, page: Page) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
    writer.write(request.encode())
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"the stream was refused: {status!r}")
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"id: "):
                height = int(line[4:])
                page.received[height] = time.perf_counter()
                page.ready.set()
                found = page.waiting.get(height)
                if found is not None:
                    found.set()
    finally:
        writer.close()


@dataclass(frozen=True)
class Run:
    last: list[float]
    first: list[float]
    answer: list[float]


async def _measure(base: str, sitting: int, token: str, clients: int, acts: int) -> Run:
    host, port = base.removeprefix("http://").split(":")
    path = f"/o/{SLUG}/events?sitting={sitting}"
    pages = [Page() for _ in range(clients)]
    tasks = []
    for n, page in enumerate(pages):
        tasks.append(asyncio.create_task(_page(host, int(port), path, page)))
        if n % 50 == 49:
            await asyncio.sleep(0.05)  # a hall's pages open over a moment, not at once
    await asyncio.wait_for(asyncio.gather(*(p.ready.wait() for p in pages)), 60)
    head = max(max(p.received) for p in pages)
    last: list[float] = []
    first: list[float] = []
    answer: list[float] = []
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as chair:
        for n in range(acts + 1):
            start = time.perf_counter()
            response = await chair.post(
                f"/api/v1/organizations/{SLUG}/sittings/{sitting}/agenda",
                json={"title": f"Item {n}"},
            )
            answered = time.perf_counter()
            if response.status_code != 201:
                raise RuntimeError(f"the act was refused: {response.text}")
            height = head + n + 1  # each act journals one entry
            for page in pages:
                if height not in page.received:
                    page.waiting[height] = asyncio.Event()
            await asyncio.wait_for(
                asyncio.gather(*(p.waiting[height].wait() for p in pages if height in p.waiting)),
                30,
            )
            times = [p.received[height] - start for p in pages]
            if n > 0:  # the first act warms the server up
                last.append(max(times))
                first.append(min(times))
                answer.append(answered - start)
            await asyncio.sleep(0.2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return Run(last, first, answer)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer clients and acts")
    parser.add_argument("--clients", type=int, default=None, help="open streams (500)")
    parser.add_argument("--acts", type=int, default=None, help="acts timed per run (10)")
    parser.add_argument("--workers", default="1,2", help="worker counts to run (1,2)")
    args = parser.parse_args()
    clients = args.clients or (50 if args.quick else 500)
    acts = args.acts or (3 if args.quick else 10)
    rows: list[list[str]] = []
    for name, backend in (("SQLite", sqlite_engine()), ("PostgreSQL", postgresql_engine())):
        with backend as engine:
            if isinstance(engine, str):
                rows.append([name, "-", engine, "", "", "", "", ""])
                continue
            sitting, token = _prepare(engine)
            url = engine.url.render_as_string(hide_password=False)
            for workers in [int(w) for w in args.workers.split(",")]:
                with _server(url, workers) as base:
                    run = asyncio.run(_measure(base, sitting, token, clients, acts))
                print(
                    f"{name}, {workers} worker(s): all {clients} streams in "
                    f"{fmt_time(statistics.median(run.last))} (median)",
                    flush=True,
                )
                rows.append(
                    [
                        name,
                        str(workers),
                        fmt_time(statistics.median(run.answer)),
                        fmt_time(statistics.median(run.first)),
                        fmt_time(statistics.median(run.last)),
                        fmt_time(_p95(run.last)),
                        fmt_time(max(run.last)),
                        str(len(run.last)),
                    ]
                )
    print_table(
        f"An act reaching {clients} open event streams (time from sending the act)",
        ["database", "workers", "act answered", "first stream", "all: p50", "p95", "max", "acts"],
        rows,
    )


if __name__ == "__main__":
    main()
