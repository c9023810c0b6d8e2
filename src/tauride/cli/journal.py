"""`tauride journal`: export an organization's chain and verify an export offline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from tauride.cli.context import print_json, read_text, unit_of_work
from tauride.domain.journal import verify_export
from tauride.queries.journal import journal_entries

app = typer.Typer(help="The journal: export, verify.", no_args_is_help=True)


@app.command("export")
def export_command(
    organization: str = typer.Argument(..., help="The organization's slug."),
) -> None:
    """Print the organization's journal as JSON Lines, one entry per line, oldest first."""
    with unit_of_work() as session:
        for entry in journal_entries(session, organization):
            sys.stdout.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")


@app.command("verify")
def verify_command(
    file: Path = typer.Argument(..., help="A journal export (JSON Lines)."),
    expect_head: str | None = typer.Option(
        None, help="The head hash published by the organization; a shorter export fails."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Recompute every hash of an export: exit 0 with the head hash, or 1 at the first bad entry."""
    result = verify_export(read_text(file).splitlines())
    ok, bad_height, reason = result.ok, result.bad_height, result.reason
    if ok and expect_head is not None and result.head_hash != expect_head:
        ok, bad_height = False, result.count + 1
        reason = f"the export ends at head {result.head_hash}, not at the expected {expect_head}"
    if as_json:
        print_json(
            {
                "ok": ok,
                "entries": result.count,
                "head": result.head_hash,
                "bad_height": bad_height,
                "reason": reason,
            }
        )
    elif ok:
        print(f"ok: {result.count} entries, head {result.head_hash}")
    else:
        print(f"height {bad_height}: {reason}", file=sys.stderr)
    if not ok:
        raise typer.Exit(1)
