"""Reading CSV input: every bad line reported with its file and line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from tauride.domain.errors import InvalidInput


@dataclass(frozen=True)
class Row:
    """One data line of a CSV file, with the place to name when it is wrong."""

    source: str
    line: int
    values: dict[str, str]

    def where(self, column: str | None = None) -> str:
        place = f"{self.source}:{self.line}"
        return f"{place}: {column}" if column else place

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass
class Problems:
    """Collects mistakes so that the user sees all of them at once."""

    items: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items)


def read_rows(
    text: str,
    source: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    allow_empty: bool = False,
) -> list[Row]:
    """Read a CSV text with a header; refuse missing or unknown columns and ragged lines."""
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark written by spreadsheet programs
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(f"{source}: the file is empty (expected a header line)") from None
    columns = [c.strip() for c in header]
    problems = Problems()
    missing = [c for c in required if c not in columns]
    unknown = [c for c in columns if c not in (*required, *optional)]
    if missing:
        problems.add(f"{source}:1: missing column(s) {', '.join(missing)}")
    if unknown:
        known = ", ".join((*required, *optional))
        problems.add(f"{source}:1: unknown column(s) {', '.join(unknown)} (known: {known})")
    problems.raise_if_any()
    rows: list[Row] = []
    for values in _lines(reader):
        number, cells = values
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            problems.add(f"{source}:{number}: expected {len(columns)} fields, found {len(cells)}")
            continue
        rows.append(Row(source, number, dict(zip(columns, cells, strict=True))))
    problems.raise_if_any()
    if not rows and not allow_empty:
        raise InvalidInput(f"{source}: no data lines after the header")
    return rows


def _lines(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    previous_end = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        # csv tracks physical lines (a quoted field may span several); report where it started.
        line_num: int = getattr(reader, "line_num", previous_end + 1)
        yield previous_end + 1, cells
        previous_end = line_num


def whole_number(row: Row, column: str, problems: Problems, *, minimum: int = 0) -> int | None:
    """Read a whole number from a column, or note the problem and return None."""
    raw = row.get(column)
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        problems.add(f"{row.where(column)}: '{raw}' is not a whole number")
        return None
    if value < minimum:
        problems.add(f"{row.where(column)}: must be at least {minimum} (found {value})")
        return None
    return value


def required_text(row: Row, column: str, problems: Problems) -> str | None:
    """Read a non-empty text from a column, or note the problem and return None."""
    value = row.get(column)
    if not value:
        problems.add(f"{row.where(column)}: must not be empty")
        return None
    return value
