"""WIGM: the weighted inclusive Gregory method, exact by default.

The generic rule of the STV counters (OpenSTV's "weighted inclusive STV", Droop's "wigm"):
the Scottish order of the count (one surplus per stage, the largest first; surpluses
before exclusions; exclusion of the fewest votes with all papers at their current values
in one stage; look-back then lot for ties; the last vacancies filled by the continuing
candidates), with three differences:

- arithmetic: exact fractions by default (`precision=None`), so no vote is lost to
  rounding; or fixed point with `precision` decimals, transfer values truncated;
- quota: the exact Droop quota, valid ballots / (seats + 1), with no rounding, and a
  candidate is elected only on *exceeding* it (reaching it cannot elect seats + 1
  candidates); in fixed point the quota is that fraction truncated to `precision`
  decimals plus one unit of the last decimal, and reaching it elects (Droop's rule);
- the record cites no statute.
"""

from __future__ import annotations

from fractions import Fraction

from tauride.domain.tally.gregory import GregoryRules, count_gregory
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult

_CITE = {
    "quota_rule": "Droop quota",
    "quota": "quota reached",
    "surplus": "largest surplus first",
    "surplus_tie": "",
    "surplus_lot": "",
    "exclusion": "fewest votes",
    "exclusion_tie": "",
    "exclusion_lot": "",
    "last": "continuing candidates no more than the vacancies left",
}


def wigm_rules(precision: int | None = None) -> GregoryRules:
    """Decide the WIGM rule set for exact (`None`) or fixed-point arithmetic."""
    if precision is None:
        return GregoryRules(
            method="wigm",
            places=None,
            quota=lambda valid, seats: Fraction(valid, seats + 1),
            elected_at_quota=False,
            cite={**_CITE, "quota": "quota exceeded"},
        )
    if precision < 0:
        raise ValueError("precision must be a number of decimals, 0 or more")
    unit = Fraction(1, 10**precision)

    def quota(valid: int, seats: int) -> Fraction:
        # Truncated to `precision` decimals, plus one unit: never below the exact quota.
        return Fraction(valid * 10**precision // (seats + 1)) * unit + unit

    return GregoryRules(
        method="wigm", places=precision, quota=quota, elected_at_quota=True, cite=_CITE
    )


def wigm(profile: Profile, *, seats: int, seed: int, precision: int | None = None) -> CountResult:
    """Decide who is elected by WIGM, exactly unless `precision` decimals are asked for."""
    return count_gregory(profile, seats=seats, seed=seed, rules=wigm_rules(precision))
