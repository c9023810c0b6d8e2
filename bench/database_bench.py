"""Database: journal appends, one per committed transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from journal_bench import make_payloads
from measure import Settings, fmt_count, fmt_rate, fmt_ratio, fmt_time, print_table
from tauride.db.engine import build_engine, normalize_url, session_factory
from tauride.db.migrate import upgrade
from tauride.db.models import JournalRecord, Organization
from tauride.domain.journal import verify_chain
from tauride.queries.journal import journal_entries
from tauride.services.journal import append

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
THREADS = 4

Factory = sessionmaker[Session]


@dataclass(frozen=True)
class Scale:
    """How many appends each measured run makes."""

    serial: int
    per_thread: int
    repeats: int

    @property
    def concurrent(self) -> int:
        return THREADS * self.per_thread


def _new_organization(factory: Factory) -> tuple[int, str]:
    slug = f"bench-{secrets.token_hex(6)}"
    with factory() as session, session.begin():
        org = Organization(slug=slug, name=f"Benchmark {slug}", commitment_salt="00" * 32)
        session.add(org)
        session.flush()
        return org.id, slug


def _append_all(factory: Factory, org_id: int, payloads: Sequence[dict[str, object]]) -> None:
    with factory() as session:
        for payload in payloads:
            with session.begin():
                append(session, org_id, actor="secretary", kind="mandate.ended", payload=payload)


def _serial(factory: Factory, payloads: Sequence[dict[str, object]]) -> tuple[float, int, str]:
    org_id, slug = _new_organization(factory)
    start = time.perf_counter()
    _append_all(factory, org_id, payloads)
    return time.perf_counter() - start, org_id, slug


def _concurrent(factory: Factory, payloads: Sequence[dict[str, object]]) -> tuple[float, int, str]:
    """Appends from THREADS threads at once, each with its own session, all released together."""
    org_id, slug = _new_organization(factory)
    barrier = threading.Barrier(THREADS + 1)
    errors: list[BaseException] = []

    def worker(chunk: Sequence[dict[str, object]]) -> None:
        try:
            barrier.wait(timeout=60)
            _append_all(factory, org_id, chunk)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(payloads[i::THREADS],), name=f"appender-{i}")
        for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed, org_id, slug


def check_chain(factory: Factory, org_id: int, slug: str, n: int, where: str) -> None:
    """Stop the run (exit 1) unless the chain holds heights 1..n and verifies."""
    with factory() as session:
        heights = list(
            session.scalars(
                select(JournalRecord.height)
                .where(JournalRecord.organization_id == org_id)
                .order_by(JournalRecord.height)
            )
        )
        result = verify_chain(entry.to_dict() for entry in journal_entries(session, slug))
    if heights != list(range(1, n + 1)):
        missing = sorted(set(range(1, n + 1)) - set(heights))[:5]
        raise SystemExit(
            f"FAIL {where}: {len(heights)} heights stored, {n} expected; missing {missing}"
        )
    if not result.ok or result.count != n:
        raise SystemExit(f"FAIL {where}: chain does not verify: {result.summary()}")


MODES = ("serial", "concurrent")
Run = Callable[[Factory, Sequence[dict[str, object]]], tuple[float, int, str]]
_RUNS: dict[str, Run] = {"serial": _serial, "concurrent": _concurrent}


def measure_engines(
    engines: dict[str, Engine], scale: Scale, seed: int
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Median seconds per database and mode, and the median paired PostgreSQL/SQLite ratio.

    Runs alternate between the databases (each repetition: serial on each, then concurrent
    on each), every run on a fresh organization whose chain is checked at once; a
    repetition's ratio compares two runs made seconds apart.
    """
    factories = {name: session_factory(engine) for name, engine in engines.items()}
    payloads = {
        "serial": make_payloads(scale.serial, seed),
        "concurrent": make_payloads(scale.concurrent, seed + 1),
    }
    for factory in factories.values():
        _serial(factory, payloads["serial"][: min(50, scale.serial)])  # warm-up: pool, caches
    times: dict[str, dict[str, list[float]]] = {
        name: {mode: [] for mode in MODES} for name in engines
    }
    for _ in range(scale.repeats):
        for mode in MODES:
            for name, factory in factories.items():
                elapsed, org_id, slug = _RUNS[mode](factory, payloads[mode])
                check_chain(factory, org_id, slug, len(payloads[mode]), f"{name} {mode}")
                times[name][mode].append(elapsed)
    medians = {
        name: {mode: statistics.median(samples) for mode, samples in by_mode.items()}
        for name, by_mode in times.items()
    }
    ratios: dict[str, float] = {}
    if "PostgreSQL" in times:
        for mode in MODES:
            pairs = zip(times["SQLite"][mode], times["PostgreSQL"][mode], strict=True)
            ratios[mode] = statistics.median(lite / pg for lite, pg in pairs)
    return medians, ratios


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    """A migrated SQLite file in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="tauride-bench-") as folder:
        engine = build_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def _first_line(exc: BaseException) -> str:
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


@contextmanager
def postgresql_engine() -> Iterator[Engine | str]:
    """A migrated database of the benchmark's own, dropped in any case; or why there is none."""
    admin_url = normalize_url(os.environ.get("TAURIDE_BENCH_DATABASE_URL", DEFAULT_ADMIN_URL))
    admin = create_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    name = f"tauride_bench_{secrets.token_hex(4)}"
    try:
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except DBAPIError as exc:
            yield f"skipped: {_first_line(exc)}"
            return
        try:
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            engine = build_engine(url)
            try:
                upgrade(engine)
                yield engine
            finally:
                engine.dispose()
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _rows(name: str, medians: dict[str, float], scale: Scale) -> list[list[str]]:
    modes = [
        ("serial, 1 thread", scale.serial, medians["serial"]),
        (f"{THREADS} threads × {scale.per_thread}", scale.concurrent, medians["concurrent"]),
    ]
    return [
        [name, mode, fmt_count(n), fmt_time(seconds), fmt_rate(n / seconds), "chain ok"]
        for mode, n, seconds in modes
    ]


def run(settings: Settings) -> None:
    """Measure appends on both databases and print them with the PostgreSQL/SQLite ratio."""
    scale = (
        Scale(serial=50, per_thread=25, repeats=settings.repeats)
        if settings.quick
        else Scale(serial=500, per_thread=250, repeats=3)  # keeps the full run near 1 minute
    )
    with sqlite_engine() as lite, postgresql_engine() as postgres:
        engines = {"SQLite": lite}
        if isinstance(postgres, Engine):
            engines["PostgreSQL"] = postgres
        medians, ratios = measure_engines(engines, scale, settings.seed)
    rows = _rows("SQLite", medians["SQLite"], scale)
    ratio_label = "PostgreSQL / SQLite"
    if isinstance(postgres, str):
        rows += [["PostgreSQL", "", "", "", "", postgres], [ratio_label, "", "", "", "", postgres]]
    else:
        rows += _rows("PostgreSQL", medians["PostgreSQL"], scale)
        rows += [
            [ratio_label, "serial", "", "", fmt_ratio(ratios["serial"]), ""],
            [ratio_label, "threads", "", "", fmt_ratio(ratios["concurrent"]), ""],
        ]
    print_table(
        "4. Database — journal appends, one per committed transaction,"
        f" median of {scale.repeats} runs",
        ["database", "mode", "appends", "time", "appends/s", "check"],
        rows,
        [
            "Each run appends through tauride.services.journal.append to a fresh organization,"
            " and its chain is",
            "checked right after: heights 1..N without a gap, verify_chain ok. Runs alternate"
            " between the databases;",
            "the ratio rows give PostgreSQL's appends/s over SQLite's, the median of paired"
            " runs (above 1: PostgreSQL is faster).",
        ],
        left=(0, 5),
    )
