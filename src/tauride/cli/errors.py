"""How the command line reports a user's mistake: a message on stderr, exit 2, no traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import typer

USER_ERROR = 2


class UserError(Exception):
    """A mistake in what the user gave us; every line of `problems` names its place."""

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


def fail(problems: str | Iterable[str]) -> typer.Exit:
    """Print the problems to stderr and return the exit to raise (code 2)."""
    for line in [problems] if isinstance(problems, str) else problems:
        print(f"error: {line}", file=sys.stderr)
    return typer.Exit(USER_ERROR)
