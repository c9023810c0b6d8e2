"""Minutes of a sitting and a delegate's voting record, read from the journal. Never writes.

Only the journal is read (`tauride.queries.journal.journal_entries`): the minutes are what
the chain records, so that anyone holding an export can rebuild and check them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tauride.domain.instructions import RecordInstruction
from tauride.domain.minutes import minutes_of
from tauride.domain.minutes_model import SittingMinutes, VotingRecord
from tauride.domain.voting_record import instructed_record, voting_record
from tauride.queries.journal import journal_entries


def sitting_minutes(session: Session, slug: str, sitting_id: int) -> SittingMinutes:
    """The minutes of a sitting of the organization; NotFound for an unknown sitting."""
    return minutes_of(journal_entries(session, slug), sitting_id)


def delegate_record(session: Session, slug: str, mandate_id: int) -> VotingRecord:
    """How a delegate voted in every poll they were entitled to; NotFound if unknown."""
    return voting_record(journal_entries(session, slug), mandate_id)


def delegate_record_and_instructions(
    session: Session, slug: str, mandate_id: int
) -> tuple[VotingRecord, tuple[RecordInstruction, ...]]:
    """A delegate's record and the polls on which their constituency had instructed them,
    kept, breached, absent or not known (secret ballot, show of hands)."""
    return instructed_record(journal_entries(session, slug), mandate_id)
