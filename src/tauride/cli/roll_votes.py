"""`tauride vote`: a constituency's secret ballot of its roll, with one-time voting codes."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from tauride.cli.context import ACTOR, print_json, unit_of_work
from tauride.cli.errors import fail
from tauride.services import roll_vote_counts, roll_votes
from tauride.services.organizations import get_organization
from tauride.services.roll_votes import IssuedCode

app = typer.Typer(
    help="Roll votes of a constituency with one-time codes: elect delegates, decide a recall.",
    no_args_is_help=True,
)

ORG = typer.Argument(..., help="The organization's slug.")
VOTE = typer.Argument(..., help="The vote's number.")
AS_JSON = typer.Option(False, "--json", help="Print the vote's standing as JSON.")
SHEET_COLUMNS = ("constituency", "roll_number", "name", "code")


@app.command("open-election")
def open_election(
    organization: str = ORG,
    constituency: str = typer.Argument(..., help="The constituency (or one unit of its group)."),
    candidate: list[str] = typer.Option(
        ..., "--candidate", help="A candidate's name; repeat the option for each."
    ),
    method: str | None = typer.Option(
        None, help="Counting method, one the constitution allows (default: its first)."
    ),
) -> None:
    """Open a vote of the roll on the constituency's vacant seats."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        vote = roll_votes.open_election_vote(
            session, org, constituency, candidates=candidate, method=method, actor=ACTOR
        )
        state = roll_votes.vote_state(session, org, vote.id)
    print(
        f"vote {state['vote']} open: {state['seats']} seat(s) of {state['constituency']}, "
        f"by {state['method']}; candidates: {'; '.join(state['options'])}"
    )
    print(f"issue the codes with: tauride vote codes {organization} {state['vote']} --out FILE")


@app.command("open-recall")
def open_recall(
    organization: str = ORG,
    recall: int = typer.Argument(
        ..., help="The recall's number; its petition reached the threshold."
    ),
) -> None:
    """Hold a recall ballot as a vote of the roll with codes (instead of tellers' counts)."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        vote = roll_votes.open_recall_vote(session, org, recall, actor=ACTOR)
        state = roll_votes.vote_state(session, org, vote.id)
    print(f"vote {state['vote']} open: recall {recall}, {state['constituency']} (yes, no, abstain)")
    print(f"issue the codes with: tauride vote codes {organization} {state['vote']} --out FILE")


def _write_sheet(path: Path, sheet: list[IssuedCode]) -> None:
    """Write the code sheet as CSV, readable by its owner only; never over another file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(SHEET_COLUMNS)
            writer.writerows((line.unit, line.roll_number, line.name, line.code) for line in sheet)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _print_sheet(vote_id: int, sheet: list[IssuedCode]) -> None:
    rows = [(line.unit, line.roll_number, line.name, line.code) for line in sheet]
    headers = tuple(column.replace("_", " ") for column in SHEET_COLUMNS)
    table = Table(title=f"Voting codes of vote {vote_id}: hand out each once", title_justify="left")
    for header in headers:
        table.add_column(header, no_wrap=header != "name")
    for row in rows:
        table.add_row(*row)
    # Never crop a code to fit a narrow terminal: the table is as wide as it needs.
    needed = sum(max(len(r[i]) for r in [headers, *rows]) + 3 for i in range(len(headers))) + 1
    console = Console(markup=False, highlight=False, emoji=False)
    console.width = max(console.width, needed)
    console.print(table)
    print("The codes are not stored and cannot be shown again.")


@app.command("codes")
def codes(
    organization: str = ORG,
    vote: int = VOTE,
    out: Path | None = typer.Option(
        None, "--out", help="Write the code sheet to this new CSV file instead of printing it."
    ),
) -> None:
    """Issue one code to every constituent on the roll, once, and give the code sheet.

    The sheet (constituency, roll number, name, code) is for the secretariat to hand out;
    only the codes' hashes are stored, so it cannot be produced again. If it cannot be
    written, no code is issued.
    """
    written = False
    try:
        with unit_of_work() as session:
            org = get_organization(session, organization)
            sheet = roll_votes.issue_codes(session, org, vote, actor=ACTOR)
            if out is None:
                _print_sheet(vote, sheet)
            else:
                _write_sheet(out, sheet)
                written = True
    except BaseException:
        if written and out is not None:
            out.unlink(missing_ok=True)  # the codes were not issued: the sheet is void
        raise
    if out is not None:
        print(f"vote {vote}: {len(sheet):,} codes written to {out}; they cannot be shown again")


@app.command("cast")
def cast(
    organization: str = ORG,
    vote: int = VOTE,
    code: str = typer.Option(..., help="The voting code (case, spaces and dashes do not matter)."),
    choice: str | None = typer.Option(
        None, help="A recall: yes, no or abstain. An election: the one candidate chosen."
    ),
    rank: list[str] | None = typer.Option(
        None, help="An election: a candidate, most preferred first; repeat the option."
    ),
) -> None:
    """Cast a ballot with a one-time code; prints the ballot's receipt."""
    if choice is not None and rank:
        raise fail("give --choice or --rank, not both")
    with unit_of_work() as session:
        org = get_organization(session, organization)
        receipt = roll_votes.cast_with_code(
            session, org, vote, code, choice=choice, ranking=rank or None
        )
    print(f"receipt {receipt}")


def _print_state(state: dict[str, Any]) -> None:
    what = (
        f"recall {state['recall']}"
        if state["kind"] == "recall"
        else f"election of {state['seats']} seat(s) by {state['method']}"
    )
    print(f"vote {state['vote']}: {what}, {state['constituency']}")
    print(f"state: {state['state']}")
    if state["kind"] == "election":
        print(f"candidates: {'; '.join(state['options'])}")
    print(f"codes: {state['codes_issued']:,} issued, {state['codes_used']:,} used")
    if state["state"] != "closed":
        return
    print(f"sealed: {state['ballots']:,} ballots, root {state['merkle_root']}")
    result = state["result"] or {}
    counts = ", ".join(f"{n or 'blank'} {c:,}" for n, c in result.get("counts", {}).items())
    label = "first preferences" if state["kind"] == "election" else "ballot"
    print(f"{label}: {counts}")
    if "carried" in result:
        print("carried: the mandate ends" if result["carried"] else "lost: the delegate stays")
    if "elected" in result:
        print(f"elected: {', '.join(result['elected']) or 'no one'}")


@app.command("close")
def close(organization: str = ORG, vote: int = VOTE, as_json: bool = AS_JSON) -> None:
    """Close the vote: seal the ballots, count them, seat the winners or decide the recall."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        state = roll_vote_counts.close_vote(session, org, vote, actor=ACTOR)
    if as_json:
        print_json(state)
    else:
        _print_state(state)


@app.command("show")
def show(organization: str = ORG, vote: int = VOTE, as_json: bool = AS_JSON) -> None:
    """Show a vote: its state, codes issued and used, and the result once closed."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        state = roll_votes.vote_state(session, org, vote)
    if as_json:
        print_json(state)
    else:
        _print_state(state)


@app.command("proof")
def proof(
    organization: str = ORG,
    vote: int = VOTE,
    receipt: str = typer.Argument(..., help="The receipt the voter was given."),
) -> None:
    """Print the inclusion proof of the ballot with this receipt (JSON), after the close."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        print_json(roll_vote_counts.inclusion_proof(session, org, vote, receipt))
