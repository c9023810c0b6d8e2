"""Live updates of one server process: what its acts publish, and what it hears of acts
done elsewhere.

Every act is journaled, and the journal's height is the event's id; so a page's stream is
the organization's journal from the height it last saw. Two ways bring entries to the
process's broker:

- On PostgreSQL, every append NOTIFYs the `tauride_journal` channel in its transaction
  (services.journal), and one LISTEN connection per process hears it at commit: acts of
  every process — other workers, the command line — reach every page, in commit order,
  which is height order. The process publishes nothing itself, so nothing arrives twice.
- On SQLite (one machine, one server process), the unit of work publishes its entries
  after commit. Acts done by another process, the command line's, are found by a look at
  the journal's head every second while a page is open.

Ballots are not journaled one by one (a poll's close seals them), yet a poll's turnout
changes with each: a unit of work that cast one publishes a "ballot.cast" event for the
poll, through NOTIFY on PostgreSQL. Ballots cast from the command line reach pages at the
next journaled act or reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

import psycopg
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from tauride.db.models import JournalRecord
from tauride.db.polls import Ballot, Participation, Poll
from tauride.services.journal import APPENDED, NOTIFY_CHANNEL
from tauride.web.live.broker import Broker
from tauride.web.live.events import BALLOT_CAST, Event, sitting_of
from tauride.web.live.reads import JournalReads

log = logging.getLogger(__name__)

CAST = "tauride.live.cast"
"""The ``Session.info`` key of the set of polls a unit of work cast ballots in."""

POLL_SECONDS = 1.0
"""On SQLite: how often the journal's head is looked at for acts of other processes."""


def _note_casts(session: Session, _flush: Any) -> None:
    """Remember the polls whose turnout (or, for a named poll, running count) a flush
    changed, in a session that publishes (one that has the set)."""
    polls: set[int] | None = session.info.get(CAST)
    if polls is None:
        return
    for obj in session.new:
        if isinstance(obj, Participation):
            polls.add(obj.poll_id)
    for obj in session.dirty:
        if isinstance(obj, Ballot) and obj.mandate_id is not None:
            polls.add(obj.poll_id)


class LiveUpdates:
    """The process's broker and what feeds it, for one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.broker = Broker()
        self.reads = JournalReads(engine)
        self.on_postgresql = engine.dialect.name == "postgresql"
        self.listening = False
        self._task: asyncio.Task[None] | None = None
        # SQLite commits one act at a time; taking this lock before commit and releasing
        # it after publishing keeps the publications in the commit (height) order.
        self.order = threading.Lock()
        if not event.contains(Session, "after_flush", _note_casts):
            event.listen(Session, "after_flush", _note_casts)

    async def start(self) -> None:
        """Bind to the server's loop and start hearing acts of other processes."""
        self.broker.bind(asyncio.get_running_loop())
        feed = self._listen() if self.on_postgresql else self._poll()
        self._task = asyncio.create_task(feed, name="tauride-live")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.reads.dispose()

    def outbox(self) -> Outbox:
        """What one unit of work will publish."""
        return Outbox(self)

    async def catch_up(self) -> None:
        """Tell each organization's streams of its newest entry: a stream that missed
        entries before it reads them from the journal."""
        organizations = self.broker.organizations()
        if organizations:
            self.broker.deliver(await self.reads.heads(organizations))

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            organizations = self.broker.organizations()
            if not organizations:
                continue
            try:
                heads = await self.reads.heads(organizations)
            except Exception:  # a locked or vanished file: look again next time
                log.warning("live updates: cannot read the journal's head", exc_info=True)
                continue
            news = [h for h in heads if (h.height or 0) > self.broker.last_height(h.org_id)]
            self.broker.deliver(news)

    async def _listen(self) -> None:
        url = self.engine.url.set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    conninfo, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.listening = True
                    delay = 0.5
                    await self.catch_up()
                    async for note in connection.notifies():
                        found = Event.from_notification(note.payload)
                        if found is not None:
                            self.broker.deliver((found,))
            except (psycopg.Error, OSError):
                log.warning("live updates: lost the LISTEN connection", exc_info=True)
            finally:
                self.listening = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


class Outbox:
    """The events of one unit of work, published once it has committed."""

    def __init__(self, live: LiveUpdates) -> None:
        self.live = live
        self.events: list[Event] = []
        self._ordered = False

    def watch(self, session: Session) -> None:
        """Collect what the session journals and the polls it casts ballots in."""
        session.info[APPENDED] = []
        session.info[CAST] = set()

    def seal(self, session: Session) -> None:
        """Take the session's events, just before its commit."""
        records: list[JournalRecord] = session.info.pop(APPENDED, None) or []
        polls: set[int] = session.info.pop(CAST, None) or set()
        events = [
            Event(r.organization_id, r.kind, r.height, sitting_of(r.payload))
            for r in records
            if r in session  # not undone by a savepoint's rollback
        ]
        for poll_id in sorted(polls):
            poll = session.get(Poll, poll_id)
            if poll is None:
                continue
            cast = Event(poll.organization_id, BALLOT_CAST, sitting=poll.sitting_id, poll=poll.id)
            if self.live.on_postgresql:
                session.execute(select(func.pg_notify(NOTIFY_CHANNEL, cast.notification())))
            events.append(cast)
        if not events or self.live.listening:
            return
        self.events = events
        if not self.live.on_postgresql:
            session.flush()
            self.live.order.acquire()
            self._ordered = True

    def publish(self) -> None:
        """Publish the committed events (a no-op when NOTIFY brings them)."""
        self.live.broker.publish(self.events)

    def close(self) -> None:
        if self._ordered:
            self._ordered = False
            self.live.order.release()
