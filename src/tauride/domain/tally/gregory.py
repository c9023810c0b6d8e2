"""The weighted inclusive Gregory count that Scottish STV and WIGM share, over ballot rows.

Ballots are held as distinct rankings with counts. Each row carries a cursor on the
candidate that currently holds it (`Piles`; none once it is non-transferable) and its
current value, the same for every ballot of the row because they follow the same path. A
stage moves the rows held by one candidate on from where they stand, so its work is
proportional to the rows that move.

Values are counted in units: 10^-places of a vote in fixed point (Python or NumPy
integers; Scottish STV's five decimals), or exact fractions when `places` is None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from tauride.domain.tally.piles import Piles
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult, Decision, Number, Round, decimal_text
from tauride.domain.tally.single import weighted_tally
from tauride.domain.tally.stv_common import (
    INT64_SAFE,
    AnyArray,
    break_tie,
    by_total,
    exact_number,
    fixed_number,
    group_sum,
    prepare,
)

CONTINUING, ELECTED, EXCLUDED, WITHDRAWN = 0, 1, 2, 3


@dataclass(frozen=True)
class GregoryRules:
    """The choices that tell one weighted inclusive Gregory rule set from another.

    `cite` maps each decision to the words (and rule numbers) the record gives for it:
    keys quota, surplus, exclusion, surplus_tie, surplus_lot, exclusion_tie,
    exclusion_lot, last, quota_rule.
    """

    method: str
    places: int | None
    quota: Callable[[int, int], Fraction]
    elected_at_quota: bool
    cite: Mapping[str, str] = field(default_factory=dict)


class _Count:
    """One count in progress: candidates' states and totals, and where every row stands."""

    def __init__(self, profile: Profile, seats: int, seed: int, rules: GregoryRules) -> None:
        if seats < 1:
            raise ValueError("at least one seat")
        self.rules = rules
        self.seats = seats
        self.seed = seed
        self.ballots = profile.total
        self.names = profile.candidates
        self.n = profile.n_candidates
        ballots = prepare(profile)
        self.standing = ballots.standing
        self.valid = ballots.valid
        self.exact = rules.places is None
        self.one: Any = Fraction(1) if rules.places is None else 10**rules.places
        quota = rules.quota(self.valid, seats)
        self.quota: Any = quota if self.exact else int(quota * self.one)
        # Fixed point stays in int64 while value x surplus cannot overflow it.
        small = not self.exact and self.one * self.one * max(self.valid, 1) < INT64_SAFE
        self.rankings = ballots.rankings
        self.counts: AnyArray = ballots.counts if small else ballots.counts.astype(object)
        rows = self.rankings.shape[0]
        self.values: AnyArray = np.full(rows, self.one, dtype=np.int64 if small else object)
        self.state = np.full(self.n + 1, WITHDRAWN, dtype=np.int8)
        self.state[list(self.standing)] = CONTINUING
        # Every valid row starts with a standing candidate: the cursors rest on the first.
        self.piles = Piles(self.rankings, self.n, np.ones(self.n + 1, dtype=bool))
        self.zero: Any = Fraction(0) if self.exact else 0
        self.totals: list[Any] = [self.zero] * self.n
        # Every paper starts at the value one: the first stage is a count of first choices.
        firsts = weighted_tally(self.piles.holders(), ballots.counts, self.n + 1)
        for c, total in enumerate(firsts[: self.n].tolist()):
            self.totals[c] = self.one * total
        self.exhausted: Any = self.zero
        self.pending: set[int] = set()
        self.elected: list[int] = []
        self.history: list[list[Any]] = []
        self.rounds: list[Round] = []
        self.lot_drawn = False

    # -- numbers ---------------------------------------------------------------------

    def number(self, units: Any) -> Number:
        if self.rules.places is None:
            return exact_number(units)
        return fixed_number(int(units), self.rules.places)

    def text(self, units: Any) -> str:
        return decimal_text(self.number(units), self.rules.places)

    # -- moving ballots --------------------------------------------------------------

    def continuing(self) -> list[int]:
        return [c for c in self.standing if self.state[c] == CONTINUING]

    def move(self, source: int, transfer_value: Callable[[AnyArray], AnyArray]) -> dict[int, Any]:
        """Pass every row `source` holds to its next available preference at a new value.

        Rows with no next available preference become non-transferable at that value.
        Returns what each continuing candidate received.
        """
        rows = self.piles.held_by(source)
        values = transfer_value(self.values[rows])
        # A cursor rests on a continuing candidate or on the blank that ends its ranking.
        stop = self.state == CONTINUING
        stop[self.n] = True
        nxt = self.piles.advance(rows, stop)
        self.values[rows] = values
        amounts = values * self.counts[rows]
        going = nxt != self.n
        received = group_sum(amounts[going], nxt[going], self.n)
        if not going.all():
            spent = amounts[~going].sum()
            self.exhausted += spent if self.exact else int(spent)
        gains: dict[int, Any] = {}
        for c in self.continuing():
            self.totals[c] += received[c]
            gains[c] = received[c]
        return gains

    # -- stages ----------------------------------------------------------------------

    def elect_reaching_quota(self) -> list[Decision]:
        """Rule 47: deem elected every continuing candidate at (or over) the quota."""
        if self.rules.elected_at_quota:
            reached = [c for c in self.continuing() if self.totals[c] >= self.quota]
        else:
            reached = [c for c in self.continuing() if self.totals[c] > self.quota]
        reached = by_total(reached, self.totals)[: self.seats - len(self.elected)]
        for c in reached:
            self.state[c] = ELECTED
            self.elected.append(c)
            if self.totals[c] > self.quota:
                self.pending.add(c)
        return [Decision("elected", (self.names[c],), self.rules.cite["quota"]) for c in reached]

    def choose(
        self, tied: list[int], decisions: list[Decision], *, highest: bool, purpose: str
    ) -> int:
        """Decide which of `tied` is dealt with first: by earlier stages, then by lot.

        Surpluses (rule 49) look for the highest earlier total, exclusions (rule 51) for
        the lowest; the decision, when there was a tie, is appended to `decisions`.
        """
        if len(tied) == 1:
            return tied[0]
        surplus = highest
        tie = break_tie(
            tied,
            self.history,
            highest=highest,
            names=self.names,
            seed=self.seed,
            purpose=purpose,
            what="equal surpluses" if surplus else "equal fewest votes",
            lookback_rule=self.rules.cite["surplus_tie" if surplus else "exclusion_tie"],
            lot_rule=self.rules.cite["surplus_lot" if surplus else "exclusion_lot"],
        )
        self.lot_drawn = self.lot_drawn or tie.by_lot
        decisions.append(tie.decision)
        return tie.chosen

    def transfer_surplus(self, stage: int) -> tuple[list[Decision], dict[int, Any], str]:
        """Rules 48 and 49: transfer the largest surplus, every paper at its share of it."""
        largest = max(self.totals[c] for c in self.pending)
        tied = [c for c in self.pending if self.totals[c] == largest]
        decisions: list[Decision] = []
        source = self.choose(tied, decisions, highest=True, purpose=f"surplus at stage {stage}")
        self.pending.discard(source)
        total = self.totals[source]
        surplus = total - self.quota

        def share(values: AnyArray) -> AnyArray:
            # Rule 48(3): surplus x value of the paper / candidate's total, to the last
            # decimal counted, any remainder ignored.
            shares: AnyArray = values * surplus / total if self.exact else values * surplus // total
            return shares

        gains = self.move(source, share)
        self.totals[source] = self.quota
        transfers = {source: -surplus, **gains}
        note = f"surplus of {self.names[source]} ({self.text(surplus)}) transferred"
        return decisions, transfers, f"{note} ({self.rules.cite['surplus']})"

    def exclude_lowest(self, stage: int) -> tuple[list[Decision], dict[int, Any], str]:
        """Rules 50 and 51: exclude the fewest votes; all papers pass at their values."""
        continuing = self.continuing()
        lowest = min(self.totals[c] for c in continuing)
        tied = [c for c in continuing if self.totals[c] == lowest]
        decisions: list[Decision] = []
        source = self.choose(tied, decisions, highest=False, purpose=f"exclusion at stage {stage}")
        self.state[source] = EXCLUDED
        decisions.append(Decision("excluded", (self.names[source],), self.rules.cite["exclusion"]))
        total = self.totals[source]
        # Rule 50(4): a paper keeps the value it had when it reached the excluded candidate.
        gains = self.move(source, lambda values: values)
        self.totals[source] = self.zero
        return decisions, {source: -total, **gains}, f"{self.names[source]} excluded"

    def record(
        self, stage: int, decisions: list[Decision], transfers: dict[int, Any], note: str
    ) -> None:
        totals = list(self.totals)
        self.history.append(totals)
        lost = self.valid * self.one - sum(totals)
        if lost:
            note += f"; non-transferable: {self.text(self.exhausted)} on exhausted papers"
            if lost != self.exhausted:
                note += f" and {self.text(lost - self.exhausted)} lost to truncation"
        self.rounds.append(
            Round(
                number=stage,
                totals={self.names[c]: self.number(totals[c]) for c in self.standing},
                non_transferable=self.number(lost),
                transfers={self.names[c]: self.number(v) for c, v in transfers.items()},
                decisions=tuple(decisions),
                note=note,
            )
        )

    def fill_last_vacancies(self) -> None:
        """Rule 52: continuing candidates no more than the vacancies are all elected."""
        continuing = by_total(self.continuing(), self.totals)
        for c in continuing:
            self.state[c] = ELECTED
            self.elected.append(c)
        last = self.rounds[-1]
        extra = tuple(
            Decision("elected", (self.names[c],), self.rules.cite["last"]) for c in continuing
        )
        self.rounds[-1] = Round(
            number=last.number,
            totals=last.totals,
            non_transferable=last.non_transferable,
            transfers=last.transfers,
            decisions=last.decisions + extra,
            note=last.note,
        )

    def run(self) -> CountResult:
        stage = 1
        decisions = self.elect_reaching_quota()
        note = f"first preferences of {self.valid} valid ballots; quota {self.text(self.quota)}"
        self.record(stage, decisions, {}, f"{note} ({self.rules.cite['quota_rule']})")
        while (vacancies := self.seats - len(self.elected)) > 0:
            if len(self.continuing()) <= vacancies:
                self.fill_last_vacancies()
                break
            stage += 1
            if self.pending:
                decisions, transfers, note = self.transfer_surplus(stage)
            else:
                decisions, transfers, note = self.exclude_lowest(stage)
            decisions += self.elect_reaching_quota()
            self.record(stage, decisions, transfers, note)
        return CountResult(
            method=self.rules.method,
            seats=self.seats,
            ballots=self.ballots,
            elected=tuple(self.names[c] for c in self.elected),
            rounds=tuple(self.rounds),
            quota=self.number(self.quota),
            lot_seed=self.seed if self.lot_drawn else None,
            places=self.rules.places,
        )


def count_gregory(profile: Profile, *, seats: int, seed: int, rules: GregoryRules) -> CountResult:
    """Decide who is elected by weighted inclusive Gregory transfers under `rules`."""
    return _Count(profile, seats, seed, rules).run()
