"""`tauride init` and `tauride org`: found organizations and read what they consist of."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from tauride.cli.context import ACTOR, print_json, read_text, unit_of_work
from tauride.cli.errors import fail
from tauride.queries.organizations import (
    OrganizationSummary,
    body_members,
    list_organizations,
    organization_summary,
)
from tauride.services.examples import example_names, example_path, load_folder
from tauride.services.organizations import check_constitution, get_organization

app = typer.Typer(help="Organizations: list, show, members of a body.", no_args_is_help=True)


def print_summary(s: OrganizationSummary) -> None:
    """Print an organization's summary as tables."""
    console = Console()
    console.print(
        f"[bold]{s.name}[/bold] ({s.slug}), constitution version {s.constitution_version}"
    )
    kinds = Table(title="Constituencies")
    for column in ("kind", "units", "size", "seats", "consultative"):
        kinds.add_column(column, justify="left" if column == "kind" else "right")
    for k in s.kinds:
        kinds.add_row(
            f"{k.name} ({k.unit})",
            str(k.units),
            f"{k.size:,}",
            str(k.seats),
            str(k.consultative_seats),
        )
    console.print(kinds)
    bodies = Table(title="Bodies")
    for column in ("body", "kind", "voting", "consultative", "quorum"):
        bodies.add_column(column, justify="left" if column in ("body", "kind") else "right")
    for b in s.bodies:
        bodies.add_row(
            f"{b.name} ({b.key})",
            b.kind,
            str(b.voting),
            str(b.consultative),
            f"{b.quorum_count} ({b.quorum})",
        )
    console.print(bodies)
    console.print(
        f"mandates: {s.mandates_voting} voting, {s.mandates_consultative} consultative; "
        f"journal: {s.journal_height} entries, head {s.journal_head}"
    )


def init_command(
    example: str | None = typer.Option(None, help="Load a bundled example by name."),
    folder: Path | None = typer.Option(
        None, help="Load a folder holding constitution.toml and CSV files."
    ),
    if_missing: bool = typer.Option(
        False, "--if-missing", help="Do nothing if the organization is already loaded."
    ),
    list_examples: bool = typer.Option(False, "--list", help="List the bundled examples."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Create the database if needed and found an organization from an example or folder."""
    if list_examples:
        for name in example_names():
            print(name)
        return
    if (example is None) == (folder is None):
        raise fail("give exactly one of --example NAME or --folder PATH")
    with unit_of_work(migrate=True) as session:
        path = folder if folder is not None else example_path(str(example))
        if if_missing:
            source = path / "constitution.toml"
            slug = check_constitution(read_text(source), str(source)).organization.slug
            if slug in {s for s, _ in list_organizations(session)}:
                print(f"{slug} is already loaded")
                return
        org = load_folder(session, path, actor=ACTOR)
        summary = organization_summary(session, org.slug)
    if as_json:
        print_json(summary.as_dict())
    else:
        print_summary(summary)


@app.command("list")
def list_command() -> None:
    """List the organizations in the database."""
    with unit_of_work() as session:
        for slug, name in list_organizations(session):
            print(f"{slug}\t{name}")


@app.command("show")
def show_command(
    organization: str = typer.Argument(..., help="The organization's slug."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show an organization: constituencies, seats, mandates, bodies with quorum, journal head."""
    with unit_of_work() as session:
        summary = organization_summary(session, organization)
    if as_json:
        print_json(summary.as_dict())
    else:
        print_summary(summary)


@app.command("members")
def members_command(
    organization: str = typer.Argument(..., help="The organization's slug."),
    body: str = typer.Argument(..., help="The body's key, e.g. plenary."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List who sits in a body now, with constituency, faction and basis of the seat."""
    with unit_of_work() as session:
        get_organization(session, organization)
        members = body_members(session, organization, body)
    if as_json:
        print_json([m.__dict__ for m in members])
        return
    table = Table(title=f"{body}: {len(members)} members")
    for column in ("mandate", "person", "constituency", "faction", "seat", "represents"):
        table.add_column(column)
    for m in members:
        seat = m.basis + (" (consultative)" if m.consultative else "")
        table.add_row(
            str(m.mandate), m.person, m.constituency or "", m.faction or "", seat, str(m.represents)
        )
    Console().print(table)
