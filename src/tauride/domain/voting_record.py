"""Decide a delegate's voting record from the organization's journal alone.

Every poll the delegate was entitled to vote in, in the order the polls opened, and what
they did: the choice in a named poll, participation only in a secret one, or absence. The
chain is folded by `tauride.domain.minutes_fold`, without the database.
"""

from __future__ import annotations

from collections.abc import Iterable

from tauride.domain.errors import NotFound
from tauride.domain.instructions import RecordInstruction, delegate_instructions, fold_instructions
from tauride.domain.journal import JournalEntry
from tauride.domain.minutes_fold import JournalFold, fold_journal
from tauride.domain.minutes_model import Participation, PollRecord, RecordLine, VotingRecord
from tauride.domain.polls import PollMethod


def _participation(fold: JournalFold, poll: PollRecord, mandate_id: int) -> Participation:
    if poll.closed_at is None:
        return Participation.POLL_OPEN
    if poll.method == PollMethod.SHOW_OF_HANDS:
        return Participation.SHOW_OF_HANDS
    if mandate_id not in fold.participants.get(poll.poll, frozenset()):
        return Participation.DID_NOT_VOTE
    if mandate_id in fold.choices.get(poll.poll, {}):
        return Participation.VOTED
    return Participation.TOOK_PART


def voting_record(entries: Iterable[JournalEntry], mandate_id: int) -> VotingRecord:
    """Decide a delegate's record: every poll they were entitled to vote in, and what they
    did — the choice in a named poll, participation only in a secret one, or absence."""
    return _record(fold_journal(entries), mandate_id)


def instructed_record(
    entries: Iterable[JournalEntry], mandate_id: int
) -> tuple[VotingRecord, tuple[RecordInstruction, ...]]:
    """Decide a delegate's record and, beside it, the polls on which their constituency had
    instructed them, with whether the record shows the instruction kept or breached."""
    fold = fold_instructions(entries)
    return _record(fold.journal, mandate_id), delegate_instructions(fold, mandate_id)


def _record(fold: JournalFold, mandate_id: int) -> VotingRecord:
    delegate = fold.people.get(mandate_id)
    if delegate is None:
        raise NotFound(f"no mandate {mandate_id} in the journal of {fold.slug or 'this chain'}")
    lines = []
    for poll in fold.polls.values():
        seat = fold.electorates[poll.poll].get(mandate_id)
        if seat is None:
            continue
        sitting = fold.sittings[poll.sitting]
        lines.append(
            RecordLine(
                poll=poll.poll,
                sitting=poll.sitting,
                body=sitting.body,
                sitting_number=sitting.number,
                sitting_title=sitting.title,
                at=poll.closed_at or poll.opened_at,
                question=poll.question,
                motion=poll.motion,
                method=poll.method,
                participation=_participation(fold, poll, mandate_id),
                choice=fold.choices.get(poll.poll, {}).get(mandate_id),
                seat_of=fold.seat_name(seat, mandate_id),
                carried=poll.carried,
                figure=poll.figure or (", ".join(poll.elected) or None),
            )
        )
    return VotingRecord(delegate, tuple(lines))
