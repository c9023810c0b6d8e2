"""Decide the minutes of a sitting from the organization's journal alone.

The chain is folded by `tauride.domain.minutes_fold`, without the database, so that the
minutes can be rebuilt from a verified export as well as from the live journal. Where the
journal is silent the minutes say only what it does tell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from tauride.domain.errors import NotFound
from tauride.domain.journal import JournalEntry
from tauride.domain.minutes_fold import fold_journal
from tauride.domain.minutes_model import ItemRecord, SittingMinutes


def minutes_of(entries: Iterable[JournalEntry], sitting_id: int) -> SittingMinutes:
    """Decide the minutes of one sitting from the organization's chain; NotFound if absent."""
    fold = fold_journal(entries)
    sitting = fold.sittings.get(sitting_id)
    if sitting is None:
        raise NotFound(f"no sitting {sitting_id} in the journal of {fold.slug or 'this chain'}")
    items = sorted(
        (fold.items[i] for i, s in fold.item_sitting.items() if s == sitting_id),
        key=lambda i: i.position,
    )
    other = fold.item_record(sitting_id, ItemRecord(None, 0, "", "", None))
    polls = [p for p in fold.polls.values() if p.sitting == sitting_id]
    return replace(
        sitting,
        organization=fold.organization,
        slug=fold.slug,
        attendance=tuple(fold.attendance[sitting_id]),
        voting_members=polls[-1].members if polls else None,
        quorum=polls[-1].quorum if polls else None,
        agenda=tuple(fold.item_record(sitting_id, i) for i in items),
        other=other if other.speeches or other.motions or other.polls else None,
    )
