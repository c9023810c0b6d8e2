"""Scottish STV: The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1.

The count follows rules 45 to 52 of the Order:

- rule 45: the first stage credits each candidate with the first preferences;
- rule 46: the quota is the number of valid ballot papers divided by one more than the
  seats, decimals ignored, plus one;
- rule 47: a candidate whose votes equal or exceed the quota at any stage is elected;
- rule 48: the surplus of an elected candidate is transferred by sorting every paper the
  candidate holds (first preferences and papers received by transfer alike) to its next
  available preference, each at a transfer value of surplus x value of the paper / the
  candidate's total, "to five decimal places (any remainder being ignored)"; papers with
  no next available preference are non-transferable; the candidate keeps the quota;
- rule 49: one surplus per stage, the largest first; equal surpluses go in the order of
  the candidates' totals at the most recent preceding stage at which they differed, and
  by lot if they were equal at every stage;
- rule 50: when no surplus is left to transfer, the continuing candidate with the fewest
  votes is excluded and all of that candidate's papers pass, in one stage, to their next
  available preferences at the value they had when the excluded candidate received them
  (one for first preferences);
- rule 51: equal fewest votes are separated by the most recent preceding stage at which
  the candidates' totals differed, the lowest there being excluded, and by lot if equal
  at every stage;
- rule 52: when the continuing candidates are as many as the vacancies left, they are all
  elected and no further transfer is made.

The Order transfers every surplus while a vacancy remains; it has no rule deferring a
surplus too small to change the order of the continuing candidates (as ERS97 has).

Where the Order leaves room, this count decides: when three or more candidates are tied
and the most recent stage at which they differed still leaves two of them level at the
top (or bottom), the others drop out and the search goes on further back among those two
(the same reading as the rule applied to them alone); when several candidates reach the
quota at one stage, they are listed in order of their totals (ballot-paper order among
equals), which changes nothing but the order of the list. A lot is drawn with
`lots.draw_lot(seed, tied names, "surplus at stage N" | "exclusion at stage N")`.

The figures are exact fixed-point integers in units of 0.00001 vote. A round's
non-transferable total is every vote no candidate holds: the values of exhausted papers
and the fractions lost when transfer values are truncated; its note gives both parts.
"""

from __future__ import annotations

from fractions import Fraction

from tauride.domain.tally.gregory import GregoryRules, count_gregory
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult


def scottish_quota(valid: int, seats: int) -> Fraction:
    """Rule 46: valid ballot papers / (seats + 1), decimals ignored, plus one."""
    return Fraction(valid // (seats + 1) + 1)


SCOTTISH_RULES = GregoryRules(
    method="scottish-stv",
    places=5,
    quota=scottish_quota,
    elected_at_quota=True,
    cite={
        "quota_rule": "rule 46",
        "quota": "quota reached (rule 47)",
        "surplus": "rules 48 and 49(1): largest surplus first",
        "surplus_tie": "rule 49(2)",
        "surplus_lot": "rule 49(3)",
        "exclusion": "fewest votes (rule 50)",
        "exclusion_tie": "rule 51(2)(a)",
        "exclusion_lot": "rule 51(2)(b)",
        "last": "continuing candidates no more than the vacancies left (rule 52)",
    },
)


def scottish_stv(profile: Profile, *, seats: int, seed: int) -> CountResult:
    """Decide who is elected under Scottish STV (SSI 2007/42, Schedule 1, rules 45-52).

    `seed` is used only if a tie survives the look-back of rules 49(2) and 51(2)(a); the
    result then carries it as `lot_seed`.
    """
    return count_gregory(profile, seats=seats, seed=seed, rules=SCOTTISH_RULES)
