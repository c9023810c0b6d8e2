"""`tauride recall`: a constituency's petition against its delegate, and the recall ballot."""

from __future__ import annotations

from typing import Any

import typer

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.cli.errors import fail
from tauride.domain.errors import TaurideError
from tauride.domain.recalls import RecallState
from tauride.services import recalls
from tauride.services.organizations import get_organization

app = typer.Typer(
    help="Recall of a delegate: open a petition, sign it, enter the ballot's counts.",
    no_args_is_help=True,
)

ORG = typer.Argument(..., help="The organization's slug.")
RECALL = typer.Argument(..., help="The recall's number.")
AS_JSON = typer.Option(False, "--json", help="Print the recall's standing as JSON.")


def _print_state(state: dict[str, Any]) -> None:
    print(
        f"recall {state['recall']} against {state['person']} (mandate {state['mandate']}, "
        f"{state['mandate_status']}), {state['constituency']}"
    )
    print(f"state: {state['state']}")
    print(
        f"signatures: {state['count']:,} of {state['needed']:,} needed "
        f"({state['threshold']} of {state['size']:,}); {state['roll']:,} on the roll"
    )
    if state["units"]:
        print(f"units: {', '.join(state['units'])}")
    if state["ballot"] is not None:
        b = state["ballot"]
        print(f"ballot: {b['yes']:,} yes, {b['no']:,} no, {b['abstain']:,} abstaining")


@app.command("open")
def open_command(
    organization: str = ORG,
    mandate: int = typer.Argument(..., help="The delegate's mandate number."),
    as_json: bool = AS_JSON,
) -> None:
    """Open a recall petition against a delegate; the threshold is the constitution's now."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        recall = recalls.open_recall(session, org, mandate, actor=ACTOR)
        state = recalls.recall_state(session, recall.id, org=org)
    if as_json:
        print_json(state)
    else:
        print(
            f"{organization}: recall {state['recall']} opened against {state['person']} "
            f"({state['constituency']}); {state['needed']:,} signatures needed"
        )


@app.command("sign")
def sign_command(
    organization: str = ORG,
    recall: int = RECALL,
    roll_numbers: list[str] = typer.Argument(..., help="Signers' roll numbers, one or more."),
    unit: str | None = typer.Option(
        None, help="The signers' unit, when the delegate's constituency is a group."
    ),
) -> None:
    """Record signatures on a petition: all of them or, if any is refused, none."""
    problems: list[str] = []
    with unit_of_work() as session:
        org = get_organization(session, organization)
        count = 0
        for number in roll_numbers:
            try:
                count = recalls.sign(session, org, recall, number, constituency=unit, actor=ACTOR)
            except TaurideError as exc:
                problems.extend(f"{number}: {p}" for p in exc.problems)
        if problems:
            raise fail([*problems, "no signature recorded"])
        state = recalls.recall_state(session, recall, org=org)
    print(f"{organization}: recall {recall}: {count:,} of {state['needed']:,} signatures")
    if state["state"] == RecallState.BALLOT:
        print("threshold reached: the recall ballot is due")


@app.command("ballot")
def ballot_command(
    organization: str = ORG,
    recall: int = RECALL,
    yes: int = typer.Option(..., min=0, help="Votes to recall the delegate."),
    no: int = typer.Option(..., min=0, help="Votes to keep the delegate."),
    abstain: int = typer.Option(0, min=0, help="Abstentions."),
) -> None:
    """Enter the tellers' counts of the recall ballot; a carried recall ends the mandate."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        carried = recalls.record_ballot(
            session, org, recall, yes=yes, no=no, abstain=abstain, actor=ACTOR
        )
        state = recalls.recall_state(session, recall, org=org)
    outcome = "carried: the mandate ends" if carried else "lost: the delegate stays"
    print(f"{organization}: recall {recall} {outcome} ({state['person']})")


@app.command("show")
def show_command(organization: str = ORG, recall: int = RECALL, as_json: bool = AS_JSON) -> None:
    """Show a petition's signatures counted and needed, its state and ballot."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        state = recalls.recall_state(session, recall, org=org)
    if as_json:
        print_json(state)
    else:
        _print_state(state)
