"""Rate limits: a sliding window of request times per key, in this process.

Each worker keeps its own windows, so with N workers a client gets at most N times the
limit; behind a load balancer that pins clients to workers it gets the limit itself.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from tauride.domain.errors import TaurideError


class TooManyRequests(TaurideError):
    """More requests than the limit allows in the last minute."""

    kind = "rate-limited"

    def __init__(self, problems: str, retry_after: int) -> None:
        super().__init__(problems)
        self.retry_after = retry_after


class RateLimiter:
    """At most `per_minute` events per key in any 60 seconds."""

    WINDOW = 60.0

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, what: str) -> None:
        """Count one event for `key`, or refuse it with the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.WINDOW:
                events.popleft()
            if len(events) >= self.per_minute:
                wait = max(1, math.ceil(events[0] + self.WINDOW - now))
                raise TooManyRequests(
                    f"{what}: more than {self.per_minute} a minute; try again in {wait} s", wait
                )
            events.append(now)
            if len(self._events) > 100_000:  # forget idle keys rather than grow without end
                self._events = {k: v for k, v in self._events.items() if v and v[-1] > now - 60}
