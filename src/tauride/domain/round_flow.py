"""The round flow of a counted election: how each candidate's votes grew, round by round.

Rounds run left to right; each candidate has a lane of their own, in the order of their
first-preference votes. In a lane, a bar stands for the candidate's votes in each round
(all lanes on one scale, with the quota drawn across every lane), and a band joins one
round's bar to the next, its slope the votes the candidate gained or lost by the
transfers, which are also written out (+12.5, −30). The round in which a candidate is
elected or excluded carries the word under its bar; an excluded candidate's lane ends
once their votes have passed on. Votes that could go no further (non-transferable) have
a lane of their own at the bottom when there are any.

The layout is read from the count as an election stores it (the `rounds` of
`CountResult.as_json`): totals and transfers as decimal strings, and the decisions of
each round. Coordinates are those of an SVG drawing, in its own units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

LABEL_WIDTH = 320.0
COLUMN_WIDTH = 130.0
BAR_WIDTH = 56.0
BAR_INSET = 10.0
HEADER = 44.0
LANE = 104.0
VALUE_LINE = 18.0
BAR_SPACE = 48.0
RIGHT = 16.0
SHOWN_PLACES = Decimal("0.01")

NON_TRANSFERABLE = "non-transferable"


@dataclass(frozen=True)
class CountRound:
    """One round of a count: totals after it, the transfers that made them, decisions."""

    number: int
    totals: Mapping[str, Decimal]
    transfers: Mapping[str, Decimal]
    non_transferable: Decimal
    elected: tuple[str, ...]
    excluded: tuple[str, ...]
    exact: Mapping[str, str]
    """The totals as the count wrote them (every decimal it counted)."""
    exact_non_transferable: str


def rounds_of(record: Mapping[str, Any]) -> tuple[CountRound, ...]:
    """The rounds of a stored count (the `count` of an election, `CountResult.as_json`)."""
    rounds = []
    for raw in record.get("rounds", []):
        decisions = raw.get("decisions", [])
        nt = raw.get("non-transferable", raw.get("non_transferable", "0"))
        rounds.append(
            CountRound(
                number=int(raw["round"]),
                totals={c: Decimal(v) for c, v in raw.get("totals", {}).items()},
                transfers={c: Decimal(v) for c, v in raw.get("transfers", {}).items()},
                non_transferable=Decimal(nt),
                elected=tuple(
                    c for d in decisions if d["action"] == "elected" for c in d["candidates"]
                ),
                excluded=tuple(
                    c for d in decisions if d["action"] == "excluded" for c in d["candidates"]
                ),
                exact={c: str(v) for c, v in raw.get("totals", {}).items()},
                exact_non_transferable=str(nt),
            )
        )
    return tuple(rounds)


def shown(value: Decimal) -> Decimal:
    """A total as the chart writes it: to two decimals at most, no trailing zeros."""
    rounded = value.quantize(SHOWN_PLACES)
    return (
        rounded.to_integral_value()
        if rounded == rounded.to_integral_value()
        else rounded.normalize()
    )


@dataclass(frozen=True)
class Bar:
    round: int
    x: float
    y: float
    width: float
    height: float
    value: Decimal
    state: str
    """continuing; elected (in this round or before); excluded (in this round or before)."""

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Band:
    """The link from one round's bar to the next: an area under the line between tops."""

    points: str
    change: Decimal
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Decided:
    """A word under a bar: "elected" or "excluded" in the round it happened."""

    action: str
    round: int
    x: float
    y: float


@dataclass(frozen=True)
class Cell:
    """A lane's figures in one round, for the table: the total as counted, the change by
    the round's transfers, and the decision taken on it in that round."""

    round: int
    exact: str | None
    change: Decimal | None
    decided: str | None


@dataclass(frozen=True)
class Lane:
    kind: str
    """A candidate's lane ("candidate"), or that of the votes that could go no further
    (NON_TRANSFERABLE, with no candidate)."""
    candidate: str
    top: float
    base: float
    label_y: float
    value_y: float
    quota_y: float | None
    bars: tuple[Bar, ...]
    bands: tuple[Band, ...]
    decided: tuple[Decided, ...]
    elected_in: int | None
    excluded_in: int | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Column:
    round: int
    x: float
    centre: float


@dataclass(frozen=True)
class RoundFlow:
    width: float
    height: float
    header_y: float
    columns: tuple[Column, ...]
    lanes: tuple[Lane, ...]
    quota: Decimal | None
    rounds: tuple[CountRound, ...]
    elected: tuple[str, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"

    @property
    def bars_left(self) -> float:
        return LABEL_WIDTH


def _candidates(rounds: Sequence[CountRound]) -> list[str]:
    """Candidates by their first-preference votes, most first; any who enter the count
    later (a count that lists only continuing candidates) after them."""
    first = rounds[0].totals if rounds else {}
    later = [c for r in rounds[1:] for c in r.totals if c not in first]
    return sorted(first, key=lambda c: -first[c]) + list(dict.fromkeys(later))


def _value(r: CountRound, candidate: str, kind: str) -> Decimal | None:
    return r.non_transferable if kind == NON_TRANSFERABLE else r.totals.get(candidate)


def _change(rounds: Sequence[CountRound], i: int, candidate: str, kind: str) -> Decimal | None:
    """What a round's transfers did to a lane (None in the first round)."""
    if i == 0:
        return None
    if kind == NON_TRANSFERABLE:
        return rounds[i].non_transferable - rounds[i - 1].non_transferable
    return rounds[i].transfers.get(candidate)


def _lane(
    kind: str,
    candidate: str,
    top: float,
    rounds: Sequence[CountRound],
    scale: float,
    quota: Decimal | None,
) -> Lane:
    base = top + VALUE_LINE + 4 + BAR_SPACE
    bars: list[Bar] = []
    cells: list[Cell] = []
    decided: list[Decided] = []
    elected_in: int | None = None
    excluded_in: int | None = None
    ended = False
    for i, r in enumerate(rounds):
        value = _value(r, candidate, kind)
        if value is None or ended:
            cells.append(Cell(r.number, None, None, None))
            continue
        action = None
        if kind != NON_TRANSFERABLE and candidate in r.elected:
            elected_in, action = r.number, "elected"
        elif kind != NON_TRANSFERABLE and candidate in r.excluded:
            excluded_in, action = r.number, "excluded"
        exact = r.exact_non_transferable if kind == NON_TRANSFERABLE else r.exact.get(candidate)
        cells.append(Cell(r.number, exact, _change(rounds, i, candidate, kind), action))
        state = "excluded" if excluded_in else "elected" if elected_in else "continuing"
        height = max(float(value), 0.0) * scale
        x = LABEL_WIDTH + i * COLUMN_WIDTH + BAR_INSET
        bars.append(Bar(r.number, x, base - height, BAR_WIDTH, height, shown(value), state))
        if action is not None:
            decided.append(Decided(action, r.number, x + BAR_WIDTH / 2, base + 20))
        # An excluded candidate's lane ends once their votes have all passed on.
        ended = excluded_in is not None and value == 0
    bands = []
    for before, after in pairwise(bars):
        right, left = before.x + before.width, after.x
        points = (
            f"{right:.1f},{base:.1f} {right:.1f},{before.y:.1f} "
            f"{left:.1f},{after.y:.1f} {left:.1f},{base:.1f}"
        )
        change = _change(rounds, after.round - 1, candidate, kind) or Decimal(0)
        bands.append(Band(points, shown(change), (right + left) / 2, base - 6))
    return Lane(
        kind=kind,
        candidate=candidate,
        top=top,
        base=base,
        label_y=top + VALUE_LINE + 4 + BAR_SPACE / 2,
        value_y=top + VALUE_LINE - 4,
        quota_y=base - float(quota) * scale if quota is not None and kind == "candidate" else None,
        bars=tuple(bars),
        bands=tuple(bands),
        decided=tuple(decided),
        elected_in=elected_in,
        excluded_in=excluded_in,
        cells=tuple(cells),
    )


def round_flow(
    rounds: Sequence[CountRound],
    *,
    quota: Decimal | None = None,
    elected: Sequence[str] = (),
) -> RoundFlow:
    """Lay out the round flow of a count: one lane per candidate (first preferences first),
    then the non-transferable votes if any were lost, one column per round."""
    lanes_of = [("candidate", c) for c in _candidates(rounds)]
    if any(r.non_transferable for r in rounds):
        lanes_of.append((NON_TRANSFERABLE, ""))
    values = [v for r in rounds for v in r.totals.values()] + [r.non_transferable for r in rounds]
    largest = max([*values, quota or Decimal(0), Decimal(1)])
    scale = BAR_SPACE / float(largest)
    lanes = tuple(
        _lane(kind, c, HEADER + i * LANE, rounds, scale, quota)
        for i, (kind, c) in enumerate(lanes_of)
    )
    columns = tuple(
        Column(
            r.number,
            LABEL_WIDTH + i * COLUMN_WIDTH,
            LABEL_WIDTH + i * COLUMN_WIDTH + BAR_INSET + BAR_WIDTH / 2,
        )
        for i, r in enumerate(rounds)
    )
    return RoundFlow(
        width=LABEL_WIDTH + len(rounds) * COLUMN_WIDTH + RIGHT,
        height=HEADER + len(lanes) * LANE,
        header_y=HEADER - 16,
        columns=columns,
        lanes=lanes,
        quota=quota,
        rounds=tuple(rounds),
        elected=tuple(elected),
    )


def flow_of_count(record: Mapping[str, Any]) -> RoundFlow:
    """The round flow of a stored count."""
    quota = record.get("quota")
    return round_flow(
        rounds_of(record),
        quota=Decimal(quota) if quota is not None else None,
        elected=tuple(record.get("elected", ())),
    )
