"""`tauride apportion`: seats per constituency from a CSV of sizes, by house size or by ratio."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tauride.cli.errors import UserError, fail
from tauride.domain.apportionment import (
    ALIASES,
    METHODS,
    ROUNDINGS,
    ApportionmentTie,
    RatioApportionment,
    apportion,
    apportion_by_ratio,
    canonical_method,
    exact_quotas,
)

REQUIRED_COLUMNS = ("name", "size")
OPTIONAL_COLUMNS = ("group",)
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class SizesFile:
    """What a sizes CSV says: sizes by name in file order, and group labels where given."""

    sizes: dict[str, int]
    groups: dict[str, str]


def read_sizes(path: Path) -> SizesFile:
    """Decide the sizes a CSV file gives, or raise `UserError` listing every bad line."""
    where = str(path)
    rows = _csv_rows(path)
    if not rows:
        raise UserError(f"{where}: empty file; expected a header line 'name,size'")
    header_line, header = rows[0]
    index = _column_index(header, f"{where}:{header_line}")
    if len(rows) == 1:
        raise UserError(f"{where}: no constituencies after the header")

    problems: list[str] = []
    sizes: dict[str, int] = {}
    groups: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for line, row in rows[1:]:
        at = f"{where}:{line}"
        if len(row) > len(header):
            problems.append(
                f"{at}: {len(row)} fields but the header has {len(header)}"
                " (quote a name that contains a comma)"
            )
            continue
        cells = {column: (row[i].strip() if i < len(row) else "") for column, i in index.items()}
        name = cells["name"]
        size = _parse_size(cells["size"], at, problems)
        if not name:
            problems.append(f"{at}: name: empty")
        elif name in first_line:
            problems.append(f"{at}: name: duplicate of line {first_line[name]} ({name!r})")
        else:
            first_line[name] = line
            if size is not None:
                sizes[name] = size
                if cells.get("group"):
                    groups[name] = cells["group"]
    if problems:
        raise UserError(problems)
    return SizesFile(sizes=sizes, groups=groups)


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Decide the non-blank records of a CSV file, each with the line it ends on."""
    where = str(path)
    try:
        # utf-8-sig: spreadsheets often start UTF-8 files with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise UserError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{where}: is a directory, not a CSV file") from None
    except UnicodeDecodeError as error:
        raise UserError(f"{where}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise UserError(f"{where}: cannot be read ({error.strerror})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise UserError(f"{where}:{reader.line_num}: not valid CSV ({error})") from None
    return [(line, row) for line, row in rows if any(cell.strip() for cell in row)]


def _column_index(header: list[str], at: str) -> dict[str, int]:
    """Decide where the known columns sit in a header, or raise `UserError`."""
    columns = [cell.strip().lower() for cell in header]
    problems = [
        f"{at}: header: column {column!r} appears twice"
        for column in sorted({c for c in columns if c and columns.count(c) > 1})
    ]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        found = ", ".join(repr(cell) for cell in header)
        problems.append(
            f"{at}: header: missing column(s) {', '.join(repr(c) for c in missing)} (found {found})"
        )
    if problems:
        raise UserError(problems)
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    return {column: columns.index(column) for column in known if column in columns}


def _parse_size(text: str, at: str, problems: list[str]) -> int | None:
    if not text:
        problems.append(f"{at}: size: missing")
        return None
    if not _WHOLE_NUMBER.fullmatch(text):
        problems.append(f"{at}: size: {text!r} is not a whole number")
        return None
    size = int(text)
    if size < 0:
        problems.append(f"{at}: size: must not be negative ({size})")
        return None
    return size


def _option_problems(
    *,
    seats: int | None,
    ratio: int | None,
    method: str | None,
    rounding: str | None,
    minimum: int | None,
    group_below: bool,
) -> list[str]:
    problems: list[str] = []
    if (seats is None) == (ratio is None):
        problems.append("give exactly one of --seats (a fixed house) and --ratio (one seat per N)")
    if seats is not None and method is None:
        names = ", ".join([*METHODS, *ALIASES])
        problems.append(f"--method is required with --seats (one of: {names})")
    if method is not None:
        if seats is None:
            problems.append("--method applies only with --seats")
        try:
            canonical_method(method)
        except ValueError as error:
            problems.append(str(error))
    ratio_only = [
        flag
        for flag, given in (
            ("--rounding", rounding is not None),
            ("--minimum", minimum is not None),
            ("--group-below", group_below),
        )
        if given
    ]
    if ratio is None and ratio_only:
        problems.append(f"only with --ratio: {', '.join(ratio_only)}")
    if rounding is not None and rounding not in ROUNDINGS:
        problems.append(f"unknown rounding {rounding!r}; known: {', '.join(ROUNDINGS)}")
    return problems


def apportion_command(
    sizes_file: Annotated[
        Path,
        typer.Argument(
            metavar="SIZES.csv",
            help="UTF-8 CSV with a header: name,size and optionally group (labels for"
            " --group-below).",
            show_default=False,
        ),
    ],
    *,
    seats: Annotated[
        int | None, typer.Option("--seats", help="Fixed house size to share out.")
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="With --seats: hamilton, jefferson (dhondt), webster (sainte-lague),"
            " huntington-hill or adams.",
        ),
    ] = None,
    ratio: Annotated[
        int | None, typer.Option("--ratio", help="One seat per this many constituents.")
    ] = None,
    minimum: Annotated[
        int | None,
        typer.Option("--minimum", help="With --ratio: seats at least (default 0)."),
    ] = None,
    rounding: Annotated[
        str | None,
        typer.Option(
            "--rounding",
            help="With --ratio: down (default), up, or nearest (an exact half rounds up).",
        ),
    ] = None,
    group_below: Annotated[
        bool,
        typer.Option(
            "--group-below",
            help="With --ratio: combine constituencies below the ratio into electing groups.",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print only {"name": seats, ...} as JSON.')
    ] = False,
) -> None:
    """Apportion seats to the constituencies listed in SIZES.csv."""
    problems = _option_problems(
        seats=seats,
        ratio=ratio,
        method=method,
        rounding=rounding,
        minimum=minimum,
        group_below=group_below,
    )
    if problems:
        raise fail(problems)
    try:
        given = read_sizes(sizes_file)
        if seats is not None and method is not None:
            result = apportion(given.sizes, seats, method)
            if as_json:
                _print_json(result)
            else:
                _print_house(given.sizes, seats, canonical_method(method), result)
        elif ratio is not None:
            by_ratio = apportion_by_ratio(
                given.sizes,
                ratio,
                rounding=rounding or "down",
                minimum=minimum or 0,
                group_below=group_below,
                groups=given.groups if group_below else None,
            )
            if as_json:
                _print_json(by_ratio.seats)
            else:
                _print_ratio(given.sizes, by_ratio, ratio)
    except UserError as error:
        raise fail(error.problems) from None
    except ApportionmentTie as error:
        raise fail(
            f"{error}; the method cannot decide it: change the house size or settle the tie"
            " as the constitution provides (lot, casting vote)"
        ) from None
    except ValueError as error:
        # The domain refuses impossible inputs (negative seats, every size 0) with ValueError.
        raise fail(str(error)) from None


def _print_json(seats: dict[str, int]) -> None:
    print(json.dumps(seats, ensure_ascii=False))


def _decimal(value: Fraction, places: int = 3) -> str:
    """Decide the decimal shown for an exact value, rounded half up at `places`."""
    scale = 10**places
    scaled = math.floor(value * scale + Fraction(1, 2))
    return f"{scaled // scale}.{scaled % scale:0{places}d}"


def _print_house(sizes: dict[str, int], seats: int, method: str, result: dict[str, int]) -> None:
    quotas = exact_quotas(sizes, seats)
    table = Table(title=f"{seats} seats by {method}")
    table.add_column("name")
    table.add_column("size", justify="right")
    table.add_column("quota", justify="right")
    table.add_column("seats", justify="right")
    for name, size in sizes.items():
        table.add_row(Text(name), str(size), _decimal(quotas[name]), str(result[name]))
    table.add_section()
    total_quota = sum(quotas.values(), Fraction(0))
    table.add_row(
        "total", str(sum(sizes.values())), _decimal(total_quota), str(sum(result.values()))
    )
    Console().print(table)


def _print_ratio(sizes: dict[str, int], result: RatioApportionment, ratio: int) -> None:
    table = Table(title=f"one seat per {ratio}")
    table.add_column("name")
    table.add_column("size", justify="right")
    table.add_column("seats", justify="right")
    table.add_column("members")
    for name, seats in result.seats.items():
        members = result.members[name]
        # A group's name already lists its members; show what each brings to it.
        shown = ", ".join(f"{m} ({sizes[m]})" for m in members) if len(members) > 1 else ""
        table.add_row(Text(name), str(result.sizes[name]), str(seats), Text(shown))
    table.add_section()
    table.add_row("total", str(sum(result.sizes.values())), str(sum(result.seats.values())), "")
    Console().print(table)
