"""One page's stream: the organization's journal from the height the page last saw, then
every new entry as it is committed — none missed, none twice."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tauride.web.live.events import Event, position
from tauride.web.live.updates import LiveUpdates


async def journal_events(
    live: LiveUpdates, org_id: int, sitting: int | None, last: int | None
) -> AsyncIterator[bytes]:
    """The events for a page of the organization (of one sitting, if given).

    Subscribes before reading the journal, so that an entry committed during the read
    arrives in the queue too; entries at or below the height already sent are skipped,
    and a height that arrives ahead of the next expected one (an act of another process
    heard late, or published out of turn) is preceded by the entries between, read from
    the journal. A stream that falls too far behind ends, and its page reconnects.
    """
    subscription = live.broker.subscribe(org_id)
    try:
        head = await live.reads.head(org_id)
        if last is None or last >= head:
            # A height beyond the head comes from before the database was restored: the
            # page starts again from the head.
            cursor = head
            yield position(cursor)
        else:
            cursor = last
            async for message, reached in _replay(live, org_id, sitting, cursor, None):
                cursor = reached
                yield message
        while True:
            event = await subscription.next()
            if event is None:
                return
            if event.height is None:
                if event.concerns(sitting):
                    yield event.message()
                continue
            if event.height <= cursor:
                continue
            if event.height > cursor + 1:
                async for message, _ in _replay(live, org_id, sitting, cursor, event.height):
                    yield message
            elif event.concerns(sitting):
                yield event.message()
            cursor = event.height
    finally:
        live.broker.unsubscribe(subscription)


async def _replay(
    live: LiveUpdates, org_id: int, sitting: int | None, after: int, upto: int | None
) -> AsyncIterator[tuple[bytes, int]]:
    """The journal's entries above `after` (up to `upto`) for the page, each with its
    height; the last message always carries the height reached, so the page resumes from
    there."""
    reached = after
    sent = after
    while True:
        batch: list[Event] = await live.reads.after(org_id, reached, upto)
        for entry in batch:
            assert entry.height is not None
            reached = entry.height
            if entry.concerns(sitting):
                sent = reached
                yield entry.message(), reached
        if not batch or (upto is not None and reached >= upto):
            break
    if reached > sent:
        yield position(reached), reached
