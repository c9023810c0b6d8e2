"""`tauride minutes` and `tauride record`: the minutes of a sitting and a delegate's votes."""

from __future__ import annotations

import dataclasses
import enum
import sys
from pathlib import Path

import typer

from tauride.cli.context import print_json, unit_of_work, user_errors
from tauride.domain.minutes_render import minutes_html, minutes_markdown, record_markdown
from tauride.domain.report_render import record_instructions_markdown
from tauride.queries.minutes import delegate_record_and_instructions, sitting_minutes


class MinutesFormat(enum.StrEnum):
    MD = "md"
    HTML = "html"


def minutes_command(
    organization: str = typer.Argument(..., help="The organization's slug."),
    sitting: int = typer.Argument(
        ..., help="The sitting's number (as `sitting schedule` printed it)."
    ),
    output_format: MinutesFormat = typer.Option(
        MinutesFormat.MD, "--format", help="Markdown, or a self-contained HTML page."
    ),
    output: Path | None = typer.Option(None, help="Write to this file instead of stdout."),
) -> None:
    """Write the minutes of a sitting, drawn from the journal alone."""
    with unit_of_work() as session:
        minutes = sitting_minutes(session, organization, sitting)
    text = (
        minutes_html(minutes) if output_format is MinutesFormat.HTML else minutes_markdown(minutes)
    )
    if output is None:
        sys.stdout.write(text)
        return
    with user_errors():
        output.write_text(text, encoding="utf-8")
    print(f"minutes of sitting {sitting} written to {output}")


def record_command(
    organization: str = typer.Argument(..., help="The organization's slug."),
    mandate: int = typer.Argument(..., help="The delegate's mandate number."),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """Show how a delegate voted: named votes with the choice, secret ones by participation;
    and where their constituency had instructed them, whether they kept the instruction."""
    with unit_of_work() as session:
        record, instructed = delegate_record_and_instructions(session, organization, mandate)
    if as_json:
        print_json(
            {
                **dataclasses.asdict(record),
                "instructions": [dataclasses.asdict(i) for i in instructed],
            }
        )
    else:
        sys.stdout.write(record_markdown(record))
        if instructed:
            sys.stdout.write("\n" + record_instructions_markdown(instructed))
