"""What the live pages are told: an act journaled in an organization, or a ballot cast."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sse_starlette import ServerSentEvent

BALLOT_CAST = "ballot.cast"
"""The kind of the event that says a poll's turnout changed (ballots are not journaled one
by one: the poll's close seals them all)."""


def sitting_of(payload: Any) -> int | None:
    """The sitting a journal payload names, if it names one."""
    sitting = payload.get("sitting") if isinstance(payload, dict) else None
    return sitting if isinstance(sitting, int) and not isinstance(sitting, bool) else None


@dataclass(frozen=True, slots=True)
class Event:
    """One change in an organization.

    A journal entry has its height, which is also the event's id on the stream: a page
    that reconnects says the last height it saw and is sent every entry after it. A ballot
    has no height and is not replayed: a page that reconnects reloads what it shows.
    """

    org_id: int
    kind: str
    height: int | None = None
    sitting: int | None = None
    poll: int | None = None

    def concerns(self, sitting: int | None) -> bool:
        """Whether a page of this sitting (or of the whole organization) is told of it."""
        return sitting is None or self.sitting is None or self.sitting == sitting

    def notification(self) -> str:
        """The PostgreSQL NOTIFY payload: the format of `services.journal.NOTIFY_CHANNEL`,
        with the poll as a fifth field for a ballot."""
        fields = [self.org_id, self.height, self.sitting, self.kind]
        if self.poll is not None:
            fields.append(self.poll)
        return ":".join("" if f is None else str(f) for f in fields)

    @classmethod
    def from_notification(cls, text: str) -> Event | None:
        """The event a NOTIFY payload announces, or None if it is not one of ours."""
        fields = text.split(":")
        try:
            org, height, sitting, kind = fields[:4]
            poll = fields[4] if len(fields) > 4 else ""
            return cls(
                org_id=int(org),
                kind=kind,
                height=int(height) if height else None,
                sitting=int(sitting) if sitting else None,
                poll=int(poll) if poll else None,
            )
        except ValueError:
            return None

    def message(self) -> bytes:
        """The event as the page's EventSource receives it (encoded once for all pages)."""
        return _encoded(self)


@lru_cache(maxsize=512)
def _encoded(event: Event) -> bytes:
    data: dict[str, Any] = {"height": event.height, "kind": event.kind, "sitting": event.sitting}
    if event.height is None:
        data["poll"] = event.poll
        return ServerSentEvent(_json(data), event="ballot").encode()
    return ServerSentEvent(_json(data), event="journal", id=str(event.height)).encode()


def position(height: int) -> bytes:
    """Tell the page how far it has been brought, without a change to show: its
    EventSource reconnects from there (the "head" event carries no act)."""
    return ServerSentEvent(_json({"height": height}), event="head", id=str(height)).encode()


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"))
