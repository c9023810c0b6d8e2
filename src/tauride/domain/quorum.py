"""Quorum from attendance, and the electorate frozen when a poll opens.

A quorum is a share of the body's voting members (consultative seats never count) that
must be present for business to be done (RONR §40): `share × members`, rounded up, since
a fraction of a person cannot attend. Attendance is counted in heads even for a card vote.

The electorate of a poll is fixed at its opening (DESIGN.md: "eligible voters frozen at
opening"): one seat per voting principal who is present or, where the sitting records it,
whose designated alternate sits in for them. A seat is counted once whoever fills it, and
carries the principal's weight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from tauride.domain.errors import Conflict, InvalidInput


class NoQuorum(Conflict):
    """Too few voting members are present for the body to decide."""

    kind = "no-quorum"


def quorum_required(share: Fraction, members: int) -> int:
    """Decide how many voting members make a quorum: share × members, rounded up."""
    _check_share(share)
    _check_whole("members", members)
    # Ceiling division on integers: exact for any share.
    return -(-share.numerator * members // share.denominator)


def has_quorum(present_voting: int, members: int, share: Fraction) -> bool:
    """Decide whether `present_voting` voting members present make a quorum of `members`."""
    _check_whole("present", present_voting)
    return present_voting >= quorum_required(share, members)


def check_quorum(present_voting: int, members: int, share: Fraction) -> None:
    """Refuse (NoQuorum) when the voting members present do not make a quorum."""
    needed = quorum_required(share, members)
    if not has_quorum(present_voting, members, share):
        raise NoQuorum(
            f"no quorum: {present_voting} of {members} voting members present, {needed} needed"
        )


@dataclass(frozen=True)
class Member:
    """One mandate on a body's roll, as far as attendance and voting are concerned.

    `weight` is the card-vote weight (constituents represented; 1 where all are equal).
    `represents` is set for an alternate: the mandate id of the principal whose seat it may
    take. `consultative` seats may speak and move but never vote.
    """

    mandate_id: int
    weight: int = 1
    represents: int | None = None
    consultative: bool = False


@dataclass(frozen=True)
class Seat:
    """A vote in a frozen electorate: the seat (principal's mandate) and who casts it."""

    mandate_id: int
    voter_id: int
    weight: int

    @property
    def by_alternate(self) -> bool:
        """Whether an alternate casts this seat's vote."""
        return self.voter_id != self.mandate_id


@dataclass(frozen=True)
class Electorate:
    """Who may vote in a poll, fixed at its opening, with the figures majorities need.

    `seats` are ordered by mandate id. `members` and `member_weight` are the body's voting
    seats in heads and in weight, the bases "members" of a majority rule.
    """

    seats: tuple[Seat, ...]
    members: int
    member_weight: int

    @property
    def present(self) -> int:
        """Voting seats filled (heads): the base "present" and the count a quorum needs."""
        return len(self.seats)

    @property
    def present_weight(self) -> int:
        """Weight of the voting seats filled: the base "present" of a card vote."""
        return sum(seat.weight for seat in self.seats)

    @property
    def weights(self) -> Mapping[int, int]:
        """Weight by voter (the mandate id that casts the ballot)."""
        return MappingProxyType({seat.voter_id: seat.weight for seat in self.seats})

    def seat_of(self, voter_id: int) -> Seat | None:
        """Decide which seat `voter_id` votes for, or None when not entitled to vote."""
        return next((seat for seat in self.seats if seat.voter_id == voter_id), None)

    def entitled(self, voter_id: int) -> bool:
        """Decide whether `voter_id` may cast a ballot in this poll."""
        return self.seat_of(voter_id) is not None

    def has_quorum(self, share: Fraction) -> bool:
        """Decide whether the seats filled make a quorum of the body's voting members."""
        return has_quorum(self.present, self.members, share)


def freeze_electorate(
    members: Sequence[Member], present: set[int], alternates: Mapping[int, int]
) -> Electorate:
    """Decide who may vote when a poll opens, from the roll and the attendance.

    `present` holds the mandate ids checked in; `alternates` maps an alternate's mandate id
    to the principal it sits in for at this sitting, and must agree with the alternate's
    `represents`. A present principal takes their own seat (an alternate recorded for
    them then does not vote); an absent one's seat is taken by their present alternate;
    consultative seats, and consultative alternates, never vote.
    """
    roll = _checked_roll(members)
    problems = [
        f"mandate {m} is present but not on this body's roll" for m in sorted(present - roll.keys())
    ]
    for alternate, principal_id in sorted(alternates.items()):
        entry = roll.get(alternate)
        if entry is None:
            problems.append(f"alternate {alternate} is not on this body's roll")
        elif entry.represents != principal_id:
            problems.append(f"mandate {alternate} is not an alternate for mandate {principal_id}")
    if problems:
        raise InvalidInput(problems)

    seats: list[Seat] = []
    principals = sorted(
        (m for m in roll.values() if m.represents is None and not m.consultative),
        key=lambda m: m.mandate_id,
    )
    for principal in principals:
        if principal.mandate_id in present:
            seats.append(Seat(principal.mandate_id, principal.mandate_id, principal.weight))
            continue
        sitting_in = sorted(
            alternate
            for alternate, seat in alternates.items()
            if seat == principal.mandate_id
            and alternate in present
            and not roll[alternate].consultative
        )
        if len(sitting_in) > 1:
            # A seat is counted once: two alternates cannot both take it.
            raise InvalidInput(
                f"alternates {', '.join(map(str, sitting_in))} both sit in for "
                f"mandate {principal.mandate_id}"
            )
        if sitting_in:
            seats.append(Seat(principal.mandate_id, sitting_in[0], principal.weight))
    return Electorate(
        seats=tuple(seats),
        members=len(principals),
        member_weight=sum(m.weight for m in principals),
    )


def _checked_roll(members: Sequence[Member]) -> dict[int, Member]:
    roll: dict[int, Member] = {}
    problems: list[str] = []
    for member in members:
        if member.mandate_id in roll:
            problems.append(f"mandate {member.mandate_id} is on the roll twice")
        if isinstance(member.weight, bool) or not isinstance(member.weight, int):
            problems.append(f"mandate {member.mandate_id}: weight must be a whole number")
        elif member.weight < 0:
            problems.append(f"mandate {member.mandate_id}: weight must not be negative")
        roll[member.mandate_id] = member
    for member in roll.values():
        if member.represents is None:
            continue
        principal = roll.get(member.represents)
        if principal is None or principal.represents is not None:
            problems.append(
                f"mandate {member.mandate_id} is an alternate for {member.represents}, "
                "which is not a principal on this body's roll"
            )
    if problems:
        raise InvalidInput(problems)
    return roll


def _check_share(share: Fraction) -> None:
    if isinstance(share, bool) or not isinstance(share, Fraction | int):
        raise InvalidInput(f"a quorum share must be an exact fraction, not {share!r}")
    if not 0 <= share <= 1:
        raise InvalidInput(f"a quorum share must be between 0 and 1, not {share}")


def _check_whole(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{name} must be a whole number of people, not {value!r}")
