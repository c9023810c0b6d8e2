"""`tauride instruct` and `tauride digest`: what a constituency gives its delegates and what
it hears back — instructions (the imperative mandate) and report-back digests of sittings."""

from __future__ import annotations

import dataclasses
import enum
import re
import sys
from pathlib import Path

import typer

from tauride.cli.context import ACTOR, print_json, unit_of_work, user_errors
from tauride.cli.errors import fail
from tauride.domain.digests import digest_html, digest_markdown, digest_text
from tauride.domain.report_render import report_markdown
from tauride.queries.digests import instructions_report, sitting_digests
from tauride.services import instructions
from tauride.services.organizations import get_organization

app = typer.Typer(
    help="Instructions of constituency meetings to their delegates: give, list.",
    no_args_is_help=True,
)

ORG = typer.Argument(..., help="The organization's slug.")
CONSTITUENCY = typer.Argument(..., help="The constituency's name.")


@app.command("give")
def give(
    organization: str = ORG,
    constituency: str = CONSTITUENCY,
    motion: int | None = typer.Option(None, help="The motion the instruction is on."),
    matter: str | None = typer.Option(
        None, help="Or the matter: every main motion or substitute carrying its key."
    ),
    choice: str = typer.Option(..., help="How to vote: yes, no or abstain."),
    text: str = typer.Option("", help="The meeting's resolution, as worded."),
    given_by: str = typer.Option(
        ..., help="The meeting that gave it: 'general meeting of the works, 10 November'."
    ),
) -> None:
    """Record a constituency meeting's instruction to its delegates; a later one on the same
    motion or matter supersedes it (both are kept)."""
    with unit_of_work() as session:
        org = get_organization(session, organization)
        given = instructions.give_instruction(
            session,
            org,
            constituency,
            motion_id=motion,
            matter=matter,
            choice=choice,
            text=text,
            given_by=given_by,
            actor=ACTOR,
        )
        on = (
            f"motion {given.motion_id}" if given.motion_id is not None else f"matter {given.matter}"
        )
        number = given.id
    print(f"instruction {number}: {constituency} instructs its delegates to vote {choice} on {on}")


@app.command("list")
def list_command(
    organization: str = ORG,
    constituency: str = CONSTITUENCY,
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show a constituency's instructions and, for every poll they applied to, whether each
    delegate kept or breached them, was absent, or voted in secret."""
    with unit_of_work() as session:
        report = instructions_report(session, organization, constituency)
    if as_json:
        data = dataclasses.asdict(report)
        data["breaches"] = report.breaches
        print_json(data)
    else:
        sys.stdout.write(report_markdown(report))


class DigestFormat(enum.StrEnum):
    MD = "md"
    TEXT = "text"
    HTML = "html"


_WRITERS = {
    DigestFormat.MD: digest_markdown,
    DigestFormat.TEXT: digest_text,
    DigestFormat.HTML: digest_html,
}
_EXTENSIONS = {DigestFormat.MD: "md", DigestFormat.TEXT: "txt", DigestFormat.HTML: "html"}


def _file_name(sitting: int, constituency: str, taken: set[str], ext: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", constituency.lower()).strip("-") or "constituency"
    name, n = f"sitting-{sitting}-{stem}.{ext}", 1
    while name in taken:
        n += 1
        name = f"sitting-{sitting}-{stem}-{n}.{ext}"
    taken.add(name)
    return name


def digest_command(
    organization: str = ORG,
    sitting: int = typer.Argument(..., help="The sitting's number."),
    constituency: str | None = typer.Option(
        None, help="One constituency; without it, one file for each with delegates in the body."
    ),
    out: Path | None = typer.Option(
        None,
        help="Write the file(s) into this folder (default: stdout for one constituency, "
        "the current folder for all).",
    ),
    output_format: DigestFormat = typer.Option(
        DigestFormat.MD, "--format", help="Markdown, plain text or an HTML page."
    ),
) -> None:
    """Write the report-back digest of a sitting: decisions, how the constituency's delegates
    voted, their attendance and the instructions they kept or breached."""
    write = _WRITERS[output_format]
    with unit_of_work() as session:
        wanted = [constituency] if constituency is not None else None
        digests = sitting_digests(session, organization, sitting, wanted)
    texts = {name: write(digest) for name, digest in digests.items()}
    if constituency is not None and out is None:
        sys.stdout.write(texts[constituency])
        return
    folder = out or Path()
    if folder.exists() and not folder.is_dir():
        raise fail(f"{folder}: not a folder")
    taken: set[str] = set()
    files = {
        folder / _file_name(sitting, name, taken, _EXTENSIONS[output_format]): text
        for name, text in texts.items()
    }
    with user_errors():
        folder.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    for path in files:
        print(path)
    print(f"{len(files)} digest(s) of sitting {sitting} written to {folder}")
