"""Loading an example organization: a constitution and its CSV data, in one transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session

import tauride
from tauride.db.models import Organization
from tauride.domain.errors import InvalidInput, NotFound, TaurideError
from tauride.services import bodies, constituencies, mandates, organizations
from tauride.services.tables import read_rows

P = ParamSpec("P")
R = TypeVar("R")


def examples_root() -> Path:
    """Where the examples are: packaged with a wheel, or beside the sources in a checkout."""
    package = Path(tauride.__file__).resolve().parent
    for candidate in (package / "_examples", package.parents[1] / "examples"):
        if candidate.is_dir():
            return candidate
    raise NotFound("the examples folder is missing from this installation")


def example_names() -> list[str]:
    """The examples that can be loaded."""
    return sorted(p.name for p in examples_root().iterdir() if (p / "constitution.toml").is_file())


def example_path(name: str) -> Path:
    """The folder of one example, or NotFound listing the others."""
    path = examples_root() / name
    if not (path / "constitution.toml").is_file():
        raise NotFound(f"no example '{name}' (examples: {', '.join(example_names())})")
    return path


def load_folder(session: Session, folder: Path, *, actor: str) -> Organization:
    """Found an organization from a folder: constitution.toml, constituencies.csv and,
    where present, delegates.csv, roll.csv, elected.csv, consultative.csv, offices.csv.

    Errors name the file and line; the caller's transaction is rolled back on any of them.
    """

    def read(name: str) -> str | None:
        path = folder / name
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def src(name: str) -> str:
        return str(folder / name)

    text = read("constitution.toml")
    if text is None:
        raise InvalidInput(f"{src('constitution.toml')}: missing")
    org = organizations.found_organization(
        session, text, source=src("constitution.toml"), actor=actor
    )
    data = read("constituencies.csv")
    if data is not None:
        constituencies.import_constituencies(
            session, org, data, source=src("constituencies.csv"), actor=actor
        )
        constituencies.apportion_seats(session, org, actor=actor)
    if (data := read("roll.csv")) is not None:
        constituencies.import_roll(session, org, data, source=src("roll.csv"), actor=actor)
    if (data := read("delegates.csv")) is not None:
        mandates.import_delegates(session, org, data, source=src("delegates.csv"), actor=actor)
    bodies.recompose(session, org, actor=actor)
    if (data := read("elected.csv")) is not None:
        elected: dict[str, list[str]] = defaultdict(list)
        for row in read_rows(data, src("elected.csv"), required=("body", "name"), allow_empty=True):
            elected[row.get("body")].append(row.get("name"))
        for body_key, names in elected.items():
            bodies.fill_elected_seats(
                session, org, body_key, names, source=src("elected.csv"), actor=actor
            )
    if (data := read("consultative.csv")) is not None:
        rows = read_rows(
            data, src("consultative.csv"), required=("body", "name", "faction"), allow_empty=True
        )
        for row in rows:
            _at(row.where(), bodies.seat_consultative)(
                session, org, row.get("body"), row.get("name"), row.get("faction"), actor=actor
            )
    if (data := read("offices.csv")) is not None:
        for row in read_rows(
            data, src("offices.csv"), required=("office", "name"), allow_empty=True
        ):
            _at(row.where(), bodies.assign_office)(
                session, org, row.get("office"), row.get("name"), actor=actor
            )
    bodies.recompose(session, org, actor=actor)
    return org


def _at(place: str, act: Callable[P, R]) -> Callable[P, R]:
    """Prefix the problems an act raises with the file and line that asked for it."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return act(*args, **kwargs)
        except TaurideError as exc:
            raise type(exc)(f"{place}: {p}" for p in exc.problems) from None

    return run
