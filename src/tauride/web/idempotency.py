"""Idempotency keys: a retried request returns the first response and creates nothing twice.

The record of the response is written in the same transaction as the act, so either both
are there or neither; two retries racing each other meet at the unique key and the loser
replays the winner's response.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.accounts import IdempotencyRecord
from tauride.domain.errors import InvalidInput

HEADER = "Idempotency-Key"


class KeyReused(InvalidInput):
    kind = "idempotency-key-reused"


def request_hash(method: str, path: str, body: str) -> str:
    return hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()


def stored(session: Session, account_id: int, key: str, fingerprint: str) -> tuple[int, Any] | None:
    """The response recorded for this key, or None; a key reused for another request fails."""
    record = session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.account_id == account_id, IdempotencyRecord.key == key
        )
    ).scalar_one_or_none()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise KeyReused(f"{HEADER}: '{key}' was used for a different request")
    return record.status, record.body


def run_once(
    session: Session,
    *,
    account_id: int,
    key: str | None,
    method: str,
    path: str,
    body: str,
    act: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Run the act, or replay the response an earlier request with the same key got."""
    if key is None:
        return act()
    if not 1 <= len(key) <= 200:
        raise InvalidInput(f"{HEADER}: between 1 and 200 characters")
    fingerprint = request_hash(method, path, body)
    earlier = stored(session, account_id, key, fingerprint)
    if earlier is not None:
        return earlier
    status, content = act()
    session.add(
        IdempotencyRecord(
            account_id=account_id,
            key=key,
            method=method,
            path=path,
            request_hash=fingerprint,
            status=status,
            body=content,
        )
    )
    session.flush()
    return status, content
