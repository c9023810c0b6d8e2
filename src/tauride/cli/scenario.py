"""`tauride scenario`: replay a piece of council history from a TOML file, or check one."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from tauride.cli.context import read_text, unit_of_work, user_errors
from tauride.cli.errors import fail
from tauride.db.engine import build_engine, session_factory, transaction
from tauride.db.migrate import upgrade
from tauride.domain.errors import TaurideError
from tauride.domain.scenario import Scenario
from tauride.domain.scenario_checks import parse_scenario
from tauride.services.scenario_minutes import minutes_files, write_files
from tauride.services.scenarios import Replay, replay

app = typer.Typer(
    help="Scenarios: replay a sequence of acts through the services, write the minutes.",
    no_args_is_help=True,
)

FILE = typer.Argument(..., help="The scenario, a TOML file.")


@contextmanager
def _named(file: Path) -> Iterator[None]:
    """Prefix every problem a scenario causes with its file, and exit 2."""
    try:
        yield
    except TaurideError as exc:
        raise fail(f"{file}: {p}" for p in exc.problems) from None


def _read(file: Path) -> Scenario:
    text = read_text(file)
    with _named(file):
        return parse_scenario(text)


@contextmanager
def _database(url: str | None) -> Iterator[Session]:
    """One transaction on the database named (else the configured one), migrated first."""
    if url is None:
        with unit_of_work(migrate=True) as session:
            yield session
        return
    with user_errors():
        try:
            engine = build_engine(url)
        except ArgumentError as exc:
            raise fail(f"--db: {exc}") from None
        try:
            upgrade(engine)
            with transaction(engine) as session:
                yield session
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise fail(f"database {url}: {reason}") from None
        finally:
            engine.dispose()


@app.command("run")
def run_command(
    file: Path = FILE,
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: TAURIDE_DATABASE_URL); created if needed."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the minutes (default: minutes/<organization>)."
    ),
) -> None:
    """Replay a scenario in one transaction, print what each step did, write the minutes."""
    scenario = _read(file)
    with _database(db) as session, _named(file):
        done = replay(session, scenario, base=file.parent)
        files = minutes_files(session, done.organization_id, done.sittings)
    print_replay(done)
    folder = out if out is not None else Path("minutes") / done.slug
    with user_errors():
        written = write_files(folder, files)
    Console().print(f"{len(written)} files written to {folder}: minutes in Markdown and HTML")


@app.command("check")
def check_command(
    file: Path = FILE,
    trial: bool = typer.Option(
        True,
        "--replay/--no-replay",
        help="Also replay it in a scratch SQLite database, thrown away afterwards.",
    ),
) -> None:
    """Check a scenario without writing anywhere: every mistake with its path, exit 2."""
    scenario = _read(file)
    steps = len(scenario.steps)
    if not trial:
        print(f"ok: {file}: {steps} steps")
        return
    with tempfile.TemporaryDirectory(prefix="tauride-scenario-") as folder, _named(file):
        engine = build_engine(f"sqlite:///{Path(folder) / 'check.db'}")
        try:
            upgrade(engine)
            with session_factory(engine)() as session:
                done = replay(session, scenario, base=file.parent)
                session.rollback()
        finally:
            engine.dispose()
    sittings = f"{len(done.sittings)} sitting" + ("" if len(done.sittings) == 1 else "s")
    print(f"ok: {file}: {steps} steps replay, {sittings} (nothing kept)")


def print_replay(done: Replay) -> None:
    """Print the outcome of every step, then what stands at the end."""
    console = Console()
    console.print(f"[bold]{done.title}[/bold]\n{done.organization} ({done.slug})")
    table = Table(show_lines=False)
    for column in ("step", "at (UTC)", "act", "outcome"):
        table.add_column(column, justify="right" if column == "step" else "left")
    for step in done.steps:
        act = step.act + (f"\n{step.label}" if step.label else "")
        lines = "\n".join(step.lines) + (f"\n[italic]{step.note}[/italic]" if step.note else "")
        table.add_row(str(step.index), step.at[:16].replace("T", " "), act, lines)
    console.print(table)
    for matter in done.matters:
        positions = ", ".join(f"{body} {position}" for body, position in matter.positions)
        console.print(f"matter [bold]{matter.key}[/bold]: {positions}")
        if matter.required:
            verdict = "adopted" if matter.adopted else "not adopted: concurrence incomplete"
            console.print(f"  {verdict} (needs {', '.join(matter.required)})")
        for a, b in matter.conflicts:
            console.print(f"  conflict: {a} and {b} decided contrary to each other")
    for p in done.petitions:
        fate = f"answered by {p.answer}" if p.answer else p.state
        if p.state == "submitted":
            fate += ": never put on an agenda, it did not pass through the body"
        console.print(f"petition {p.petition}: {p.kind} '{p.title}' from {p.origin}: {fate}")
    verdict = "verifies" if done.journal_ok else "DOES NOT VERIFY"
    console.print(
        f"journal: {done.journal_entries} entries, chain {verdict}; head {done.journal_head}"
    )
