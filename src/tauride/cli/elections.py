"""`tauride election`: call an election, nominate, open the ranked poll, count it."""

from __future__ import annotations

import typer

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.domain.polls import PollMethod
from tauride.services import elections
from tauride.services.organizations import get_organization

app = typer.Typer(help="Elections by a body: call, nominate, open, count.", no_args_is_help=True)

ORG = typer.Argument(..., help="The organization's slug.")
ELECTION = typer.Argument(..., help="The election's number.")


@app.command("call")
def call(
    organization: str = ORG, body: str = typer.Argument(..., help="The body whose seats to fill.")
) -> None:
    """Open nominations for a body's elected seats (seats and method from the constitution)."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        election = elections.call_election(session, org, body, actor=ACTOR)
        print(f"election {election.id}: {election.seats} seats, {election.method}")


@app.command("nominate")
def nominate(
    organization: str = ORG,
    election: int = ELECTION,
    mandates: list[int] = typer.Argument(..., help="Mandate numbers of the candidates."),
    by: str = typer.Option("the secretariat", help="Who nominates."),
) -> None:
    """Nominate members of the electing body."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        for mandate in mandates:
            candidate = elections.nominate(
                session, org, election, mandate, nominated_by=by, actor=ACTOR
            )
            print(f"nominated: {candidate.name}")


@app.command("withdraw")
def withdraw(
    organization: str = ORG,
    election: int = ELECTION,
    mandate: int = typer.Argument(..., help="The candidate's mandate number."),
) -> None:
    """A candidate withdraws."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        elections.withdraw(session, org, election, mandate, actor=ACTOR)
    print(f"election {election}: mandate {mandate} withdrawn")


@app.command("open")
def open_voting(
    organization: str = ORG,
    election: int = ELECTION,
    sitting: int = typer.Argument(..., help="A sitting of the electing body, open, with quorum."),
    method: PollMethod = typer.Option(PollMethod.SECRET, help="secret, roll-call or electronic."),
) -> None:
    """Close nominations and open the ranked poll; cast with `poll cast … --rank NAME …`."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        poll = elections.open_voting(session, org, election, sitting, method=method, actor=ACTOR)
        print(f"poll {poll.id} open; candidates: {'; '.join(poll.options)}")


@app.command("count")
def count_command(
    organization: str = ORG,
    election: int = ELECTION,
    as_json: bool = typer.Option(False, "--json", help="Print the full count as JSON."),
) -> None:
    """Close the poll, seal and count the ballots, and seat the winners."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        result = elections.count_election(session, org, election, actor=ACTOR)
        record = elections.get_election(session, org, election).result or {}
    if as_json:
        print_json(record)
        return
    print(f"elected ({result.method}): {', '.join(result.elected)}")
    if record.get("alternates"):
        print(f"alternates, in order: {', '.join(record['alternates'])}")
