"""The fan-out inside one server process: every open stream of an organization gets each
of its events, in the order they were published."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from tauride.web.live.events import Event

QUEUE_SIZE = 256
"""Events a stream may fall behind by; one that falls further is closed, and its page
reconnects and is sent what it missed from the journal."""

BALLOT_INTERVAL = 0.25
"""Seconds between two turnout events of one poll: when a hall votes at once, the pages
reload its turnout four times a second, not once per ballot."""


class Subscription:
    """One open stream's queue of events."""

    def __init__(self, org_id: int, size: int) -> None:
        self.org_id = org_id
        self.queue: asyncio.Queue[Event] = asyncio.Queue(size)
        self.overflowed = False

    def offer(self, event: Event) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True

    async def next(self) -> Event | None:
        """The next event, or None once the stream has fallen too far behind."""
        if self.overflowed:
            return None
        event = await self.queue.get()
        return None if self.overflowed else event


class Broker:
    """Subscriptions per organization, all on the server's event loop.

    `publish` may be called from any thread (sync endpoints run in a thread pool): it hands
    the events to the loop, which delivers them. Everything else runs on the loop.
    """

    def __init__(self, queue_size: int = QUEUE_SIZE, ballot_interval: float = BALLOT_INTERVAL):
        self.queue_size = queue_size
        self.ballot_interval = ballot_interval
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: dict[int, set[Subscription]] = {}
        self._heights: dict[int, int] = {}
        # Per (organization, poll) whose turnout was just announced: the event held back
        # until the interval ends (None if nothing is waiting).
        self._held: dict[tuple[int, int], Event | None] = {}

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver on this loop (the server's)."""
        self._loop = loop

    def subscribe(self, org_id: int) -> Subscription:
        """Open a queue for an organization's events (on the loop)."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        subscription = Subscription(org_id, self.queue_size)
        self._subscribers.setdefault(org_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        found = self._subscribers.get(subscription.org_id)
        if found is not None:
            found.discard(subscription)
            if not found:
                del self._subscribers[subscription.org_id]

    def organizations(self) -> list[int]:
        """The organizations that have an open stream."""
        return list(self._subscribers)

    def subscribers(self, org_id: int) -> int:
        return len(self._subscribers.get(org_id, ()))

    def last_height(self, org_id: int) -> int:
        """The highest journal height delivered for the organization (0 if none yet)."""
        return self._heights.get(org_id, 0)

    def publish(self, events: Sequence[Event]) -> None:
        """Hand committed events to the loop, from any thread."""
        loop = self._loop
        if loop is None or not events:
            return
        if not any(e.org_id in self._subscribers for e in events):
            return
        try:
            loop.call_soon_threadsafe(self.deliver, tuple(events))
        except RuntimeError:  # the loop has closed: the server is stopping
            return

    def deliver(self, events: Sequence[Event]) -> None:
        """Give each event to its organization's subscribers (on the loop)."""
        for event in events:
            if event.height is not None and event.height > self._heights.get(event.org_id, 0):
                self._heights[event.org_id] = event.height
            if event.org_id not in self._subscribers:
                continue
            if event.poll is not None and event.height is None:
                self._turnout(event)
            else:
                self._fan_out(event)

    def _fan_out(self, event: Event) -> None:
        for subscription in tuple(self._subscribers.get(event.org_id, ())):
            subscription.offer(event)

    def _turnout(self, event: Event) -> None:
        assert event.poll is not None
        key = (event.org_id, event.poll)
        if key in self._held:
            self._held[key] = event
            return
        self._fan_out(event)
        self._hold(key)

    def _hold(self, key: tuple[int, int]) -> None:
        self._held[key] = None
        asyncio.get_running_loop().call_later(self.ballot_interval, self._release, key)

    def _release(self, key: tuple[int, int]) -> None:
        waiting = self._held.pop(key, None)
        if waiting is not None:
            self._fan_out(waiting)
            self._hold(key)
