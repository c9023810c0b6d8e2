"""`tauride constituencies`, `roll`, `mandates`: import data and end mandates."""

from __future__ import annotations

from pathlib import Path

import typer

from tauride.cli.context import ACTOR, print_json, read_text, unit_of_work
from tauride.cli.errors import fail
from tauride.db.models import MandateStatus
from tauride.services import bodies, constituencies, delegate_elections, mandates
from tauride.services.organizations import get_organization

constituencies_app = typer.Typer(help="Constituencies: import, apportion.", no_args_is_help=True)
roll_app = typer.Typer(help="Rolls of constituents: import.", no_args_is_help=True)
mandates_app = typer.Typer(help="Mandates: import delegates, end a mandate.", no_args_is_help=True)

ORG = typer.Argument(..., help="The organization's slug.")
CSV = typer.Argument(..., help="A CSV file with a header line.")


@constituencies_app.command("import")
def import_constituencies(organization: str = ORG, file: Path = CSV) -> None:
    """Add constituencies (name,kind,size[,group]) and re-apportion the seats."""
    text = read_text(file)
    with unit_of_work() as session:
        org = get_organization(session, organization)
        added = constituencies.import_constituencies(
            session, org, text, source=str(file), actor=ACTOR
        )
        seats = constituencies.apportion_seats(session, org, actor=ACTOR)
        bodies.recompose(session, org, actor=ACTOR)
    print(f"{organization}: {len(added)} constituencies added; {sum(seats.values())} seats in all")


@constituencies_app.command("apportion")
def apportion_constituencies(organization: str = ORG) -> None:
    """Recompute every constituency's seats under the constitution in force."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        seats = constituencies.apportion_seats(session, org, actor=ACTOR)
        bodies.recompose(session, org, actor=ACTOR)
    for name, count in seats.items():
        print(f"{count}\t{name}")


@roll_app.command("import")
def import_roll(organization: str = ORG, file: Path = CSV) -> None:
    """Add constituents to rolls (constituency,roll_number,name[,contact])."""
    text = read_text(file)
    with unit_of_work() as session:
        org = get_organization(session, organization)
        count = constituencies.import_roll(session, org, text, source=str(file), actor=ACTOR)
    print(f"{organization}: {count} constituents added to the rolls")


@mandates_app.command("import")
def import_mandates(organization: str = ORG, file: Path = CSV) -> None:
    """Create delegates' mandates from CSV.

    Columns: name,constituency,faction and optionally alternate_for,term_start,term_end.
    """
    text = read_text(file)
    with unit_of_work() as session:
        org = get_organization(session, organization)
        created = mandates.import_delegates(session, org, text, source=str(file), actor=ACTOR)
        bodies.recompose(session, org, actor=ACTOR)
    print(f"{organization}: {len(created)} mandates created")


@mandates_app.command("end")
def end_mandate(
    organization: str = ORG,
    mandate: int = typer.Argument(..., help="The mandate's number."),
    status: MandateStatus = typer.Option(..., help="recalled, resigned or expired."),
    reason: str = typer.Option("", help="Why, for the record."),
) -> None:
    """End a mandate; the delegate leaves every body the mandate sat in."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        mandates.end_mandate(session, org, mandate, status=status, reason=reason, actor=ACTOR)
        bodies.recompose(session, org, actor=ACTOR)
    print(f"{organization}: mandate {mandate} {status.value}")


@constituencies_app.command("elect")
def elect(
    organization: str = ORG,
    constituency: str = typer.Argument(..., help="The constituency (or one unit of its group)."),
    blt: Path | None = typer.Option(None, help="The constituency's ballots, a BLT file."),
    method: str = typer.Option("scottish-stv", help="Counting method for --blt."),
    counts: str | None = typer.Option(
        None, help="Tellers' counts instead: 'Name=votes;Name=votes' (plurality)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the count as JSON."),
) -> None:
    """Fill a constituency's vacant seats (a general or by-election) and create the mandates."""
    if (blt is None) == (counts is None):
        raise fail("give exactly one of --blt FILE or --counts 'Name=votes;…'")
    parsed: dict[str, int] = {}
    for pair in (counts or "").split(";"):
        if not pair.strip():
            continue
        name, _, votes = pair.rpartition("=")
        if not name.strip() or not votes.strip().isdigit():
            raise fail(f"--counts: '{pair}' is not Name=votes")
        parsed[name.strip()] = int(votes)
    text = read_text(blt) if blt is not None else ""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        if blt is not None:
            result = delegate_elections.elect_from_ballots(
                session, org, constituency, text, source=str(blt), method=method, actor=ACTOR
            )
        else:
            result = delegate_elections.elect_by_counts(
                session, org, constituency, parsed, actor=ACTOR
            )
    if as_json:
        print_json(result.as_json())
    else:
        print(f"{constituency}: elected {', '.join(result.elected)}")
