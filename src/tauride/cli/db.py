"""`tauride db`: the database schema."""

from __future__ import annotations

import typer

from tauride.cli.context import engine, settings, user_errors
from tauride.db.migrate import upgrade

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Create the database if needed and bring it to the newest schema."""
    with user_errors():
        eng = engine()
        try:
            upgrade(eng)
        finally:
            eng.dispose()
    print(f"database {settings().database_url} is at the newest schema")
