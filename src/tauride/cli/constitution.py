"""`tauride constitution`: check, show and amend an organization's rules."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from tauride.cli.context import ACTOR, print_json, read_text, unit_of_work
from tauride.cli.errors import fail
from tauride.domain.constitution import (
    Constitution,
    ConstitutionError,
    parse_constitution,
    representation_text,
    share_text,
    summarize_bodies,
)
from tauride.services.amendments import amend

app = typer.Typer(help="The constitution: check, amend.", no_args_is_help=True)


def summary_dict(c: Constitution) -> dict[str, object]:
    """The checked constitution as data: what `check --json` prints."""
    return {
        "organization": {"slug": c.organization.slug, "name": c.organization.name},
        "constituency_kinds": {
            key: {
                "name": kind.name,
                "unit": kind.unit,
                "federation": kind.federation,
                "representation": representation_text(c.representation[key]),
            }
            for key, kind in c.constituency_kinds.items()
        },
        "bodies": [b.__dict__ for b in summarize_bodies(c)],
        "recall_threshold": share_text(c.recall.threshold),
        "proxy": {"allowed": c.proxy.allowed, "cap": c.proxy.cap},
        "election_methods": list(c.elections.methods),
    }


def print_summary(c: Constitution) -> None:
    """Print a readable summary: kinds and their rules, bodies with seats and quorum."""
    console = Console()
    console.print(f"[bold]{c.organization.name}[/bold] ({c.organization.slug})")
    kinds = Table(title="Constituency kinds")
    for column in ("kind", "counts", "representation"):
        kinds.add_column(column)
    for key, kind in c.constituency_kinds.items():
        label = f"{kind.name} ({key})" + (", federation" if kind.federation else "")
        kinds.add_row(label, kind.unit, representation_text(c.representation[key]))
    console.print(kinds)
    bodies = Table(title="Bodies")
    for column in ("body", "kind", "composition", "seats", "quorum", "majority"):
        bodies.add_column(column)
    for b in summarize_bodies(c):
        seats = "by apportionment" if b.fixed_seats is None else str(b.fixed_seats)
        if b.consultative_seats:
            seats += f" + {b.consultative_seats} consultative"
        bodies.add_row(f"{b.name} ({b.key})", b.kind, b.composition, seats, b.quorum, b.majority)
    console.print(bodies)
    console.print(
        f"recall: {share_text(c.recall.threshold)} of the constituency must sign; "
        f"proxies: {'allowed, at most ' + str(c.proxy.cap) if c.proxy.allowed else 'not allowed'}; "
        f"election methods: {', '.join(c.elections.methods)}"
    )


@app.command("check")
def check_command(
    file: Path = typer.Argument(..., help="The constitution, a TOML file."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Validate a constitution: print its summary, or every error with its path (exit 2)."""
    text = read_text(file)
    try:
        constitution = parse_constitution(text)
    except ConstitutionError as exc:
        raise fail(f"{file}: {p}" for p in exc.problems) from None
    if as_json:
        print_json(summary_dict(constitution))
    else:
        print_summary(constitution)


@app.command("amend")
def amend_command(
    organization: str = typer.Argument(..., help="The organization's slug."),
    file: Path = typer.Argument(..., help="The amended constitution, a TOML file."),
    note: str = typer.Option("", help="What the amendment changes and who decided it."),
) -> None:
    """Adopt a new version of an organization's constitution (journaled)."""
    text = read_text(file)
    with unit_of_work() as session:
        version = amend(session, organization, text, source=str(file), actor=ACTOR, note=note)
    print(f"{organization}: constitution version {version} adopted")
