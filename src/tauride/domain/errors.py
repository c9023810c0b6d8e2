"""Errors a user can cause; entry points turn them into messages, never tracebacks."""

from __future__ import annotations

from collections.abc import Iterable


class TaurideError(Exception):
    """A refused act; `problems` lists every reason, each naming its place where it has one."""

    kind = "invalid"

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


class InvalidInput(TaurideError):
    """What the user gave cannot be read or breaks a rule."""

    kind = "invalid-input"


class NotFound(TaurideError):
    """The thing named does not exist in this organization."""

    kind = "not-found"


class Conflict(TaurideError):
    """The act contradicts what is already recorded (a duplicate, a wrong state)."""

    kind = "conflict"
