"""The minutes of a sitting and a delegate's voting record, as values.

`tauride.domain.minutes` and `tauride.domain.voting_record` decide them from the journal
(folded by `tauride.domain.minutes_fold`); `tauride.domain.minutes_render` writes them as
Markdown and HTML. Instants are the journal's own (`at` of the entry that recorded the act,
UTC); `height` fields cite that entry, so every line can be checked against a verified
export.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tauride.domain.polls import PollMethod

NAMED_METHODS = frozenset(m.value for m in PollMethod if m.named)


@dataclass(frozen=True)
class Delegate:
    """Who holds a mandate, as far as the journal tells."""

    mandate: int
    name: str
    constituency: str | None = None
    faction: str | None = None
    consultative: bool = False


@dataclass(frozen=True)
class Attendee:
    """One check-in; `checked_out` is None when the member stayed until the close."""

    mandate: int
    name: str
    consultative: bool
    for_mandate: int | None
    """The absent principal whose seat an alternate took."""
    for_name: str | None
    checked_in: str
    checked_out: str | None = None


@dataclass(frozen=True)
class Speech:
    """A turn at the floor given by the chair: a member's, or a guest's (no mandate)."""

    name: str
    mandate: int | None
    kind: str
    """"speech", "point-of-order" or "guest"."""
    side: str | None
    at: str


@dataclass(frozen=True)
class MotionEvent:
    """One act on a motion: "moved", "seconded", …, "carried"; `ref` is the poll or motion
    the act names (the deciding poll, the amendment, the motion it lapsed with)."""

    act: str
    at: str
    ref: int | None = None


@dataclass(frozen=True)
class MotionRecord:
    motion: int
    height: int
    sitting: int
    item: int | None
    kind: str
    title: str
    text: str
    """The text as moved."""
    final_text: str
    """The text after the amendments carried to it."""
    mover: str
    """The mover's name, or the body or petition in whose name it was moved."""
    mover_mandate: int | None
    seconder: str | None
    target: int | None
    """The motion an amendment, substitute or procedural motion applies to."""
    matter: str | None
    state: str
    poll: int | None = None
    figure: str | None = None
    amendments: tuple[int, ...] = ()
    """Amendments and substitutes moved to this motion, in the order moved."""
    events: tuple[MotionEvent, ...] = ()


@dataclass(frozen=True)
class Vote:
    """A named poll's line; `choice` is None when the voter was entitled and did not vote.

    `seat` is the principal's mandate: an alternate votes in an absent principal's seat.
    """

    mandate: int
    name: str
    choice: str | None
    seat: int
    seat_name: str | None


@dataclass(frozen=True)
class PollRecord:
    poll: int
    height: int
    sitting: int
    item: int | None
    question: str
    method: str
    kind: str
    """"question" or "election"."""
    options: tuple[str, ...]
    motion: int | None
    threshold: str
    base: str
    quorum: str | None
    members: int | None
    """Voting members of the body when the poll opened."""
    present: int | None
    entitled: int
    """Seats in the electorate frozen at opening."""
    opened_at: str
    closed_at: str | None = None
    counts: tuple[tuple[str, int], ...] = ()
    weighted_counts: tuple[tuple[str, int], ...] | None = None
    carried: bool | None = None
    figure: str | None = None
    reason: str | None = None
    casting_vote: str | None = None
    ballots: int | None = None
    participants: int | None = None
    merkle_root: str | None = None
    votes: tuple[Vote, ...] = ()
    """Named polls only: every seat of the electorate, with the choice made."""
    elected: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        """Whether the record shows who chose what."""
        return self.method in NAMED_METHODS


@dataclass(frozen=True)
class ItemRecord:
    """An agenda item and its business; `item` None holds business under no item."""

    item: int | None
    position: int
    kind: str
    title: str
    minutes: int | None
    taken_up: tuple[str, ...] = ()
    speakers_closed: bool = False
    speeches: tuple[Speech, ...] = ()
    motions: tuple[MotionRecord, ...] = ()
    polls: tuple[PollRecord, ...] = ()


@dataclass(frozen=True)
class SittingMinutes:
    organization: str
    slug: str
    sitting: int
    body: str
    """The body's key: the journal does not carry the body's full name."""
    number: int
    title: str
    scheduled_for: str | None
    state: str
    first_height: int
    last_height: int
    """The last journal entry that concerns the sitting, and its hash."""
    last_hash: str
    opened_at: str | None = None
    closed_at: str | None = None
    suspensions: tuple[tuple[str, str | None], ...] = ()
    chair: str | None = None
    attendance: tuple[Attendee, ...] = ()
    voting_members: int | None = None
    """The body's voting members, as frozen when the sitting's last poll opened."""
    quorum: str | None = None
    agenda: tuple[ItemRecord, ...] = ()
    other: ItemRecord | None = None
    """Business done while no agenda item was taken up."""

    @property
    def present(self) -> int:
        """How many members were present at some time during the sitting."""
        return len({a.mandate for a in self.attendance})

    @property
    def present_voting(self) -> int:
        """How many of them had a vote (consultative seats left out)."""
        return len({a.mandate for a in self.attendance if not a.consultative})


class Participation(enum.StrEnum):
    VOTED = "voted"
    TOOK_PART = "took-part"  # a secret ballot or an election: participation only
    DID_NOT_VOTE = "did-not-vote"
    SHOW_OF_HANDS = "show-of-hands"  # the tellers count hands, not names
    POLL_OPEN = "poll-open"


@dataclass(frozen=True)
class RecordLine:
    """One poll a delegate was entitled to vote in, and what the record says they did."""

    poll: int
    sitting: int
    body: str
    sitting_number: int
    sitting_title: str
    at: str
    question: str
    motion: int | None
    method: str
    participation: Participation
    choice: str | None
    seat_of: str | None
    """The principal's name when the delegate voted in an absent principal's seat."""
    carried: bool | None
    figure: str | None


@dataclass(frozen=True)
class VotingRecord:
    delegate: Delegate
    polls: tuple[RecordLine, ...]
