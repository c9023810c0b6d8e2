"""Where each member of a body sits in a hemicycle chart, and what their seat shows.

The seats stand on rows of concentric half-circles, as in a parliament chart: the number
of rows is the fewest that hold every seat with a clear gap between neighbours, and the
seats are spread over the rows in proportion to each row's length (its radius), by
largest remainders, so that they stand equally dense on every row. Read from the left
end of the arc to the right, the seats form one order; members fill that order group by
group, so that each group holds a wedge of the chamber.

What a seat shows:

- after a named poll, how its member voted: yes, no, abstain, another option, or absent
  (entitled or not, no ballot). Each vote has its colour and also its own mark, so that
  colour is never the only carrier: yes a full disc, no a disc crossed out, abstention a
  disc struck through by a bar, absence an empty ring, another option a disc with its
  letter (A, B, …) in the order of the poll's options;
- otherwise, the member's faction, in the organization's order of factions, members of
  no faction last. Where no member of the body belongs to a faction, seats show the
  member's kind of constituency instead (factories, companies, …); where there are no
  constituencies either, all seats have the one colour of the body's members.

Within a group seats are ordered by vote (in the order above) and then by name, so that
how a faction split is seen inside its wedge. Coordinates are those of an SVG drawing:
the centre of the arcs is the origin and y grows downwards, so every seat has y ≤ 0.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

INNER = 0.4
"""The empty well in the middle: the innermost row starts at this share of the radius."""

SEAT_SHARE = 0.4
"""A seat's radius as a share of the distance between rows: neighbours keep a clear gap."""

GROUP_COLOURS: tuple[str, ...] = (
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
    "#882255",
    "#44aa99",
    "#117733",
    "#332288",
    "#ddcc77",
)
"""Colours of factions (or kinds) in order, told apart by those who do not see every colour
(Okabe and Ito's palette, then Tol's); a body of more groups repeats them, and its legend
and table still tell the groups apart."""

NO_GROUP_COLOUR = "#9a9fa6"
VOTE_COLOURS: Mapping[str, str] = {
    "yes": "#1d6b36",
    "no": "#a11d1d",
    "abstain": "#8a6a00",
    "absent": "#8a9099",
}
VOTE_GLYPHS: Mapping[str, str] = {"yes": "disc", "no": "cross", "abstain": "bar", "absent": "ring"}
ABSENT = "absent"
NO_GROUP = ""


@dataclass(frozen=True, slots=True)
class Seat:
    """One seat: its place in the left-to-right order, its row (0 innermost) and position."""

    index: int
    row: int
    angle: float
    x: float
    y: float


@dataclass(frozen=True)
class Hemicycle:
    """The seats of a chamber of `radius`, in left-to-right order."""

    seats: tuple[Seat, ...]
    rows: tuple[int, ...]
    """Seats on each row, innermost first."""
    radii: tuple[float, ...]
    radius: float
    seat_radius: float

    @property
    def view_box(self) -> str:
        """The SVG viewBox that holds every seat with a margin."""
        margin = self.seat_radius * 2
        side = self.radius + margin
        return f"{-side:.1f} {-side:.1f} {2 * side:.1f} {side + margin:.1f}"


def row_capacity(radius: float, spacing: float) -> int:
    """The most seats a half-circle of `radius` holds with neighbours `spacing` apart."""
    half_chord = spacing / (2 * radius)
    if half_chord >= 1:
        return 1
    return math.floor(math.pi / (2 * math.asin(half_chord)) + 1e-9) + 1


def _rows(count: int) -> tuple[float, list[float], list[int]]:
    """The fewest rows that hold `count` seats: (spacing, radii, capacities) for a unit radius."""
    rows = 1
    while True:
        spacing = (1 - INNER) / rows
        radii = [INNER + spacing * (j + 0.5) for j in range(rows)]
        capacities = [row_capacity(r, spacing) for r in radii]
        if sum(capacities) >= count:
            return spacing, radii, capacities
        rows += 1


def _spread(count: int, radii: Sequence[float], capacities: Sequence[int]) -> list[int]:
    """Seats per row in proportion to the rows' radii, none above its capacity.

    Largest remainders; a row whose share exceeds its capacity is filled to capacity and
    the rest is shared again among the others (the capacities hold `count` in all).
    """
    seats = [0] * len(radii)
    open_rows = list(range(len(radii)))
    left = count
    while left:
        total = sum(radii[j] for j in open_rows)
        quotas = {j: left * radii[j] / total for j in open_rows}
        share = {j: math.floor(q) for j, q in quotas.items()}
        by_remainder = sorted(open_rows, key=lambda j: (share[j] - quotas[j], -j))
        for j in by_remainder[: left - sum(share.values())]:
            share[j] += 1
        over = [j for j in open_rows if share[j] > capacities[j]]
        if not over:
            for j in open_rows:
                seats[j] = share[j]
            return seats
        for j in over:
            seats[j] = capacities[j]
            left -= capacities[j]
            open_rows.remove(j)
    return seats


def seats_per_row(count: int) -> tuple[int, ...]:
    """How many of `count` seats stand on each row, innermost first."""
    if count < 1:
        return ()
    _, radii, capacities = _rows(count)
    return tuple(_spread(count, radii, capacities))


def hemicycle(count: int, radius: float = 500.0) -> Hemicycle:
    """The seats of a chamber of `count` members, drawn with an outer radius of `radius`."""
    if count < 1:
        return Hemicycle((), (), (), radius, radius * (1 - INNER) * SEAT_SHARE)
    spacing, radii, capacities = _rows(count)
    rows = _spread(count, radii, capacities)
    placed: list[tuple[float, int, float]] = []
    for row, (r, n) in enumerate(zip(radii, rows, strict=True)):
        for i in range(n):
            angle = math.pi / 2 if n == 1 else math.pi * (1 - i / (n - 1))
            placed.append((angle, row, r * radius))
    # Left to right: by angle from the left end; on one ray, the inner row first.
    placed.sort(key=lambda seat: (-seat[0], seat[1]))
    seats = tuple(
        Seat(index, row, angle, r * math.cos(angle), -r * math.sin(angle))
        for index, (angle, row, r) in enumerate(placed)
    )
    return Hemicycle(
        seats=seats,
        rows=tuple(rows),
        radii=tuple(r * radius for r in radii),
        radius=radius,
        seat_radius=spacing * radius * SEAT_SHARE,
    )


@dataclass(frozen=True)
class SeatHolder:
    """A member as the chart needs them: their faction and kind of constituency, if any."""

    mandate: int
    name: str
    faction: str | None = None
    faction_name: str | None = None
    kind: str | None = None
    kind_name: str | None = None


@dataclass(frozen=True)
class Group:
    """A faction, a kind of constituency, or the whole body: a wedge of seats."""

    key: str
    name: str
    colour: str
    count: int


@dataclass(frozen=True)
class Mark:
    """What seats of one colour show: a group, or a vote with its mark (see the module)."""

    key: str
    name: str
    colour: str
    glyph: str
    """disc, cross, bar, ring or letter."""
    letter: str
    count: int


@dataclass(frozen=True, slots=True)
class PlacedSeat:
    x: float
    y: float
    holder: SeatHolder
    group: str
    mark: str


@dataclass(frozen=True)
class SeatChart:
    """A body's hemicycle: every member in their seat, the marks and a table of groups."""

    by: str
    """What the colours tell: "vote", or the grouping."""
    grouping: str
    """How members are grouped into wedges: "faction", "kind" or "members"."""
    layout: Hemicycle
    seats: tuple[PlacedSeat, ...]
    groups: tuple[Group, ...]
    marks: tuple[Mark, ...]
    table: tuple[tuple[Group, tuple[int, ...]], ...]
    """Seats of each group under each mark (vote charts), in the order of `marks`."""

    def seats_of(self, mark: str) -> tuple[PlacedSeat, ...]:
        return tuple(s for s in self.seats if s.mark == mark)

    def disc_path(self, mark: Mark) -> str:
        """One SVG path drawing the seats of a mark as circles (an empty ring's smaller)."""
        r = self.layout.seat_radius * (0.85 if mark.glyph == "ring" else 1)
        return "".join(
            f"M{s.x - r:.1f} {s.y:.1f}a{r:.2f} {r:.2f} 0 1 0 {2 * r:.2f} 0"
            f"a{r:.2f} {r:.2f} 0 1 0 {-2 * r:.2f} 0Z"
            for s in self.seats
            if s.mark == mark.key
        )

    def glyph_path(self, mark: Mark) -> str:
        """One SVG path drawing the cross or bar over every seat of a mark ("" otherwise)."""
        if mark.glyph not in ("cross", "bar"):
            return ""
        a = self.layout.seat_radius * 0.6
        parts = []
        for s in self.seats_of(mark.key):
            if mark.glyph == "cross":
                parts.append(
                    f"M{s.x - a:.1f} {s.y - a:.1f}L{s.x + a:.1f} {s.y + a:.1f}"
                    f"M{s.x - a:.1f} {s.y + a:.1f}L{s.x + a:.1f} {s.y - a:.1f}"
                )
            else:
                parts.append(f"M{s.x - a:.1f} {s.y:.1f}H{s.x + a:.1f}")
        return "".join(parts)


def _grouping(members: Sequence[SeatHolder]) -> tuple[str, list[tuple[str, str]]]:
    """What the groups are and their order: factions, else kinds, else one group."""
    if any(m.faction for m in members):
        by, pairs = "faction", [(m.faction or NO_GROUP, m.faction_name or "") for m in members]
    elif any(m.kind for m in members):
        by, pairs = "kind", [(m.kind or NO_GROUP, m.kind_name or "") for m in members]
    else:
        return "members", [(NO_GROUP, "")]
    order: dict[str, str] = {}
    for key, name in pairs:
        if key != NO_GROUP:
            order.setdefault(key, name or key)
    if any(key == NO_GROUP for key, _ in pairs):
        order[NO_GROUP] = ""
    return by, list(order.items())


def _group_of(member: SeatHolder, by: str) -> str:
    if by == "faction":
        return member.faction or NO_GROUP
    if by == "kind":
        return member.kind or NO_GROUP
    return NO_GROUP


def _vote_marks(options: Sequence[str]) -> list[Mark]:
    marks: list[Mark] = []
    others = [o for o in options if o not in VOTE_COLOURS]
    for option in [*options, ABSENT]:
        if option in VOTE_COLOURS:
            colour, glyph, letter = VOTE_COLOURS[option], VOTE_GLYPHS[option], ""
        else:
            i = others.index(option)
            colour, glyph = GROUP_COLOURS[i % len(GROUP_COLOURS)], "letter"
            letter = _letter(i)
        marks.append(Mark(option, option, colour, glyph, letter, 0))
    return marks


def _letter(i: int) -> str:
    """A, B, … Z, AA, AB, …: the letter of the i-th option that is not yes, no or abstain."""
    text = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def seat_chart(
    members: Sequence[SeatHolder],
    *,
    votes: Mapping[int, str] | None = None,
    options: Sequence[str] = ("yes", "no", "abstain"),
    radius: float = 500.0,
) -> SeatChart:
    """The hemicycle of a body's `members`: by how each voted when `votes` (mandate →
    choice, after a named poll) is given, by faction (or kind) otherwise."""
    by, order = _grouping(members)
    colours = {
        key: NO_GROUP_COLOUR if key == NO_GROUP else GROUP_COLOURS[i % len(GROUP_COLOURS)]
        for i, (key, _) in enumerate(order)
    }
    rank = {key: i for i, (key, _) in enumerate(order)}
    if votes is not None:
        marks = _vote_marks(options)
        mark_rank = {m.key: i for i, m in enumerate(marks)}

        def mark_of(member: SeatHolder) -> str:
            choice = votes.get(member.mandate, ABSENT)
            return choice if choice in mark_rank else ABSENT
    else:
        marks = [Mark(key, name, colours[key], "disc", "", 0) for key, name in order]
        mark_rank = {m.key: i for i, m in enumerate(marks)}

        def mark_of(member: SeatHolder) -> str:
            return _group_of(member, by)

    placed = sorted(
        ((_group_of(m, by), mark_of(m), m) for m in members),
        key=lambda gm: (rank[gm[0]], mark_rank[gm[1]], gm[2].name, gm[2].mandate),
    )
    layout = hemicycle(len(placed), radius)
    seats = tuple(
        PlacedSeat(seat.x, seat.y, member, group, mark)
        for seat, (group, mark, member) in zip(layout.seats, placed, strict=True)
    )
    per_group = Counter(group for group, _, _ in placed)
    per_mark = Counter(mark for _, mark, _ in placed)
    per_cell = Counter((group, mark) for group, mark, _ in placed)
    groups = tuple(Group(key, name, colours[key], per_group[key]) for key, name in order)
    counted = tuple(
        Mark(m.key, m.name, m.colour, m.glyph, m.letter, per_mark[m.key]) for m in marks
    )
    table = tuple((g, tuple(per_cell[g.key, m.key] for m in counted)) for g in groups)
    return SeatChart(
        by="vote" if votes is not None else by,
        grouping=by,
        layout=layout,
        seats=seats,
        groups=groups,
        marks=counted,
        table=table,
    )
