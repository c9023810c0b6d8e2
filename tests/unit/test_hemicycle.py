"""The hemicycle: every seat placed, none overlapping, read from left to right; members
seated group by group and marked by vote or by faction."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tauride.domain.hemicycle import (
    GROUP_COLOURS,
    INNER,
    NO_GROUP_COLOUR,
    SeatHolder,
    hemicycle,
    row_capacity,
    seat_chart,
    seats_per_row,
)


def test_every_count_from_one_to_three_thousand_fits_its_rows_exactly() -> None:
    previous_rows = 0
    for count in range(1, 3001):
        rows = seats_per_row(count)
        assert sum(rows) == count
        assert all(n >= 1 for n in rows) or count < len(rows)
        # The rows are the fewest that hold the seats, so they never shrink as seats grow.
        assert len(rows) >= previous_rows
        previous_rows = len(rows)
        spacing = (1 - INNER) / len(rows)
        radii = [INNER + spacing * (j + 0.5) for j in range(len(rows))]
        assert all(n <= row_capacity(r, spacing) for n, r in zip(rows, radii, strict=True))
        # Fewer rows would not hold them.
        if len(rows) > 1:
            fewer = (1 - INNER) / (len(rows) - 1)
            held = sum(row_capacity(INNER + fewer * (j + 0.5), fewer) for j in range(len(rows) - 1))
            assert held < count


def test_seats_spread_in_proportion_to_the_length_of_each_row() -> None:
    for count in (50, 115, 450, 3000):
        rows = seats_per_row(count)
        spacing = (1 - INNER) / len(rows)
        radii = [INNER + spacing * (j + 0.5) for j in range(len(rows))]
        for n, r in zip(rows, radii, strict=True):
            share = count * r / sum(radii)
            assert abs(n - share) < 1 + 1e-9 or n == row_capacity(r, spacing)
        assert list(rows) == sorted(rows)  # longer rows hold more seats


def _layout_holds(count: int) -> None:
    chamber = hemicycle(count, radius=500)
    seats = chamber.seats
    assert len(seats) == count
    assert [s.index for s in seats] == list(range(count))
    points = np.array([(s.x, s.y) for s in seats])
    assert (points[:, 1] <= 1e-9).all()  # above the floor line, SVG y grows downwards
    assert (np.hypot(points[:, 0], points[:, 1]) <= chamber.radius + 1e-6).all()
    # No two seats overlap: every pair of centres is two seat radii apart at least.
    if count > 1:
        gaps = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
        np.fill_diagonal(gaps, np.inf)
        assert gaps.min() >= 2 * chamber.seat_radius
    # Left to right: the angle never grows; on one ray the inner row comes first.
    keys = [(-s.angle, s.row) for s in seats]
    assert keys == sorted(keys)
    for row in range(len(chamber.rows)):
        xs = [s.x for s in seats if s.row == row]
        assert xs == sorted(xs)
        assert len(xs) == chamber.rows[row]
        radius = chamber.radii[row]
        assert all(math.isclose(math.hypot(s.x, s.y), radius) for s in seats if s.row == row)


@pytest.mark.parametrize("count", [*range(1, 40), 99, 100, 101, 115, 250, 451, 999, 3000])
def test_the_layout_places_every_seat_without_overlap_from_left_to_right(count: int) -> None:
    _layout_holds(count)


def test_a_lone_seat_stands_at_the_top_and_two_at_the_ends() -> None:
    (seat,) = hemicycle(1, radius=100).seats
    assert math.isclose(seat.x, 0, abs_tol=1e-9)
    assert seat.y < 0
    left, right = hemicycle(2, radius=100).seats
    assert left.x < 0 < right.x
    assert math.isclose(left.y, 0, abs_tol=1e-9)
    assert hemicycle(0).seats == ()
    assert hemicycle(5).view_box.startswith("-")


def _members() -> list[SeatHolder]:
    people = [
        (1, "Avilov", "mensheviks", "Mensheviks"),
        (2, "Bogdanov", "mensheviks", "Mensheviks"),
        (3, "Chkheidze", "mensheviks", "Mensheviks"),
        (4, "Dan", "srs", "Socialist-Revolutionaries"),
        (5, "Erlikh", "srs", "Socialist-Revolutionaries"),
        (6, "Fedorov", "bolsheviks", "Bolsheviks"),
        (7, "Gvozdev", None, None),
    ]
    return [
        SeatHolder(m, name, faction, label, kind="factory", kind_name="Factory")
        for m, name, faction, label in people
    ]


def test_without_a_vote_seats_show_factions_in_wedges_left_to_right() -> None:
    chart = seat_chart(_members())
    assert (chart.by, chart.grouping) == ("faction", "faction")
    assert [s.group for s in chart.seats] == [
        "mensheviks",
        "mensheviks",
        "mensheviks",
        "srs",
        "srs",
        "bolsheviks",
        "",
    ]
    xs = [s.x for s in chart.seats]
    assert xs[0] < 0 < xs[-1]
    assert [(g.key, g.count) for g in chart.groups] == [
        ("mensheviks", 3),
        ("srs", 2),
        ("bolsheviks", 1),
        ("", 1),
    ]
    assert [g.colour for g in chart.groups] == [*GROUP_COLOURS[:3], NO_GROUP_COLOUR]
    assert {m.glyph for m in chart.marks} == {"disc"}
    assert [chart.disc_path(m).count("Z") for m in chart.marks] == [3, 2, 1, 1]
    assert chart.glyph_path(chart.marks[0]) == ""


def test_without_factions_seats_show_kinds_else_one_colour() -> None:
    kinds = [
        SeatHolder(1, "A", kind="company", kind_name="Company"),
        SeatHolder(2, "B", kind="factory", kind_name="Factory"),
        SeatHolder(3, "C", kind="company", kind_name="Company"),
    ]
    chart = seat_chart(kinds)
    assert chart.by == "kind"
    assert [(g.name, g.count) for g in chart.groups] == [("Company", 2), ("Factory", 1)]
    plain = seat_chart([SeatHolder(1, "A"), SeatHolder(2, "B")])
    assert plain.by == "members"
    assert [(g.key, g.count) for g in plain.groups] == [("", 2)]


def test_after_a_named_vote_each_seat_carries_its_vote_and_its_mark() -> None:
    votes = {1: "yes", 2: "no", 3: "yes", 4: "abstain", 6: "no"}
    chart = seat_chart(_members(), votes=votes)
    assert (chart.by, chart.grouping) == ("vote", "faction")
    marks = {m.key: (m.glyph, m.count) for m in chart.marks}
    assert marks == {
        "yes": ("disc", 2),
        "no": ("cross", 2),
        "abstain": ("bar", 1),
        "absent": ("ring", 2),
    }
    by_member = {s.holder.mandate: s.mark for s in chart.seats}
    assert by_member == {
        1: "yes",
        2: "no",
        3: "yes",
        4: "abstain",
        5: "absent",
        6: "no",
        7: "absent",
    }
    # Factions keep their wedges; inside a wedge the seats are ordered by vote.
    assert [s.holder.mandate for s in chart.seats] == [1, 3, 2, 4, 5, 6, 7]
    assert sum(chart.disc_path(m).count("Z") for m in chart.marks) == 7
    cross = chart.glyph_path(next(m for m in chart.marks if m.key == "no"))
    assert cross.count("M") == 4
    assert cross.count("L") == 4
    bar = chart.glyph_path(next(m for m in chart.marks if m.key == "abstain"))
    assert bar.count("M") == 1
    assert bar.count("H") == 1
    table = {group.key: counts for group, counts in chart.table}
    assert table["mensheviks"] == (2, 1, 0, 0)
    assert table["srs"] == (0, 0, 1, 1)
    assert table[""] == (0, 0, 0, 1)


def test_other_options_are_lettered() -> None:
    votes = {1: "Plan A", 2: "Plan B", 3: "abstain"}
    chart = seat_chart(_members(), votes=votes, options=["Plan A", "Plan B", "abstain"])
    lettered = {m.key: (m.glyph, m.letter, m.count) for m in chart.marks}
    assert lettered["Plan A"] == ("letter", "A", 1)
    assert lettered["Plan B"] == ("letter", "B", 1)
    assert lettered["abstain"][0] == "bar"
    assert lettered["absent"] == ("ring", "", 4)
