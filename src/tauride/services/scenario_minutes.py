"""The minutes of a replayed scenario's sittings, and its journal, as files.

Everything written is drawn from the organization's journal alone (the minutes by
`tauride.domain.minutes`), as `tauride minutes` does it, so that the files can be checked
against an export of the chain.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord
from tauride.domain.journal import JournalEntry, export_line
from tauride.domain.minutes import minutes_of
from tauride.domain.minutes_render import minutes_html, minutes_markdown

JOURNAL_FILE = "journal.jsonl"


def chain(session: Session, organization_id: int) -> list[JournalEntry]:
    """The organization's whole chain, in height order."""
    rows = session.scalars(
        select(JournalRecord)
        .where(JournalRecord.organization_id == organization_id)
        .order_by(JournalRecord.height)
    )
    return [row.as_entry() for row in rows]


def minutes_files(
    session: Session, organization_id: int, sittings: tuple[int, ...]
) -> dict[str, str]:
    """Decide the files of a replay: each sitting's minutes in Markdown and HTML, named
    `<sitting>-<body>-<number>.md|.html`, and the journal export `journal.jsonl`."""
    entries = chain(session, organization_id)
    files: dict[str, str] = {}
    for sitting in sittings:
        minutes = minutes_of(entries, sitting)
        stem = f"{minutes.sitting:02d}-{minutes.body}-{minutes.number}"
        files[f"{stem}.md"] = minutes_markdown(minutes)
        files[f"{stem}.html"] = minutes_html(minutes)
    files[JOURNAL_FILE] = "".join(export_line(entry) for entry in entries)
    return files


def write_files(out: Path, files: dict[str, str]) -> list[Path]:
    """Write the files into `out` (created if missing); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write_minutes(
    session: Session, organization_id: int, sittings: tuple[int, ...], out: Path
) -> list[Path]:
    """Write the minutes of the sittings, and the journal export, into `out`."""
    return write_files(out, minutes_files(session, organization_id, sittings))
