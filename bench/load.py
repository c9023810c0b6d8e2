"""Load: ballots cast over HTTP against `tauride serve`, on SQLite and PostgreSQL, 1 and 2 workers.

Run ``python bench/load.py [--quick]`` from the repository root. For each database and
worker count the benchmark starts `tauride serve --workers N` on 127.0.0.1, and a load
client — asyncio with one HTTP/1.1 connection per simulated delegate — casts ballots the
way delegates' phones do: `POST /api/v1/organizations/{slug}/polls/{id}/ballots` with the
delegate's bearer token, every delegate of the Petrograd plenary (85) at once, one poll
after another. Setting up (organization, accounts, the sitting, opening and closing each
poll) goes through the services directly and is not timed; only the casts are. Nothing
leaves 127.0.0.1, and the server is stopped at the end of each run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import Engine

from database_bench import postgresql_engine, sqlite_engine
from measure import fmt_count, fmt_rate, fmt_time, print_table
from tauride.db.engine import transaction
from tauride.domain.polls import PollMethod
from tauride.domain.sittings import SittingState
from tauride.services import accounts, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder
from tauride.services.organizations import get_organization

SLUG = "petrograd-1917"
BODY = "plenary"
TAURIDE = str(Path(sys.executable).with_name("tauride"))


@dataclass(frozen=True)
class Floor:
    """A sitting of the plenary with every member present and a bearer token each."""

    sitting: int
    tokens: dict[int, str]


def _prepare(engine: Engine) -> Floor:
    with transaction(engine) as session:
        org = load_folder(session, example_path(SLUG), actor="bench")
        body = get_body(session, org.id, BODY)
        members = [
            m.mandate_id for m in current_memberships(session, body.id) if not m.consultative
        ]
        sitting = sittings.schedule_sitting(
            session, org, BODY, title="Load", scheduled_for=None, actor="bench"
        )
        sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor="bench")
        tokens: dict[int, str] = {}
        for mandate in members:
            name = f"deputy-{mandate}"
            accounts.create_account(session, name, name)
            accounts.grant_role(session, org, name, "delegate", mandate_id=mandate, actor="bench")
            sittings.check_in(session, org, sitting.id, mandate, actor="bench")
            code = accounts.issue_login_code(session, name)
            tokens[mandate] = accounts.login_with_code(session, code, kind="bearer", hours=2).token
        return Floor(sitting.id, tokens)


def _open_poll(engine: Engine, sitting: int, n: int) -> int:
    with transaction(engine) as session:
        org = get_organization(session, SLUG)
        poll = polls.open_poll(
            session,
            org,
            sitting,
            question=f"Question {n}",
            method=PollMethod.ELECTRONIC,
            actor="bench",
        )
        return poll.id


def _close_poll(engine: Engine, poll: int) -> None:
    with transaction(engine) as session:
        polls.close_poll(session, get_organization(session, SLUG), poll, actor="bench")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _server(url: str, workers: int) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "TAURIDE_DATABASE_URL": url,
        "TAURIDE_CAST_RATE_PER_MINUTE": "1000000",
        "TAURIDE_LOG_LEVEL": "WARNING",
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 — read back if the server fails
    process = subprocess.Popen(  # noqa: S603 — our own executable, fixed arguments
        [TAURIDE, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                log.seek(0)
                tail = log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"the server did not become ready:\n{tail}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


async def _cast_round(
    clients: dict[int, httpx.AsyncClient], poll: int, latencies: list[float]
) -> int:
    async def one(mandate: int, client: httpx.AsyncClient) -> int:
        start = time.perf_counter()
        response = await client.post(
            f"/api/v1/organizations/{SLUG}/polls/{poll}/ballots",
            json={"mandate": mandate, "choice": "yes" if mandate % 3 else "no"},
        )
        latencies.append(time.perf_counter() - start)
        return 0 if response.status_code == 201 else 1

    errors = await asyncio.gather(*(one(m, c) for m, c in clients.items()))
    return sum(errors)


@dataclass(frozen=True)
class Result:
    casts: int
    errors: int
    seconds: float
    latencies: list[float]


def _measure(engine: Engine, base: str, floor: Floor, rounds: int) -> Result:
    latencies: list[float] = []
    errors = 0
    spent = 0.0

    async def run() -> None:
        nonlocal errors, spent
        clients = {
            m: httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {t}"})
            for m, t in floor.tokens.items()
        }
        try:
            for n in range(rounds):
                poll = _open_poll(engine, floor.sitting, n)
                start = time.perf_counter()
                errors += await _cast_round(clients, poll, latencies)
                spent += time.perf_counter() - start
                _close_poll(engine, poll)
        finally:
            for client in clients.values():
                await client.aclose()

    asyncio.run(run())
    return Result(rounds * len(floor.tokens), errors, spent, latencies)


def _backends() -> list[tuple[str, AbstractContextManager[Engine | str]]]:
    return [("SQLite", sqlite_engine()), ("PostgreSQL", postgresql_engine())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (for a smoke run)")
    args = parser.parse_args()
    rounds = 3 if args.quick else 12
    rows: list[list[str]] = []
    for name, backend in _backends():
        with backend as engine:
            if isinstance(engine, str):
                rows.append([name, "-", engine, "", "", "", ""])
                continue
            floor = _prepare(engine)
            url = engine.url.render_as_string(hide_password=False)
            for workers in (1, 2):
                with _server(url, workers) as base:
                    _measure(engine, base, floor, 1)  # warm-up: connections, caches
                    r = _measure(engine, base, floor, rounds)
                ordered = sorted(r.latencies)
                print(
                    f"{name}, {workers} worker(s): {r.casts / r.seconds:,.0f} casts/s", flush=True
                )
                rows.append(
                    [
                        name,
                        str(workers),
                        fmt_count(r.casts),
                        fmt_rate(r.casts / r.seconds),
                        fmt_time(statistics.median(ordered)),
                        fmt_time(ordered[int(0.95 * (len(ordered) - 1))]),
                        fmt_count(r.errors),
                    ]
                )
    print_table(
        f"Casts over HTTP: 85 delegates casting at once, {rounds} polls per run",
        ["database", "workers", "casts", "casts/s", "p50", "p95", "errors"],
        rows,
    )


if __name__ == "__main__":
    main()
