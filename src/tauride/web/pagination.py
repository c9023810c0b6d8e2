"""Cursor pagination: an opaque token that says where the next page starts."""

from __future__ import annotations

import base64
import json
from typing import Generic, TypeVar

from pydantic import BaseModel

from tauride.domain.errors import InvalidInput

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    """One page of a list, and the cursor of the next page (null on the last one)."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(after: int | str) -> str:
    """The token of the page that starts after the key `after`."""
    raw = json.dumps({"after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | str | None:
    """The key a token points after, or a clear error for a token we did not issue."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after = data["after"]
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("query:cursor: not a cursor this server issued") from None
    if not isinstance(after, int | str) or isinstance(after, bool):
        raise InvalidInput("query:cursor: not a cursor this server issued")
    return after
