"""`tauride analyze`: how many constituents stand behind a body's seats and a poll's choices."""

from __future__ import annotations

import math
from fractions import Fraction

import typer
from rich.console import Console
from rich.table import Table

from tauride.cli.context import print_json, unit_of_work
from tauride.domain.poll_backing import Backing
from tauride.queries.analytics import BodyRepresentativeness, body_representativeness
from tauride.queries.poll_analytics import PollRepresentativeness, poll_representativeness

app = typer.Typer(
    help="Representativeness: constituents behind polls, malapportionment of bodies.",
    no_args_is_help=True,
)

ORG = typer.Argument(..., help="The organization's slug.")
AS_JSON = typer.Option(False, "--json", help="Print as JSON.")


def _count(value: Fraction | int | None, places: int = 1) -> str:
    """A figure with thousands separators; whole numbers without decimals."""
    if value is None:
        return "—"
    if isinstance(value, int) or value.denominator == 1:
        return f"{int(value):,}"
    # Rounded half up from the exact value: 541.25 shows as 541.3, as a reader expects.
    scaled = math.floor(value * 10**places + Fraction(1, 2))
    whole, part = divmod(scaled, 10**places)
    return f"{whole:,}.{part:0{places}d}"


def _percent(value: Fraction | float | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


@app.command("body")
def body_command(
    organization: str = ORG,
    body: str = typer.Argument(..., help="The body's key, e.g. plenary."),
    constituencies: bool = typer.Option(
        False, "--constituencies", help="List every constituency, not only the kinds."
    ),
    as_json: bool = AS_JSON,
) -> None:
    """Show how a body's seats are shared against the constituents behind them."""
    with unit_of_work() as session:
        report = body_representativeness(session, organization, body)
    if as_json:
        print_json(report.as_dict())
    else:
        print_body(report, constituencies=constituencies)


def print_body(report: BodyRepresentativeness, *, constituencies: bool = False) -> None:
    """Print a body's malapportionment: kinds (or constituencies), then the indices."""
    m = report.measures
    console = Console()
    console.print(
        f"[bold]{report.name}[/bold] ({report.body}): {m.seats} voting seats "
        f"for {m.size:,} constituents"
    )
    table = Table(title="By constituency" if constituencies else "By kind of constituency")
    columns = ["constituency"] if constituencies else ["kind", "units"]
    columns += ["constituents", "seats", "per seat", "of constituents", "of seats", "voice"]
    for column in columns:
        table.add_column(column, justify="left" if column in ("kind", "constituency") else "right")
    for line in m.districts if constituencies else m.kinds:
        kind = report.kind_name(line.kind)
        first = [line.name] if constituencies else [f"{kind.name} ({kind.unit})", str(line.units)]
        table.add_row(
            *first,
            f"{line.size:,}",
            str(line.seats),
            _count(line.per_seat),
            _percent(line.population_share),
            _percent(line.seat_share),
            _count(line.voice, 2),
        )
    console.print(table)
    low, high = m.min_per_seat, m.max_per_seat
    console.print(
        f"constituents per seat: mean {_count(m.mean_per_seat)}; "
        f"fewest {_count(low.per_seat)} ({low.name}); most {_count(high.per_seat)} ({high.name}); "
        f"max/min {_count(m.max_min_ratio, 2)}"
    )
    console.print(
        f"Loosemore–Hanby {_percent(m.loosemore_hanby)}, Gallagher {_percent(m.gallagher)} "
        f"(between kinds: {_percent(m.kind_loosemore_hanby)}, "
        f"{_percent(math.sqrt(m.kind_gallagher_squared))})"
    )
    if unrepresented := m.unrepresented:
        console.print(f"without a seat: {', '.join(d.name for d in unrepresented)}")
    if disparity := m.kind_disparity():
        favoured, against = report.kind_name(disparity[0]), report.kind_name(disparity[1])
        console.print(
            f"the voice of one of the {favoured.unit} ({favoured.name}) weighs "
            f"{_count(disparity[2], 2)} times that of one of the {against.unit} ({against.name})"
        )


@app.command("poll")
def poll_command(
    organization: str = ORG,
    poll: int = typer.Argument(..., help="The poll's number."),
    as_json: bool = AS_JSON,
) -> None:
    """Show the constituents behind each choice, abstention and absence of a closed poll."""
    with unit_of_work() as session:
        report = poll_representativeness(session, organization, poll)
    if as_json:
        print_json(report.as_dict())
    else:
        print_poll(report)


def print_poll(report: PollRepresentativeness) -> None:
    """Print a poll's choices in seats and constituents, and its outcome both ways."""
    b = report.backing
    console = Console()
    console.print(
        f"[bold]Poll {report.poll}[/bold] ({report.body}, {report.method}): {report.question}"
    )
    console.print(f"{b.attribution.value}: {b.attribution.note}")
    table = Table()
    for column in ("", "seats", "constituents", "of constituents"):
        table.add_column(column, justify="left" if not column else "right")
    total = b.members.constituents

    def row(label: str, line: Backing) -> None:
        share = (
            Fraction(line.constituents, total) if line.constituents is not None and total else None
        )
        table.add_row(label, str(line.heads), _count(line.constituents), _percent(share))

    for option, line in b.options.items():
        row(option, line)
    table.add_section()
    row("voted", b.voted)
    row("did not vote", b.did_not_vote)
    row("not present", b.not_present)
    row("absent", b.absent)
    row("members", b.members)
    console.print(table)
    for label, outcome in (("by heads", b.by_heads), ("by constituents", b.by_constituents)):
        if outcome is not None:
            console.print(f"{label}: {outcome.reason}")
    if b.differs is True:
        console.print("[bold]the outcome would differ if weighted by constituents[/bold]")
    elif b.differs is False:
        console.print("the outcome would be the same if weighted by constituents")
    elif b.by_heads is not None:
        console.print(
            "the choices are not linked to constituents, so whether weighting by them "
            "would change the outcome cannot be known"
        )
    if report.recorded:
        console.print(f"recorded: {report.recorded.get('reason', '')}")
