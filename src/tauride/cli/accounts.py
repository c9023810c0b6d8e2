"""`tauride account`: accounts, their roles, one-time login codes to hand out."""

from __future__ import annotations

import sys

import typer
from sqlalchemy.orm import Session

from tauride.cli.context import ACTOR, unit_of_work
from tauride.cli.errors import fail
from tauride.db.models import Organization
from tauride.services import accounts
from tauride.services.organizations import get_organization

app = typer.Typer(
    help="Accounts: create, grant roles, issue one-time login codes.", no_args_is_help=True
)

ORG = typer.Argument(..., help="The organization's slug.")
USERNAME = typer.Argument(..., help="The account's username.")
MANDATE = typer.Option(None, help="The mandate a delegate acts through.")
CONSTITUENCY = typer.Option(None, help="A constituent's constituency (with --roll-number).")
ROLL_NUMBER = typer.Option(None, help="A constituent's roll number (with --constituency).")


def _constituent(
    session: Session, org: Organization, constituency: str | None, roll: str | None
) -> int | None:
    if constituency is None and roll is None:
        return None
    if constituency is None or roll is None:
        raise fail("--constituency and --roll-number go together")
    return accounts.find_constituent(session, org, constituency, roll).id


@app.command("create")
def create_command(
    organization: str = ORG,
    username: str = USERNAME,
    role: str = typer.Option(
        ..., help="secretariat, chair, teller, delegate, constituent, observer."
    ),
    name: str = typer.Option("", help="The name shown for the account."),
    mandate: int | None = MANDATE,
    constituency: str | None = CONSTITUENCY,
    roll_number: str | None = ROLL_NUMBER,
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read a password from standard input (else: codes only)."
    ),
) -> None:
    """Create an account with its first role in the organization."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with unit_of_work() as session:
        org = get_organization(session, organization)
        accounts.create_account(session, username, name or username, password=password)
        constituent = _constituent(session, org, constituency, roll_number)
        accounts.grant_role(
            session,
            org,
            username,
            role,
            mandate_id=mandate,
            constituent_id=constituent,
            actor=ACTOR,
        )
    print(f"{organization}: account '{username}' created as {role}")


@app.command("grant")
def grant_command(
    organization: str = ORG,
    username: str = USERNAME,
    role: str = typer.Argument(..., help="The role to give."),
    mandate: int | None = MANDATE,
    constituency: str | None = CONSTITUENCY,
    roll_number: str | None = ROLL_NUMBER,
) -> None:
    """Give an account another role in the organization."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        constituent = _constituent(session, org, constituency, roll_number)
        accounts.grant_role(
            session,
            org,
            username,
            role,
            mandate_id=mandate,
            constituent_id=constituent,
            actor=ACTOR,
        )
    print(f"{organization}: '{username}' is now also {role}")


@app.command("code")
def code_command(
    username: str = USERNAME,
    hours: int = typer.Option(72, min=1, max=24 * 30, help="How long the code stays valid."),
) -> None:
    """Print a one-time login code for the account (shown once, stored only as a hash)."""
    with unit_of_work() as session:
        code = accounts.issue_login_code(session, username, hours=hours)
    print(f"{username}: {code} (valid {hours} h, once)")
