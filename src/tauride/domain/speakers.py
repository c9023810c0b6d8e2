"""The speakers' list of one agenda item, as an immutable value.

Every operation returns a new list; nothing is mutated, so a service can load the list
from its journaled requests, apply one act, and store the result. The order in which the
chair calls speakers:

1. Points of order first, in the order they were raised: they jump the queue (RONR §23).
   They do not count as having spoken and do not move the alternation.
2. Then speeches. First-time speakers on this item come before those who have spoken
   already (RONR §43: nobody speaks twice while someone who has not spoken wishes to).
3. Within that group, when the body alternates, the side opposite to the last pro or
   contra speech comes first (RONR §42: the chair lets the floor alternate between those
   for and against); if nobody waits on that side, the first in order of any side. The
   first pro/contra speech of an item is whoever asked first. Neutral speakers do not
   move the alternation.
4. Otherwise, order of request.

Calling the next speaker ends the current speech; a speaker interrupted by a point of
order asks again if they wish to finish. The time limit in force is recorded on each
speech when it starts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from tauride.domain.errors import Conflict, InvalidInput


class Side(enum.StrEnum):
    PRO = "pro"
    CONTRA = "contra"
    NEUTRAL = "neutral"


class RequestKind(enum.StrEnum):
    SPEECH = "speech"
    POINT_OF_ORDER = "point-of-order"


class AlreadyListed(Conflict):
    """The delegate already waits on this list for the same kind of turn."""

    kind = "already-listed"


class NotListed(Conflict):
    """The delegate has no such request waiting."""

    kind = "not-listed"


class ListClosed(Conflict):
    """The list was closed: no new speech requests (points of order are still heard)."""

    kind = "list-closed"


_OPPOSITE = {Side.PRO: Side.CONTRA, Side.CONTRA: Side.PRO}


@dataclass(frozen=True)
class SpeakersRule:
    """A body's rules for its speakers' lists. Time limits in seconds; None: no limit."""

    alternate: bool = False
    first_time_first: bool = True
    speech_seconds: int | None = None
    # A second or later speech on the same item; None: the same as a first one.
    repeat_seconds: int | None = None
    point_of_order_seconds: int | None = None

    def __post_init__(self) -> None:
        for name in ("speech_seconds", "repeat_seconds", "point_of_order_seconds"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value <= 0
            ):
                raise InvalidInput(f"{name} must be a positive whole number, not {value!r}")

    def limit(self, kind: RequestKind, first: bool) -> int | None:
        """Decide the time limit of a speech of this kind, first or repeated."""
        if kind is RequestKind.POINT_OF_ORDER:
            return self.point_of_order_seconds
        if first or self.repeat_seconds is None:
            return self.speech_seconds
        return self.repeat_seconds


@dataclass(frozen=True)
class Request:
    """A delegate waiting for the floor; `seq` is the order of asking."""

    mandate_id: int
    side: Side
    kind: RequestKind
    seq: int


@dataclass(frozen=True)
class Speech:
    """A turn at the floor, with the time limit that was in force when it began."""

    mandate_id: int
    side: Side
    kind: RequestKind
    first: bool
    seconds: int | None


@dataclass(frozen=True)
class SpeakersList:
    """Who speaks now, who waits, and who has spoken on one agenda item.

    `history` holds every turn given, the current one included, in order.
    """

    rule: SpeakersRule = SpeakersRule()
    waiting: tuple[Request, ...] = ()
    current: Speech | None = None
    history: tuple[Speech, ...] = ()
    closed: bool = False
    asked: int = 0

    def request(
        self,
        mandate_id: int,
        side: Side = Side.NEUTRAL,
        kind: RequestKind = RequestKind.SPEECH,
    ) -> SpeakersList:
        """Decide whether `mandate_id` may ask for the floor, and put them on the list."""
        if isinstance(mandate_id, bool) or not isinstance(mandate_id, int):
            raise InvalidInput(f"a speaker is a mandate id, not {mandate_id!r}")
        side, kind = Side(side), RequestKind(kind)
        if kind is RequestKind.SPEECH and self.closed:
            raise ListClosed("the speakers' list is closed")
        if any(r.mandate_id == mandate_id and r.kind is kind for r in self.waiting):
            raise AlreadyListed(f"mandate {mandate_id} already waits for a {kind.value}")
        if kind is RequestKind.POINT_OF_ORDER:
            side = Side.NEUTRAL
        new = Request(mandate_id, side, kind, self.asked)
        return replace(self, waiting=(*self.waiting, new), asked=self.asked + 1)

    def withdraw(self, mandate_id: int, kind: RequestKind = RequestKind.SPEECH) -> SpeakersList:
        """Take `mandate_id`'s waiting request of this kind off the list."""
        kept = tuple(r for r in self.waiting if not (r.mandate_id == mandate_id and r.kind is kind))
        if len(kept) == len(self.waiting):
            raise NotListed(f"mandate {mandate_id} has no {RequestKind(kind).value} waiting")
        return replace(self, waiting=kept)

    def call_next(self) -> SpeakersList:
        """End the current turn and give the floor to whoever the rules put first, if anyone."""
        chosen = _pick(self.rule, self.waiting, self.history)
        if chosen is None:
            return replace(self, current=None)
        speech = self._speech(chosen, self.history)
        return replace(
            self,
            waiting=tuple(r for r in self.waiting if r is not chosen),
            current=speech,
            history=(*self.history, speech),
        )

    def close(self) -> SpeakersList:
        """Close the list: those waiting still speak, nobody new may ask for a speech."""
        return replace(self, closed=True)

    @property
    def queue(self) -> tuple[Request, ...]:
        """The waiting requests in the order they will be called if nothing changes."""
        waiting, history, order = list(self.waiting), self.history, []
        while (chosen := _pick(self.rule, tuple(waiting), history)) is not None:
            order.append(chosen)
            waiting.remove(chosen)
            history = (*history, self._speech(chosen, history))
        return tuple(order)

    @property
    def upcoming(self) -> Request | None:
        """Who will be called next, if anyone."""
        return _pick(self.rule, self.waiting, self.history)

    def has_spoken(self, mandate_id: int) -> bool:
        """Decide whether `mandate_id` has had (or has) the floor for a speech on this item."""
        return _has_spoken(self.history, mandate_id)

    def _speech(self, request: Request, history: tuple[Speech, ...]) -> Speech:
        first = not _has_spoken(history, request.mandate_id)
        seconds = self.rule.limit(request.kind, first)
        return Speech(request.mandate_id, request.side, request.kind, first, seconds)


def _has_spoken(history: tuple[Speech, ...], mandate_id: int) -> bool:
    return any(s.mandate_id == mandate_id and s.kind is RequestKind.SPEECH for s in history)


def _pick(
    rule: SpeakersRule, waiting: tuple[Request, ...], history: tuple[Speech, ...]
) -> Request | None:
    """Decide who gets the floor next: points of order, first-timers, alternation, order."""
    in_order = sorted(waiting, key=lambda r: r.seq)
    points = [r for r in in_order if r.kind is RequestKind.POINT_OF_ORDER]
    if points:
        return points[0]
    speeches = [r for r in in_order if r.kind is RequestKind.SPEECH]
    if rule.first_time_first:
        first_timers = [r for r in speeches if not _has_spoken(history, r.mandate_id)]
        speeches = first_timers or speeches
    if not speeches:
        return None
    needed = _needed_side(history) if rule.alternate else None
    return next((r for r in speeches if r.side is needed), speeches[0])


def _needed_side(history: tuple[Speech, ...]) -> Side | None:
    """The side opposite to the last pro or contra speech; None before the first."""
    for speech in reversed(history):
        if speech.kind is RequestKind.SPEECH and speech.side in _OPPOSITE:
            return _OPPOSITE[speech.side]
    return None
