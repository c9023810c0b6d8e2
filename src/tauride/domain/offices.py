"""Rules on offices held by election that refuse an act with their own problem type."""

from __future__ import annotations

from tauride.domain.errors import Conflict


class OfficeHeld(Conflict):
    """Every place of the office is held (or the member holds it already): a holder must be
    recalled, or leave, before the office is filled again."""

    kind = "office-held"


class RecallPending(Conflict):
    """A motion to recall this holder from the office is already before the body."""

    kind = "recall-pending"
