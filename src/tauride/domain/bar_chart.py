"""Lay out a horizontal bar chart: one labelled bar per line, on a scale with round ticks.

The pages draw analytics (constituents per seat, voting power) as SVG; this module decides
only the geometry, in SVG user units, so that a chart is the same on every screen and can
be checked without a browser. Values are never negative (counts, ratios, shares of power);
the scale starts at zero so that bar lengths compare truthfully.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Narrow enough to be drawn at about its own size on a phone (text stays legible), wide
# enough for a desktop column; each label is written above its bar, at full width.
WIDTH = 400
ROW = 36
BAR = 14
LABEL_GAP = 4
LEFT = 12
VALUE_WIDTH = 60
TOP = 4
AXIS = 24
LABEL_CHARS = 58
TICKS = 5


@dataclass(frozen=True)
class Bar:
    """One line of the chart: its label (shortened to fit, in full in `label`) written above
    its bar, the bar, and where its value is written beside the bar's end."""

    label: str
    short: str
    value: float
    x: float
    y: float
    width: float
    height: float
    label_y: float
    text_y: float
    value_x: float


@dataclass(frozen=True)
class Tick:
    value: float
    x: float


@dataclass(frozen=True)
class BarChart:
    """The chart's size, its plot area, bars, ticks and an optional reference line (a mean,
    an equal share) drawn across every bar."""

    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    reference: Tick | None = None


def nice_step(span: float, count: int = TICKS) -> float:
    """Decide a round step (1, 2 or 5 times a power of ten) that cuts `span` into about
    `count` parts."""
    if span <= 0 or count < 1:
        return 1.0
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 5.0, 10.0):
        if raw <= factor * power * (1 + 1e-9):
            return factor * power
    return 10.0 * power


def nice_ticks(maximum: float, count: int = TICKS) -> tuple[float, ...]:
    """Decide the tick values of a scale from zero that reaches at least `maximum`."""
    if maximum <= 0 or not math.isfinite(maximum):
        return (0.0, 1.0)
    step = nice_step(maximum, count)
    steps = math.ceil(maximum / step - 1e-9)
    # Rounded to the step's own precision so that 0.1 + 0.2 prints as 0.3.
    digits = max(0, -math.floor(math.log10(step))) + 1
    return tuple(round(i * step, digits) for i in range(steps + 1))


def shorten(label: str, chars: int = LABEL_CHARS) -> str:
    """A label cut to `chars` characters with an ellipsis, whole when it fits."""
    label = " ".join(label.split())
    return label if len(label) <= chars else label[: max(1, chars - 1)].rstrip() + "…"


def bar_chart(
    lines: Sequence[tuple[str, float]],
    *,
    reference: float | None = None,
    width: float = WIDTH,
    value_width: float = VALUE_WIDTH,
    row: float = ROW,
    bar: float = BAR,
    label_chars: int = LABEL_CHARS,
) -> BarChart:
    """Lay out one bar per (label, value) line, in the order given, on a common scale.

    Raises ValueError for a negative or non-finite value: a bar chart of such a value
    would mislead.
    """
    for label, value in lines:
        if value < 0 or not math.isfinite(value):
            raise ValueError(f"{label}: a bar chart shows values of zero or more, not {value}")
    if reference is not None and (reference < 0 or not math.isfinite(reference)):
        raise ValueError(f"reference: zero or more, not {reference}")
    if bar + LABEL_GAP >= row:
        raise ValueError("a row must hold its label and its bar")
    left, right = float(LEFT), width - value_width
    if right <= left:
        raise ValueError("the chart is too narrow for its values")
    top = float(TOP)
    bottom = top + row * len(lines)
    highest = max([v for _, v in lines] + [reference or 0.0, 0.0])
    ticks = nice_ticks(highest)
    scale = (right - left) / ticks[-1]
    bars = []
    for i, (label, value) in enumerate(lines):
        y = top + (i + 1) * row - bar - LABEL_GAP / 2
        length = value * scale
        bars.append(
            Bar(
                label=label,
                short=shorten(label, label_chars),
                value=value,
                x=left,
                y=y,
                width=length,
                height=bar,
                label_y=y - LABEL_GAP,
                text_y=y + bar / 2,
                value_x=left + length + 4,
            )
        )
    return BarChart(
        width=width,
        height=bottom + AXIS,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        bars=tuple(bars),
        ticks=tuple(Tick(t, left + t * scale) for t in ticks),
        reference=None if reference is None else Tick(reference, left + reference * scale),
    )
