"""Scenarios: replaying the seed scenarios, and casting ballots, through the service layer.

Run ``python bench/scenarios.py [--quick]``. Figures are measured in this run, never
asserted. Every replay goes into a fresh database (SQLite in a temporary folder; on
PostgreSQL a database of the benchmark's own, created on TAURIDE_BENCH_DATABASE_URL and
dropped), in one transaction as `tauride scenario run` does it; the time excludes
creating and migrating the database. Casts go through `tauride.services.polls.cast_ballot`
in an open poll of a large body, one committed transaction per cast, as the API would.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select

from database_bench import postgresql_engine, sqlite_engine
from measure import Settings, fmt_count, fmt_rate, fmt_time, print_table
from tauride.db.engine import session_factory, transaction
from tauride.db.polls import Ballot
from tauride.domain.polls import PollMethod
from tauride.domain.scenario_checks import parse_scenario
from tauride.domain.sittings import SittingState
from tauride.services import polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import examples_root, load_folder
from tauride.services.organizations import get_organization
from tauride.services.scenario_minutes import minutes_files
from tauride.services.scenarios import replay

SCENARIOS = {
    "june-1917 (Petrograd)": examples_root() / "petrograd-1917" / "june-1917.toml",
    "november-1905 (St. Petersburg)": examples_root() / "st-petersburg-1905" / "november-1905.toml",
}
ACTOR = "bench"

DATABASES: dict[str, Callable[[], AbstractContextManager[Engine | str]]] = {
    "SQLite": sqlite_engine,
    "PostgreSQL": postgresql_engine,
}


def replay_once(engine: Engine, path: Path) -> tuple[float, float, int, int]:
    """Seconds to replay (committed) and to draw every minute; journal entries; steps."""
    scenario = parse_scenario(path.read_text(encoding="utf-8"))
    start = time.perf_counter()
    with transaction(engine) as session:
        done = replay(session, scenario, base=path.parent)
    replayed = time.perf_counter() - start
    if not done.journal_ok:
        raise SystemExit(f"FAIL {path.name}: the replayed journal does not verify")
    start = time.perf_counter()
    with session_factory(engine)() as session:
        minutes_files(session, done.organization_id, done.sittings)
    return replayed, time.perf_counter() - start, done.journal_entries, len(done.steps)


CONSTITUTION = """\
[organization]
slug = "bench-congress"
name = "Benchmark Congress"

[factions]
left = { name = "Left" }
right = { name = "Right" }

[constituency_kinds.branch]
name = "Branch"
unit = "members"

[representation.branch]
rule = "per-unit"
seats = 1

[bodies.congress]
name = "Congress"
kind = "plenary"
from_kinds = ["branch"]
quorum = "1/2"
majority = { threshold = "more-than-half", base = "cast" }
"""


@contextmanager
def congress_folder(members: int) -> Iterator[Path]:
    """A folder holding a congress of `members` branch delegates, one per branch."""
    with tempfile.TemporaryDirectory(prefix="tauride-congress-") as name:
        folder = Path(name)
        (folder / "constitution.toml").write_text(CONSTITUTION, encoding="utf-8")
        branches = ["name,kind,size"] + [f"Branch {i},branch,{100 + i}" for i in range(members)]
        (folder / "constituencies.csv").write_text("\n".join(branches) + "\n", encoding="utf-8")
        delegates = ["name,constituency,faction"] + [
            f"Delegate {i},Branch {i},{'left' if i % 3 else 'right'}" for i in range(members)
        ]
        (folder / "delegates.csv").write_text("\n".join(delegates) + "\n", encoding="utf-8")
        yield folder


def open_poll_of_congress(engine: Engine, members: int) -> tuple[int, list[int], float]:
    """Load the congress, open a sitting with everyone present and a poll; return the
    poll, its voters and the seconds the setup took (not part of the figure)."""
    start = time.perf_counter()
    with congress_folder(members) as folder, transaction(engine) as session:
        org = load_folder(session, folder, actor=ACTOR)
        body = get_body(session, org.id, "congress")
        sitting = sittings.schedule_sitting(
            session, org, "congress", title="Congress", scheduled_for=None, actor=ACTOR
        )
        sittings.change_state(session, org, sitting.id, SittingState.OPEN, actor=ACTOR)
        voters = [m.mandate_id for m in current_memberships(session, body.id)]
        for mandate_id in voters:
            sittings.check_in(session, org, sitting.id, mandate_id, actor=ACTOR)
        poll = polls.open_poll(
            session,
            org,
            sitting.id,
            question="Adopt the report?",
            method=PollMethod.ELECTRONIC,
            actor=ACTOR,
        )
        poll_id = poll.id
    return poll_id, voters, time.perf_counter() - start


def cast_all(engine: Engine, poll_id: int, voters: list[int]) -> float:
    """Seconds to cast one ballot per voter, each in a committed transaction of its own."""
    factory = session_factory(engine)
    choices = ("yes", "no", "abstain")
    start = time.perf_counter()
    for i, voter in enumerate(voters):
        with factory() as session, session.begin():
            org = get_organization(session, "bench-congress")
            polls.cast_ballot(session, org, poll_id, voter, choices[i % 7 % 3])
    elapsed = time.perf_counter() - start
    with factory() as session:
        cast = session.scalar(select(func.count()).where(Ballot.poll_id == poll_id))
    if cast != len(voters):
        raise SystemExit(f"FAIL casts: {cast} ballots stored, {len(voters)} cast")
    return elapsed


def run(settings: Settings) -> None:
    """Measure replays and casts on both databases and print the two tables."""
    repeats = 1 if settings.quick else 3
    members = 200 if settings.quick else 500
    replays: list[list[str]] = []
    casts: list[list[str]] = []
    for database, make in DATABASES.items():
        for label, path in SCENARIOS.items():
            times, minutes = [], []
            entries = steps = 0
            for _ in range(repeats):
                with make() as engine:
                    if isinstance(engine, str):
                        replays.append([database, label, "", "", "", "", engine])
                        break
                    seconds, drawn, entries, steps = replay_once(engine, path)
                    times.append(seconds)
                    minutes.append(drawn)
            if times:
                median = statistics.median(times)
                replays.append(
                    [
                        database,
                        label,
                        fmt_count(steps),
                        fmt_count(entries),
                        fmt_time(median),
                        fmt_time(statistics.median(minutes)),
                        fmt_rate(entries / median),
                    ]
                )
        with make() as engine:
            if isinstance(engine, str):
                casts.append([database, "", "", "", engine])
                continue
            poll_id, voters, setup = open_poll_of_congress(engine, members)
            elapsed = cast_all(engine, poll_id, voters)
            casts.append(
                [
                    database,
                    fmt_count(len(voters)),
                    fmt_time(elapsed),
                    fmt_rate(len(voters) / elapsed),
                    f"setup {fmt_time(setup)}",
                ]
            )
    print_table(
        f"Scenario replays — fresh database each, one transaction, median of {repeats}",
        ["database", "scenario", "steps", "entries", "replay", "minutes", "entries/s"],
        replays,
        [
            "replay: loading the example and every step, committed; minutes: drawing every"
            " sitting's minutes",
            "(Markdown and HTML) and the journal export from the chain.",
        ],
        left=(0, 1, 6),
    )
    print_table(
        "Casts through polls.cast_ballot — one committed transaction per cast, electronic poll",
        ["database", "casts", "time", "casts/s", "note"],
        casts,
        [
            "A congress of one delegate per branch, all present; each cast looks the"
            " organization up,",
            "takes the poll row in share mode and writes the participation and the ballot.",
        ],
        left=(0, 4),
    )


def main(argv: list[str] | None = None) -> int:
    """Run the scenario benchmarks and print their figures."""
    parser = argparse.ArgumentParser(prog="bench/scenarios.py", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one replay each, a smaller body")
    args = parser.parse_args(argv)
    settings = (
        Settings(quick=True, repeats=1, min_sample=0.005, spread=0.05)
        if args.quick
        else Settings(quick=False, repeats=3, min_sample=0.02, spread=0.5)
    )
    started = time.perf_counter()
    run(settings)
    print(f"\nTotal wall time: {fmt_time(time.perf_counter() - started)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
