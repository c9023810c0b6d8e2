"""The layout of the analytics bar charts: scales from zero, round ticks, bars in order."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tauride.domain.bar_chart import bar_chart, nice_step, nice_ticks, shorten


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (85, (0, 20, 40, 60, 80, 100)),
        (1000, (0, 200, 400, 600, 800, 1000)),
        (0.37, (0.0, 0.1, 0.2, 0.3, 0.4)),
        (7, (0, 2, 4, 6, 8)),
        (0, (0, 1)),
    ],
)
def test_ticks_are_round_and_reach_the_maximum(maximum: float, ticks: tuple[float, ...]) -> None:
    assert nice_ticks(maximum) == ticks


@given(st.floats(min_value=1e-6, max_value=1e12, allow_nan=False))
def test_the_scale_covers_the_largest_value_with_a_round_step(maximum: float) -> None:
    ticks = nice_ticks(maximum)
    assert ticks[0] == 0
    assert ticks[-1] >= maximum * (1 - 1e-9)
    step = nice_step(maximum)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 5, 10))
    assert 2 <= len(ticks) <= 11


def test_bars_keep_their_order_and_lengths_are_proportional() -> None:
    chart = bar_chart([("Putilov works", 2640.0), ("Narva precinct", 1320.0), ("Empty", 0.0)])
    assert [b.label for b in chart.bars] == ["Putilov works", "Narva precinct", "Empty"]
    first, second, empty = chart.bars
    assert math.isclose(first.width, 2 * second.width)
    assert empty.width == 0
    assert first.y < second.y < empty.y
    assert all(b.x == chart.plot_left for b in chart.bars)
    assert chart.ticks[0].x == chart.plot_left
    assert math.isclose(chart.ticks[-1].x, chart.plot_right)
    assert first.x + first.width <= chart.plot_right
    assert chart.height > chart.plot_bottom >= empty.y + empty.height


def test_a_reference_line_sits_on_the_same_scale_and_may_widen_it() -> None:
    chart = bar_chart([("a", 10.0), ("b", 30.0)], reference=20.0)
    assert chart.reference is not None
    a, b = chart.bars
    assert math.isclose(chart.reference.x, a.x + 2 * a.width)
    assert math.isclose(b.width, 3 * a.width)
    widened = bar_chart([("a", 10.0)], reference=50.0)
    assert widened.ticks[-1].value >= 50


def test_long_labels_are_shortened_for_the_drawing_and_kept_whole() -> None:
    name = "Conference of Regimental Representatives of the Petrograd garrison, 1917"
    (line,) = bar_chart([(name, 1.0)]).bars
    assert line.label == name
    assert line.short.endswith("…")
    assert len(line.short) <= 58
    assert shorten("Narva") == "Narva"
    assert shorten("  Narva   Gate ") == "Narva Gate"


def test_each_label_sits_above_its_own_bar_inside_its_row() -> None:
    chart = bar_chart([("a", 1.0), ("b", 2.0)])
    first, second = chart.bars
    assert chart.plot_top < first.label_y < first.y < first.y + first.height < second.label_y
    assert second.y + second.height <= chart.plot_bottom
    with pytest.raises(ValueError, match="row"):
        bar_chart([("a", 1.0)], row=10, bar=10)


def test_negative_or_infinite_values_are_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        bar_chart([("debt", -1.0)])
    with pytest.raises(ValueError, match="zero or more"):
        bar_chart([("x", math.inf)])


def test_an_empty_chart_has_a_scale_and_no_bars() -> None:
    chart = bar_chart([])
    assert chart.bars == ()
    assert [t.value for t in chart.ticks] == [0, 1]
