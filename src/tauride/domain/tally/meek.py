"""Meek STV as the Proportional Representation Foundation's Reference Meek Rule counts it.

Every candidate has a keep factor: 1 while hopeful, 0 once excluded, and for an elected
candidate the share of each vote reaching them that they keep, the rest passing on to
the next preference. A round iterates until the keep factors settle:

- distribute (B.2.a): each ballot starts with weight 1; each candidate in order of
  preference keeps weight x keep factor, rounded *up* to the last decimal, and the
  weight falls by that much, until nothing is left or the ranking ends;
- quota (B.2.b): the votes now held by candidates (exhausted weight no longer counts),
  divided by seats + 1, truncated to the last decimal, *plus one unit of it*
  (0.000000001 at nine decimals) — the Reference rule's variant of the Droop quota;
- elect (B.2.c) every hopeful candidate at or over the quota; the round ends there;
- surplus (B.2.d): the sum of the elected candidates' votes over the quota;
- stop iterating (B.2.e) when the surplus falls below omega, 10^-(2p/3) for precision p
  (0.000001 at nine decimals), or stops falling;
- otherwise (B.2.f) set each elected candidate's keep factor to keep factor x quota /
  votes, each step rounded up, and distribute again.

When a round ends without an election, the hopeful candidate with the fewest votes is
excluded (B.3); every hopeful candidate with no more than the fewest votes plus the
surplus counts as tied with it, because the iteration cannot tell them apart. The
Reference rule leaves the tie-break to the election's rules: here the totals at the end
of earlier rounds decide (the lowest at the most recent round at which they differed),
then a lot drawn with `draw_lot(seed, tied names, "exclusion at round N")`.

The count ends (C) when all seats are filled (remaining hopefuls are excluded) or the
hopeful candidates are no more than the seats left (they are elected; a last round shows
one distribution with the final keep factors so that the excluded candidate's votes
appear where they went).

All values are integers in units of 10^-precision (int64 up to nine decimals, Python
integers beyond): no floats. With the default nine decimals the figures are those of the
Reference rule, digit for digit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tauride.domain.tally.meek_paths import Paths
from tauride.domain.tally.profile import Profile
from tauride.domain.tally.records import CountResult, Decision, Round, decimal_text
from tauride.domain.tally.stv_common import (
    INT64_SAFE,
    AnyArray,
    break_tie,
    by_total,
    fixed_number,
    prepare,
)

HOPEFUL, ELECTED, EXCLUDED, WITHDRAWN = 0, 1, 2, 3


class _Meek:
    """One Meek count in progress: keep factors, candidates' states and the rounds so far."""

    def __init__(self, profile: Profile, seats: int, seed: int, precision: int) -> None:
        if seats < 1:
            raise ValueError("at least one seat")
        if not 1 <= precision <= 30:
            raise ValueError("precision must be between 1 and 30 decimals")
        self.seats, self.seed, self.places = seats, seed, precision
        self.names = profile.candidates
        self.n = profile.n_candidates
        self.ballots_total = profile.total
        ballots = prepare(profile)
        self.standing = ballots.standing
        self.valid = ballots.valid
        self.one = 10**precision
        self.omega = 10 ** (precision - 2 * precision // 3)
        small = self.one * self.one < INT64_SAFE and self.one * max(self.valid, 1) < INT64_SAFE
        self.dtype: Any = np.int64 if small else object
        self.state = np.full(self.n, WITHDRAWN, dtype=np.int8)
        self.state[list(self.standing)] = HOPEFUL
        self.keep: AnyArray = np.zeros(self.n, dtype=self.dtype)
        self.keep[list(self.standing)] = self.one
        self.votes: list[int] = [0] * self.n
        self.paths = Paths(ballots.rankings, ballots.counts, self.state, self.dtype)
        self.quota = 0
        self.surplus = 0
        self.elected: list[int] = []
        self.history: list[list[int]] = []
        self.rounds: list[Round] = []
        self.lot_drawn = False

    def with_state(self, state: int) -> list[int]:
        return [c for c in self.standing if self.state[c] == state]

    def distribute(self) -> None:
        """B.2.a: pass every ballot down its ranking, each candidate keeping their share."""
        self.paths.refresh(self.state)
        self.votes = self.paths.distribute(self.keep, self.one)

    def iterate(self) -> tuple[str, int]:
        """B.2: distribute until a candidate is elected or the surplus stops mattering."""
        last_surplus = self.valid * self.one
        iterations = 0
        while True:
            iterations += 1
            self.distribute()
            held = sum(self.votes[c] for c in self.standing if self.state[c] != EXCLUDED)
            self.quota = held // (self.seats + 1) + 1
            reached = [c for c in self.with_state(HOPEFUL) if self.votes[c] >= self.quota]
            elected = self.with_state(ELECTED) + reached
            self.surplus = max(0, sum(self.votes[c] - self.quota for c in elected))
            if reached:
                return "elected", iterations
            if self.surplus < self.omega:
                return "omega", iterations
            if self.surplus >= last_surplus:
                return "stable", iterations
            last_surplus = self.surplus
            for c in self.with_state(ELECTED):
                # B.2.f: kf x quota, rounded up, / votes, rounded up.
                kept = -(-int(self.keep[c]) * self.quota // self.one)
                self.keep[c] = -(-kept * self.one // self.votes[c])

    def record(self, decisions: list[Decision], note: str) -> None:
        number = len(self.rounds) + 1
        previous = self.history[-1] if self.history else None
        self.history.append(list(self.votes))
        held = sum(self.votes)
        self.rounds.append(
            Round(
                number=number,
                totals={self.names[c]: self.fixed(self.votes[c]) for c in self.standing},
                non_transferable=self.fixed(self.valid * self.one - held),
                transfers=(
                    {}
                    if previous is None
                    else {
                        self.names[c]: self.fixed(self.votes[c] - previous[c])
                        for c in self.standing
                        if self.votes[c] != previous[c]
                    }
                ),
                decisions=tuple(decisions),
                note=note,
                keep_values={self.names[c]: self.fixed(int(self.keep[c])) for c in self.standing},
            )
        )

    def fixed(self, units: int) -> Any:
        return fixed_number(units, self.places)

    def exclude_lowest(self, status: str) -> list[Decision]:
        """B.3: exclude the fewest votes; within the surplus of it counts as a tie."""
        hopeful = self.with_state(HOPEFUL)
        lowest = min(self.votes[c] for c in hopeful)
        tied = [c for c in hopeful if self.votes[c] <= lowest + self.surplus]
        decisions: list[Decision] = []
        chosen = tied[0]
        if len(tied) > 1:
            tie = break_tie(
                tied,
                self.history,
                highest=False,
                names=self.names,
                seed=self.seed,
                purpose=f"exclusion at round {len(self.rounds) + 1}",
                what="fewest votes within the surplus",
                step="round",
            )
            chosen, self.lot_drawn = tie.chosen, self.lot_drawn or tie.by_lot
            decisions.append(tie.decision)
        self.state[chosen] = EXCLUDED
        self.keep[chosen] = 0
        why = "below omega" if status == "omega" else "no longer falling"
        reason = f"fewest votes (surplus {self.text(self.surplus)} {why})"
        decisions.append(Decision("excluded", (self.names[chosen],), reason))
        return decisions

    def text(self, units: int) -> str:
        return decimal_text(self.fixed(units), self.places)

    def run(self) -> CountResult:
        last = "start"
        while len(self.with_state(HOPEFUL)) > (left := self.seats - len(self.elected)) > 0:
            last, iterations = self.iterate()
            note = (
                f"{iterations} iteration{'s' if iterations > 1 else ''};"
                f" quota {self.text(self.quota)}; surplus {self.text(self.surplus)}"
            )
            if last == "elected":
                reached = [c for c in self.with_state(HOPEFUL) if self.votes[c] >= self.quota]
                reached = by_total(reached, self.votes)[:left]
                for c in reached:
                    self.state[c] = ELECTED
                    self.elected.append(c)
                decisions = [
                    Decision("elected", (self.names[c],), "quota reached") for c in reached
                ]
            else:
                decisions = self.exclude_lowest(last)
            self.record(decisions, note)
        self.finish(last)
        return CountResult(
            method="meek",
            seats=self.seats,
            ballots=self.ballots_total,
            elected=tuple(self.names[c] for c in self.elected),
            rounds=tuple(self.rounds),
            quota=self.fixed(self.quota),
            lot_seed=self.seed if self.lot_drawn else None,
            places=self.places,
        )

    def finish(self, last: str) -> None:
        """C: elect the remaining hopefuls if seats are left, else exclude them."""
        hopeful = self.with_state(HOPEFUL)
        seats_left = len(self.elected) < self.seats
        if last == "start":
            self.distribute()
            self.quota = sum(self.votes) // (self.seats + 1) + 1
            self.record([], f"first preferences; quota {self.text(self.quota)}")
        elif last != "elected" and seats_left:
            # Show where the last excluded candidate's votes went.
            self.distribute()
            self.record([], "one more distribution with the keep factors reached")
        if seats_left:
            chosen = by_total(hopeful, self.votes)
            for c in chosen:
                self.state[c] = ELECTED
                self.elected.append(c)
            extra = [
                Decision("elected", (self.names[c],), "hopeful candidates no more than seats left")
                for c in chosen
            ]
        else:
            for c in hopeful:
                self.state[c] = EXCLUDED
            extra = [Decision("excluded", (self.names[c],), "all seats filled") for c in hopeful]
        last_round = self.rounds[-1]
        self.rounds[-1] = Round(
            number=last_round.number,
            totals=last_round.totals,
            non_transferable=last_round.non_transferable,
            transfers=last_round.transfers,
            decisions=last_round.decisions + tuple(extra),
            note=last_round.note,
            keep_values=last_round.keep_values,
        )


def meek(profile: Profile, *, seats: int, seed: int, precision: int = 9) -> CountResult:
    """Decide who is elected by Meek STV (Reference Meek Rule) at `precision` decimals."""
    return _Meek(profile, seats, seed, precision).run()
