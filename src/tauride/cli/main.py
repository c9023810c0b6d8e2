"""The `tauride` command: one sub-command group per context."""

from __future__ import annotations

import typer

from tauride import __version__
from tauride.cli import (
    accounts,
    analyze,
    constitution,
    data,
    db,
    demo,
    elections,
    instructions,
    journal,
    motions,
    notices,
    offices,
    organizations,
    petitions,
    polls,
    recalls,
    roll_votes,
    scenario,
    sittings,
    speakers,
)
from tauride.cli.apportion import apportion_command
from tauride.cli.minutes import minutes_command, record_command
from tauride.cli.power import power_command
from tauride.cli.serve import serve_command
from tauride.cli.tally import tally_command

app = typer.Typer(
    name="tauride",
    help="Council democracy: constituencies, recallable delegates, bodies and their journal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        print(f"tauride {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Tauride command line."""


app.command("init")(organizations.init_command)
app.command("apportion")(apportion_command)
app.command("tally")(tally_command)
app.command("power")(power_command)
app.command("minutes")(minutes_command)
app.command("record")(record_command)
app.command("digest")(instructions.digest_command)
app.command("serve")(serve_command)
app.add_typer(accounts.app, name="account")
app.add_typer(db.app, name="db")
app.add_typer(constitution.app, name="constitution")
app.add_typer(organizations.app, name="org")
app.add_typer(data.constituencies_app, name="constituencies")
app.add_typer(data.roll_app, name="roll")
app.add_typer(data.mandates_app, name="mandates")
app.add_typer(journal.app, name="journal")
app.add_typer(sittings.app, name="sitting")
app.add_typer(speakers.app, name="speakers")
app.add_typer(motions.app, name="motion")
app.add_typer(motions.matters_app, name="matter")
app.add_typer(polls.app, name="poll")
app.add_typer(elections.app, name="election")
app.add_typer(analyze.app, name="analyze")
app.add_typer(petitions.app, name="petition")
app.add_typer(recalls.app, name="recall")
app.add_typer(scenario.app, name="scenario")
app.add_typer(instructions.app, name="instruct")
app.add_typer(offices.app, name="office")
app.add_typer(roll_votes.app, name="vote")
app.add_typer(demo.app, name="demo")
app.add_typer(notices.app, name="notice")


def run() -> None:
    """Entry point of the console script."""
    app()
