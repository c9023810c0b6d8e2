"""`tauride poll`: open, cast, count hands, close, and prove a ballot's inclusion."""

from __future__ import annotations

import typer

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.cli.errors import fail
from tauride.domain.polls import YES_NO_ABSTAIN, PollMethod
from tauride.services import motions, polls, seals
from tauride.services.organizations import get_organization

app = typer.Typer(help="Polls: open, cast, hands, close, proof.", no_args_is_help=True)

ORG = typer.Argument(..., help="The organization's slug.")
POLL = typer.Argument(..., help="The poll's number.")


@app.command("open")
def open_command(
    organization: str = ORG,
    sitting: int = typer.Argument(..., help="The sitting's number."),
    question: str = typer.Option(..., help="The question put."),
    method: PollMethod = typer.Option(PollMethod.ELECTRONIC, help="How the body votes."),
    options: str = typer.Option(",".join(YES_NO_ABSTAIN), help="Options, comma-separated."),
    allow_change: bool = typer.Option(False, help="Voters may change their ballot until close."),
) -> None:
    """Open a poll on a question (not tied to a motion) on the members present."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        poll = polls.open_poll(
            session,
            org,
            sitting,
            question=question,
            method=method,
            options=options.split(","),
            allow_change=allow_change,
            actor=ACTOR,
        )
        entitled = poll.rule["present"]
    print(f"poll {poll.id} open: {entitled} entitled to vote")


@app.command("cast")
def cast(
    organization: str = ORG,
    poll: int = POLL,
    mandate: int = typer.Argument(..., help="The voter's mandate number."),
    choice: str = typer.Argument("", help="yes, no, abstain or an option (not in elections)."),
    rank: list[str] | None = typer.Option(
        None, help="In an election: a candidate, most preferred first; repeat the option."
    ),
    receipt: str | None = typer.Option(None, help="To change a secret ballot: its receipt."),
) -> None:
    """Cast a ballot; prints the voter's receipt."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        token = polls.cast_ballot(
            session, org, poll, mandate, choice, receipt=receipt, ranking=rank
        )
    print(f"receipt {token}")


@app.command("hands")
def hands(
    organization: str = ORG,
    poll: int = POLL,
    counts: list[str] = typer.Argument(..., help="option=count pairs, e.g. yes=40 no=12."),
) -> None:
    """Enter the tellers' counts of a show of hands."""
    parsed: dict[str, int] = {}
    for pair in counts:
        option, _, number = pair.partition("=")
        if not number.strip().isdigit():
            raise fail(f"counts: '{pair}' is not option=count")
        parsed[option.strip()] = int(number)
    with unit_of_work() as session:
        org = get_organization(session, organization)
        polls.enter_hand_counts(session, org, poll, parsed, actor=ACTOR)
    print(f"poll {poll}: counts entered")


@app.command("close")
def close(
    organization: str = ORG,
    poll: int = POLL,
    casting_vote: str | None = typer.Option(
        None, help="The chair's casting vote on a tie: yes, no, or an option."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Close a poll: count, decide, seal the ballots, and record the motion's fate."""
    vote: bool | str | None = casting_vote
    if casting_vote in ("yes", "no"):
        vote = casting_vote == "yes"
    with unit_of_work() as session:
        org = get_organization(session, organization)
        motions.close_vote(session, org, poll, casting_vote=vote, actor=ACTOR)
        outcome = polls.get_poll(session, org, poll).outcome or {}
        root = polls.get_poll(session, org, poll).merkle_root
    if as_json:
        print_json({"poll": poll, "outcome": outcome, "merkle_root": root})
    else:
        print(f"poll {poll}: {outcome['reason']}; sealed, root {root}")


@app.command("proof")
def proof(
    organization: str = ORG,
    poll: int = POLL,
    receipt: str = typer.Argument(..., help="The receipt the voter was given."),
) -> None:
    """Print the inclusion proof of the ballot with this receipt (JSON)."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        print_json(seals.inclusion_proof(session, org, poll, receipt))
