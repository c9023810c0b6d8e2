"""`tauride tally`: count a BLT ballot file by any method, as a round table or one JSON object."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from tauride.cli.errors import fail
from tauride.domain.tally.blt import BltError, parse_blt
from tauride.domain.tally.lots import seed_from_bytes
from tauride.domain.tally.methods import METHODS, count
from tauride.domain.tally.records import CountResult, decimal_text

NON_TRANSFERABLE = "non-transferable"


def _read(path: Path) -> bytes:
    """Decide the bytes of the ballot file, or fail with a message that names it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise fail(f"{path}: no such file") from None
    except IsADirectoryError:
        raise fail(f"{path}: is a directory, not a BLT file") from None
    except OSError as error:
        raise fail(f"{path}: cannot be read ({error.strerror})") from None


@contextmanager
def _progress(description: str) -> Iterator[None]:
    """Show a pulsing bar with the elapsed time on stderr while a long step runs.

    Only on a terminal, so that scripts reading stdout or stderr see nothing of it;
    stdout is never touched, so `--json` stays one object.
    """
    if not sys.stderr.isatty():
        yield
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        progress.add_task(description, total=None)
        yield


def tally_command(
    blt_file: Annotated[
        Path,
        typer.Argument(metavar="FILE.blt", help="Ballots in BLT format.", show_default=False),
    ],
    *,
    method: Annotated[
        str | None,
        typer.Option("--method", "-m", help=f"One of: {', '.join(METHODS)}."),
    ] = None,
    seats: Annotated[
        int | None, typer.Option("--seats", help="Seats to fill (default: the file's).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Seed for a lot, if a tie comes to one (default: drawn from the file's bytes).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print only the count as one JSON object.")
    ] = False,
) -> None:
    """Count the ballots in FILE.blt and show every round."""
    problems = []
    if method is None:
        problems.append(f"--method is required (one of: {', '.join(METHODS)})")
    elif method not in METHODS:
        problems.append(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    if seats is not None and seats < 1:
        problems.append(f"--seats must be at least 1, not {seats}")
    if seed is not None and seed < 0:
        problems.append(f"--seed must not be negative, not {seed}")
    if problems:
        raise fail(problems)
    assert method is not None
    raw = _read(blt_file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise fail(f"{blt_file}: not UTF-8 text (byte {error.start})") from None
    try:
        with _progress(f"counting {blt_file.name} by {method}"):
            profile = parse_blt(text, str(blt_file))
            result = count(
                profile,
                method,
                seats=seats,
                seed=seed_from_bytes(raw) if seed is None else seed,
            )
    except BltError as error:
        raise fail(error.problems) from None
    except ValueError as error:
        raise fail(str(error)) from None
    if as_json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        _print_rounds(result, title=profile.title or blt_file.name)


def _places(result: CountResult) -> int | None:
    if result.places is None and result.method == "scottish-stv":
        return 5
    return result.places


def _print_rounds(result: CountResult, *, title: str) -> None:
    """Print the count as result sheets: candidates down, rounds across, decisions below."""
    console = Console()
    places = _places(result)
    names = list(result.rounds[0].totals) if result.rounds else []
    elected_at: dict[str, int] = {}
    excluded_at: dict[str, int] = {}
    for r in result.rounds:
        for decision in r.decisions:
            for name in decision.candidates:
                if decision.action == "elected":
                    elected_at.setdefault(name, r.number)
                elif decision.action == "excluded":
                    excluded_at.setdefault(name, r.number)
    cells = {
        r.number: {
            **{name: decimal_text(v, places) for name, v in r.totals.items()},
            NON_TRANSFERABLE: decimal_text(r.non_transferable, places),
        }
        for r in result.rounds
    }
    label_width = max([len(n) for n in [*names, NON_TRANSFERABLE]] + [10]) + 4
    cell_width = max([len(v) for c in cells.values() for v in c.values()] + [5]) + 3
    per_table = max(1, (console.width - label_width - 4) // cell_width)
    numbers = [r.number for r in result.rounds]
    heading = f"{title}: {result.method}, {result.seats} seat{'s' if result.seats != 1 else ''}"
    if result.quota is not None:
        heading += f", quota {decimal_text(result.quota, places)}"
    for start in range(0, max(len(numbers), 1), per_table):
        chunk = numbers[start : start + per_table]
        table = Table(title=Text(heading) if start == 0 else None, title_justify="left")
        table.add_column("candidate", no_wrap=True)
        for number in chunk:
            table.add_column(f"round {number}", justify="right", no_wrap=True)
        for name in names:
            mark = ""
            if name in elected_at:
                mark = " ✓"
            table.add_row(
                Text(name + mark, style="bold" if mark else ""),
                *[
                    _cell(cells[n][name], n, elected_at.get(name), excluded_at.get(name))
                    for n in chunk
                ],
            )
        table.add_section()
        table.add_row(NON_TRANSFERABLE, *[cells[n][NON_TRANSFERABLE] for n in chunk])
        console.print(table)
    console.print(Text(f"{result.ballots} ballots; elected in order: " + ", ".join(result.elected)))
    for r in result.rounds:
        for decision in r.decisions:
            who = ", ".join(decision.candidates)
            console.print(Text(f"round {r.number}: {decision.action} {who} — {decision.reason}"))
        if r.note:
            console.print(Text(f"round {r.number}: {r.note}", style="dim"))
    if result.tied:
        console.print(Text("tied: " + ", ".join(result.tied)))
    if result.lot_seed is not None:
        console.print(Text(f"a lot was drawn from seed {result.lot_seed}"))


def _cell(value: str, number: int, elected: int | None, excluded: int | None) -> Text:
    """A total, bold from the round the candidate is elected in, dim once excluded."""
    if elected is not None and number >= elected:
        return Text(value, style="bold green")
    if excluded is not None and number > excluded:
        return Text(value, style="dim")
    return Text(value)
