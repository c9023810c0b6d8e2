"""Appending acts to an organization's journal, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord, Organization
from tauride.domain.journal import JournalEntry, format_instant, next_entry, utc_now_instant

NOTIFY_CHANNEL = "tauride_journal"
"""The PostgreSQL channel that every append notifies, at commit, with
``<organization id>:<height>:<sitting id or nothing>:<kind>``: the live pages of every
server process learn of acts done anywhere, the command line's included."""

APPENDED = "tauride.journal.appended"
"""The ``Session.info`` key of a list that collects the rows appended in the session, when
its owner publishes them to the live pages after commit (the web's unit of work does)."""

_clock: ContextVar[Callable[[], datetime] | None] = ContextVar("journal_clock", default=None)


@contextmanager
def recorded_at(clock: Callable[[], datetime]) -> Iterator[None]:
    """Stamp the acts appended inside the block with `clock()` instead of the present.

    A scenario re-enacts a history (a sitting of 12 November 1905) into a database of its
    own: its journal records the instants of that history, so that its minutes carry them.
    """
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)


def lock_organization(session: Session, organization_id: int) -> Organization:
    """Take the organization's row lock, which serializes its journal appends.

    On PostgreSQL this is SELECT … FOR NO KEY UPDATE: it queues appends behind each other
    but, unlike FOR UPDATE, not behind the key-share locks that every insert referencing the
    organization takes — two such transactions would otherwise deadlock at the journal.
    On SQLite every write transaction already holds the database's write lock from BEGIN
    IMMEDIATE (see db.engine).
    """
    org = session.execute(
        select(Organization)
        .where(Organization.id == organization_id)
        .with_for_update(key_share=True)
    ).scalar_one()
    return org


def _last_entry(session: Session, organization_id: int) -> JournalEntry | None:
    record = session.execute(
        select(JournalRecord)
        .where(JournalRecord.organization_id == organization_id)
        .order_by(JournalRecord.height.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if record is None else record.as_entry()


def append(
    session: Session, organization_id: int, *, actor: str, kind: str, payload: dict[str, Any]
) -> JournalEntry:
    """Record one act at the head of the organization's chain.

    Takes the organization's lock first, so that two transactions never compute the same
    height; the UNIQUE(organization, height) constraint backs this up.
    """
    lock_organization(session, organization_id)
    clock = _clock.get()
    entry = next_entry(
        _last_entry(session, organization_id),
        at=utc_now_instant() if clock is None else format_instant(clock()),
        actor=actor,
        kind=kind,
        payload=payload,
    )
    record = JournalRecord.of(organization_id, entry)
    session.add(record)
    session.flush()
    _announce(session, record)
    return entry


def _announce(session: Session, record: JournalRecord) -> None:
    """Tell the live pages of the new entry: to the session's owner, which publishes it
    after commit, and on PostgreSQL to every listening process (NOTIFY is delivered at
    commit, and never for a transaction or savepoint that rolls back)."""
    appended = session.info.get(APPENDED)
    if appended is not None:
        appended.append(record)
    if session.get_bind().dialect.name == "postgresql":
        sitting = record.payload.get("sitting")
        where = sitting if isinstance(sitting, int) and not isinstance(sitting, bool) else ""
        message = f"{record.organization_id}:{record.height}:{where}:{record.kind}"
        session.execute(select(func.pg_notify(NOTIFY_CHANNEL, message)))
