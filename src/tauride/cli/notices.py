"""`tauride notice`: where an account's notices go, and what notices a sitting has had.

Convocations, report-back digests and sign-in codes are sent from the secretariat's page
of the sitting (`/o/<organization>/sittings/<number>/notices`), by e-mail when
TAURIDE_SMTP_HOST is set, otherwise printed.
"""

from __future__ import annotations

import dataclasses

import typer

from tauride.cli.context import print_json, unit_of_work
from tauride.cli.errors import fail
from tauride.services import convocations, notices

app = typer.Typer(
    help="Notices: accounts' e-mail addresses, notices sent for a sitting.",
    no_args_is_help=True,
)


@app.command("address")
def address_command(
    username: str = typer.Argument(..., help="The account's username."),
    email: str | None = typer.Argument(None, help="The address its notices go to."),
    clear: bool = typer.Option(False, "--clear", help="Remove the address: notices on paper."),
) -> None:
    """Set the e-mail address an account's notices (convocations, codes) go to."""
    if (email is None) == (not clear):
        raise fail("give an address, or --clear to remove it")
    with unit_of_work() as session:
        account = notices.set_email(session, username, None if clear else email)
        shown = account.email
    print(f"{username}: notices go to {shown}" if shown else f"{username}: notices on paper")


@app.command("list")
def list_command(
    organization: str = typer.Argument(..., help="The organization's slug."),
    sitting: int = typer.Argument(..., help="The sitting's number."),
    as_json: bool = typer.Option(False, "--json", help="Print the notices as JSON."),
) -> None:
    """Show the notices of a sitting the journal records: what was sent, refused, printed."""
    with unit_of_work() as session:
        convocations.convocation(session, organization, sitting, members=False)
        lines = notices.notices_of(session, organization, sitting)
    if as_json:
        print_json([dataclasses.asdict(n) for n in lines])
        return
    if not lines:
        print(f"sitting {sitting}: no notice sent or printed")
    for n in lines:
        did = (
            f"{n.printed} printed"
            if n.kind == "notice.printed"
            else f"{n.sent} sent, {n.refused} refused, {n.unreachable} without an address"
        )
        print(f"{n.at}  entry {n.height}  {n.notice}: {did}  ({n.actor})")
