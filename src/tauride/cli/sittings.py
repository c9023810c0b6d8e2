"""`tauride sitting`: convene, open, suspend, resume and close sittings; attendance; agenda."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.queries.sittings import SittingStatus, sitting_status
from tauride.services import sittings
from tauride.services.organizations import get_organization

app = typer.Typer(
    help="Sittings: schedule, open, attendance, agenda, status.", no_args_is_help=True
)

ORG = typer.Argument(..., help="The organization's slug.")
SITTING = typer.Argument(..., help="The sitting's number (as `sitting schedule` printed it).")


@app.command("schedule")
def schedule(
    organization: str = ORG,
    body: str = typer.Argument(..., help="The body's key, e.g. plenary."),
    title: str = typer.Option(..., help="What the sitting is, e.g. 'Sitting of 12 November'."),
    date: str | None = typer.Option(None, help="When it is convened (free text, e.g. 1905-11-12)."),
) -> None:
    """Convene a sitting of a body."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        sitting = sittings.schedule_sitting(
            session, org, body, title=title, scheduled_for=date, actor=ACTOR
        )
        print(f"sitting {sitting.id}: {body} no. {sitting.number}, {sitting.title}")


def _change(organization: str, sitting: int, target: SittingState, done: str) -> None:
    with unit_of_work() as session:
        org = get_organization(session, organization)
        sittings.change_state(session, org, sitting, target, actor=ACTOR)
    print(f"sitting {sitting} {done}")


@app.command("open")
def open_sitting(organization: str = ORG, sitting: int = SITTING) -> None:
    """The chair opens the sitting."""
    _change(organization, sitting, SittingState.OPEN, "opened")


@app.command("suspend")
def suspend(organization: str = ORG, sitting: int = SITTING) -> None:
    """The chair suspends the sitting."""
    _change(organization, sitting, SittingState.SUSPENDED, "suspended")


@app.command("close")
def close(organization: str = ORG, sitting: int = SITTING) -> None:
    """The chair closes the sitting; everyone present is checked out."""
    _change(organization, sitting, SittingState.CLOSED, "closed")


@app.command("resume")
def resume(organization: str = ORG, sitting: int = SITTING) -> None:
    """The chair resumes a suspended sitting."""
    _change(organization, sitting, SittingState.OPEN, "resumed")


@app.command("check-in")
def check_in(
    organization: str = ORG,
    sitting: int = SITTING,
    mandates: list[int] = typer.Argument(..., help="Mandate numbers (see `org members`)."),
) -> None:
    """Record members (or alternates sitting in) as present."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        for mandate in mandates:
            sittings.check_in(session, org, sitting, mandate, actor=ACTOR)
        status = sitting_status(session, organization, sitting)
    print(f"{status.present} of {status.members} present; quorum {status.quorum}")


@app.command("check-out")
def check_out(
    organization: str = ORG,
    sitting: int = SITTING,
    mandates: list[int] = typer.Argument(..., help="Mandate numbers."),
) -> None:
    """Record members as having left."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        for mandate in mandates:
            sittings.check_out(session, org, sitting, mandate, actor=ACTOR)
        status = sitting_status(session, organization, sitting)
    print(f"{status.present} of {status.members} present; quorum {status.quorum}")


@app.command("add-item")
def add_item(
    organization: str = ORG,
    sitting: int = SITTING,
    title: str = typer.Argument(..., help="The item's title."),
    kind: AgendaItemKind = typer.Option(AgendaItemKind.DEBATE, help="What kind of item."),
    minutes: int | None = typer.Option(None, help="Time allotted."),
) -> None:
    """Put an item at the end of the agenda."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        item = sittings.add_agenda_item(
            session, org, sitting, kind=kind, title=title, minutes=minutes, actor=ACTOR
        )
    print(f"item {item.id}: {item.position}. {item.title}")


@app.command("take-up")
def take_up(
    organization: str = ORG, item: int = typer.Argument(..., help="The agenda item's number.")
) -> None:
    """Make an agenda item the current one."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        taken = sittings.take_up_item(session, org, item, actor=ACTOR)
    print(f"now: {taken.title}")


def print_status(s: SittingStatus) -> None:
    """Print a sitting at a glance."""
    console = Console()
    mark = "quorum" if s.has_quorum else "NO QUORUM"
    console.print(
        f"[bold]{s.title}[/bold] — {s.body} no. {s.number}, {s.state}; "
        f"{s.present} of {s.members} present, {s.quorum} needed: {mark}"
    )
    for title, rows, columns in (
        ("Agenda", s.agenda, ("item", "position", "kind", "title", "state")),
        ("Motions", s.motions, ("motion", "kind", "title", "state", "mover")),
        ("Polls", s.polls, ("poll", "question", "method", "state", "voted", "entitled")),
    ):
        if not rows:
            continue
        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*(str(row.get(c) if row.get(c) is not None else "") for c in columns))
        console.print(table)


@app.command("status")
def status(
    organization: str = ORG,
    sitting: int = SITTING,
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show attendance against quorum, the agenda, motions and polls of a sitting."""
    with unit_of_work() as session:
        result = sitting_status(session, organization, sitting)
    if as_json:
        print_json(result.as_dict())
    else:
        print_status(result)
