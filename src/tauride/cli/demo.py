"""`tauride demo`: a sitting ready to open, and one-time codes to try it from browsers."""

from __future__ import annotations

import typer

from tauride.cli.context import ACTOR, unit_of_work
from tauride.services import demo
from tauride.services.organizations import get_organization

app = typer.Typer(help="Try Tauride: a sitting ready to open and codes to sign in.")


@app.command("prepare")
def prepare_command(
    organization: str = typer.Argument("petrograd-1917", help="The organization's slug."),
    body: str = typer.Option("plenary", help="The body whose sitting is convened."),
    url: str = typer.Option("http://127.0.0.1:8000", help="Where the server answers."),
) -> None:
    """Convene the demo sitting (once) and print fresh one-time login codes."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        ready = demo.prepare(session, org, body_key=body, actor=ACTOR)
    base = f"{url}/o/{organization}/sittings/{ready.sitting_id}"
    print(f"{ready.body_name}: sitting {ready.sitting_id} is ready to open ({ready.quorum_note}).")
    print(f"Sign in at {url}/login with one of these one-time codes (each works once):")
    for person in ready.accounts:
        print(f"  {person.role:<9} {person.name:<28} {person.code}")
    print("Then open:")
    print(f"  chair console   {base}/chair")
    print(f"  delegate screen {base}/delegate")
    print(f"  projector       {base}/projector")
    print("When both delegates check in, the sitting has its quorum.")
