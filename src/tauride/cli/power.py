"""`tauride power`: each player's voting power in a weighted voting game."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tauride.cli.errors import fail
from tauride.domain.power import (
    BANZHAF,
    INDICES,
    PowerResult,
    banzhaf,
    majority_quota,
    shapley_shubik,
)
from tauride.domain.power_estimates import (
    PowerEstimate,
    banzhaf_monte_carlo,
    shapley_shubik_monte_carlo,
)

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_LONGEST_SHOWN = 18  # digits of a count shown in full in the table; longer ones are rounded


def _parse_weights(text: str, problems: list[str]) -> list[int]:
    """Decide the weights listed in --weights, adding a problem for every bad item."""
    weights: list[int] = []
    for item, given in enumerate(text.split(","), start=1):
        cell = given.strip()
        if not _WHOLE_NUMBER.fullmatch(cell):
            shown = "empty" if not cell else f"{cell!r} is not a whole number"
            problems.append(f"--weights: item {item}: {shown}")
        elif int(cell) < 0:
            problems.append(f"--weights: item {item}: must not be negative ({int(cell)})")
        else:
            weights.append(int(cell))
    return weights


def _parse_names(text: str | None, count: int, problems: list[str]) -> list[str] | None:
    """Decide the names listed in --names: one per weight, none empty, none repeated."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",")]
    if len(names) != count:
        problems.append(f"--names: {len(names)} names for {count} weights")
    if any(not name for name in names):
        problems.append("--names: a name is empty")
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        problems.append(f"--names: given more than once: {', '.join(repeated)}")
    return names


def _parse_quota(text: str | None, total: int, problems: list[str]) -> int:
    """Decide the quota: as given, or more than half of the total weight by default."""
    if text is None:
        if total == 0:
            problems.append("--weights: the total weight is 0, so no coalition can win")
            return 0
        return majority_quota(total)
    if not _WHOLE_NUMBER.fullmatch(text.strip()):
        problems.append(f"--quota: {text!r} is not a whole number")
        return 0
    quota = int(text)
    if quota <= 0:
        problems.append(f"--quota: must be positive ({quota})")
    elif quota > total:
        problems.append(f"--quota: {quota} exceeds the total weight {total}; no coalition can win")
    return quota


def power_command(
    weights: Annotated[
        str,
        typer.Option(
            "--weights",
            help="Comma-separated whole weights of the players (blocs), e.g. 4,4,4,2,2,1.",
            show_default=False,
        ),
    ],
    *,
    quota: Annotated[
        str | None,
        typer.Option(
            "--quota",
            help="Weight a coalition needs to win (default: more than half of the total).",
            show_default=False,
        ),
    ] = None,
    index: Annotated[str, typer.Option("--index", help="banzhaf or shapley-shubik.")] = BANZHAF,
    names: Annotated[
        str | None,
        typer.Option("--names", help="Comma-separated player names, one per weight."),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Estimate by Monte Carlo from this many samples instead of counting exactly"
            " (for games too large to count).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="With --samples: seed of the random draws.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compute each player's voting power (Banzhaf or Shapley–Shubik) in a weighted game."""
    problems: list[str] = []
    given = _parse_weights(weights, problems)
    labels = _parse_names(names, len(weights.split(",")), problems)
    chosen = index.strip().lower()
    if chosen not in INDICES:
        problems.append(f"--index: unknown index {index!r}; one of: {', '.join(INDICES)}")
    if samples is not None and samples < 2:
        problems.append(f"--samples: must be at least 2 ({samples})")
    if seed is not None and samples is None:
        problems.append("--seed applies only with --samples")
    if problems:
        raise fail(problems)
    need = _parse_quota(quota, sum(given), problems)
    if problems:
        raise fail(problems)
    try:
        if samples is not None:
            estimate = (banzhaf_monte_carlo if chosen == BANZHAF else shapley_shubik_monte_carlo)(
                given, need, samples, seed
            )
            _show_estimate(estimate, given, need, labels, as_json)
        else:
            result = (banzhaf if chosen == BANZHAF else shapley_shubik)(given, need)
            _show_result(result, given, need, labels, as_json)
    except ValueError as error:
        raise fail(str(error)) from None


def _number(value: float) -> float:
    """Decide the JSON number shown for a share: 12 significant digits."""
    return float(f"{value:.12g}")


def _show_result(
    result: PowerResult, weights: list[int], quota: int, names: list[str] | None, as_json: bool
) -> None:
    if as_json:
        shown: dict[str, object] = {
            "index": result.index,
            "values": [_number(float(v)) for v in result.values],
            "raw": list(result.raw),
            "exact": [f"{v.numerator}/{v.denominator}" for v in result.values],
        }
        if names is not None:
            shown["names"] = names
        print(json.dumps(shown, ensure_ascii=False))
        return
    counted = "swings" if result.index == BANZHAF else "pivotal orderings"
    table = Table(title=f"{result.index} index, quota {quota} of {sum(weights)}")
    for column in ("player", "weight", counted, "share", "percent"):
        table.add_column(column, justify="left" if column == "player" else "right")
    for i, (weight, raw, value) in enumerate(zip(weights, result.raw, result.values, strict=True)):
        table.add_row(
            Text(names[i] if names else str(i + 1)),
            str(weight),
            _count(raw),
            _fraction(value),
            f"{float(value) * 100:.2f}%",
        )
    Console().print(table)


def _show_estimate(
    estimate: PowerEstimate,
    weights: list[int],
    quota: int,
    names: list[str] | None,
    as_json: bool,
) -> None:
    if as_json:
        shown: dict[str, object] = {
            "index": estimate.index,
            "values": [_number(v) for v in estimate.values],
            "low": [_number(v) for v in estimate.low],
            "high": [_number(v) for v in estimate.high],
            "samples": estimate.samples,
            "seed": estimate.seed,
        }
        if names is not None:
            shown["names"] = names
        print(json.dumps(shown, ensure_ascii=False))
        return
    table = Table(
        title=f"{estimate.index} index, quota {quota} of {sum(weights)}",
        caption=f"estimated from {estimate.samples:,} samples",
    )
    for column in ("player", "weight", "estimate", "95% interval"):
        table.add_column(column, justify="left" if column == "player" else "right")
    for i, weight in enumerate(weights):
        table.add_row(
            Text(names[i] if names else str(i + 1)),
            str(weight),
            f"{estimate.values[i] * 100:.2f}%",
            f"{estimate.low[i] * 100:.2f}% – {estimate.high[i] * 100:.2f}%",
        )
    Console().print(table)


def _count(value: int) -> str:
    """Decide how a count is shown: in full, or rounded to six digits when it is long."""
    digits = str(value)
    if len(digits) <= _LONGEST_SHOWN:
        return f"{value:,}"
    return f"{digits[0]}.{digits[1:6]}e{len(digits) - 1}"


def _fraction(value: Fraction) -> str:
    """Decide how an exact share is shown: as p/q when short enough to read."""
    text = str(value)
    return text if len(text) <= 2 * _LONGEST_SHOWN else "…"
