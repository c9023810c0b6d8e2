"""What a count returns: every round, every transfer, and why each decision was taken."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Number = int | Fraction | Decimal


def decimal_text(value: Number, places: int | None = None) -> str:
    """Write a total as a decimal string: exactly where it terminates, else truncated.

    A fraction whose decimal expansion does not end (1/3) is truncated to `places`
    decimals (10 unless given); with `places` given, every value is written with exactly
    that many decimals (Scottish STV's five).
    """
    fraction = Fraction(value)
    if places is None:
        twos = fives = 0
        d = fraction.denominator
        while d % 2 == 0:
            d, twos = d // 2, twos + 1
        while d % 5 == 0:
            d, fives = d // 5, fives + 1
        places = max(twos, fives) if d == 1 else 10
    scaled = abs(fraction.numerator) * 10**places // fraction.denominator
    sign = "-" if fraction < 0 and scaled else ""
    whole, frac = divmod(scaled, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


@dataclass(frozen=True)
class Decision:
    """One decision of a round: who was elected or excluded, or how a tie was settled."""

    action: Literal["elected", "excluded", "tie", "lot"]
    candidates: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Round:
    """The state after one stage of a count."""

    number: int
    totals: dict[str, Number]
    # Votes that could go no further (exhausted ballots and, in fixed-point counts, the
    # fractions lost to truncation): the "non-transferable" line of a result sheet.
    non_transferable: Number = 0
    transfers: dict[str, Number] = field(default_factory=dict)
    decisions: tuple[Decision, ...] = ()
    note: str = ""
    # Meek's keep values, where the method has them.
    keep_values: dict[str, Number] = field(default_factory=dict)


@dataclass(frozen=True)
class CountResult:
    """A full count: method, quota, winners in order of election, and every round."""

    method: str
    seats: int
    ballots: int
    elected: tuple[str, ...]
    rounds: tuple[Round, ...]
    quota: Number | None = None
    # Set when the outcome depended on a lot: the seed it was drawn from.
    lot_seed: int | None = None
    # Winners that tie under a single-winner method with no tie rule of its own.
    tied: tuple[str, ...] = ()
    # Decimal places of a fixed-point count: totals are written with exactly that many.
    # None: Scottish STV's five for "scottish-stv", else each value exactly.
    places: int | None = None

    @property
    def final(self) -> Round:
        return self.rounds[-1]

    def as_json(self) -> dict[str, object]:
        """The `tauride tally --json` document."""
        places = self.places
        if places is None and self.method == "scottish-stv":
            places = 5
        out: dict[str, object] = {
            "method": self.method,
            "seats": self.seats,
            "ballots": self.ballots,
        }
        if self.quota is not None:
            out["quota"] = decimal_text(self.quota, places)
        out["elected"] = list(self.elected)
        out["rounds"] = [
            {
                "round": r.number,
                "totals": {c: decimal_text(v, places) for c, v in r.totals.items()},
                "non-transferable": decimal_text(r.non_transferable, places),
                "transfers": {c: decimal_text(v, places) for c, v in r.transfers.items()},
                "decisions": [
                    {"action": d.action, "candidates": list(d.candidates), "reason": d.reason}
                    for d in r.decisions
                ],
                **({"note": r.note} if r.note else {}),
            }
            for r in self.rounds
        ]
        final = {c: decimal_text(v, places) for c, v in self.final.totals.items()}
        final["non-transferable"] = decimal_text(self.final.non_transferable, places)
        out["final"] = final
        if self.tied:
            out["tied"] = list(self.tied)
        if self.lot_seed is not None:
            out["lot_seed"] = self.lot_seed
        return out
