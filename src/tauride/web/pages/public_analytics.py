"""Analytics for the public: how truly a body's seats represent its constituents, who
stands behind its decisions, and how voting power is shared among its factions or
delegations — each as a chart with its figures beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tauride.domain.bar_chart import BarChart, bar_chart
from tauride.domain.errors import InvalidInput
from tauride.domain.power import BANZHAF, SHAPLEY_SHUBIK
from tauride.queries.analytics import (
    Bloc,
    BodyPower,
    BodyRepresentativeness,
    body_power,
    body_representativeness,
)
from tauride.queries.organizations import organization_summary
from tauride.queries.poll_analytics import poll_representativeness
from tauride.web.database import DB
from tauride.web.pages import i18n
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.public_common import show
from tauride.web.pages.public_reads import closed_polls, find_body, organization_header
from tauride.web.pages.session import PageAct, PageContext

router = APIRouter(include_in_schema=False)

AnalyticsReader = Annotated[PageContext, Depends(PageAct("analytics.read"))]

Index = Literal["banzhaf", "shapley-shubik"]
POLLS = 10
# Beyond this many lines a chart would be taller than a screen is useful for: the table
# below it carries every line.
CHART_LINES = 100


@dataclass(frozen=True)
class BlocPower:
    """One bloc of a body voting together, its weight and its share of power by each index
    (with the 95% interval of an estimate, when the game was too large to count)."""

    name: str | None
    members: int
    weight: int
    banzhaf: float
    shapley_shubik: float
    banzhaf_interval: tuple[float, float] | None = None
    shapley_shubik_interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class Power:
    """The weighted game of a body voting in blocs, as the page shows it: the heaviest
    blocs first, factions by their names."""

    bloc: str
    weight: str
    quota: int
    total: int
    blocs: tuple[BlocPower, ...]
    samples: int | None = None
    """How many random coalitions and orderings the estimates drew; None when exact."""


def shown_power(power: BodyPower) -> Power:
    """Decide what the page shows of a body's power: each bloc by name, heaviest first."""
    game = power.game
    lines = []
    for line in game.blocs:
        name = line.name
        if name is not None and power.bloc == "faction":
            name = power.faction_names.get(name, name)
        first, second = line.shares[BANZHAF], line.shares[SHAPLEY_SHUBIK]
        lines.append(
            BlocPower(
                name,
                line.members,
                line.weight,
                first.value,
                second.value,
                first.interval,
                second.interval,
            )
        )
    lines.sort(key=lambda line: (-line.weight, line.name or ""))
    return Power(power.bloc, power.weight, game.quota, game.total, tuple(lines), game.samples)


def _largest(bodies: list[Any]) -> str | None:
    """The key of the body with the most voting members: the one most constituents watch."""
    return max(bodies, key=lambda b: b.voting).key if bodies else None


@router.get("/o/{slug}/analytics", response_class=HTMLResponse)
def analytics(
    request: Request,
    page: AnalyticsReader,
    database: DB,
    body: Annotated[str | None, Query(max_length=64)] = None,
    bloc: Annotated[Bloc, Query()] = "faction",
    index: Annotated[Index, Query()] = "banzhaf",
) -> HTMLResponse:
    """Representativeness of a body (constituents per seat, Loosemore–Hanby and Gallagher
    indices, by kind and by constituency), who stood behind its latest decisions, and the
    voting power of its blocs by the Banzhaf and Shapley–Shubik indices."""
    with database.unit_of_work() as session:
        org = organization_header(session, page.ctx.org_id)
        summary = organization_summary(session, page.slug)
        wanted = body or _largest(summary.bodies)
        chosen = find_body(session, page.ctx.org_id, wanted) if wanted else None
        key = chosen.key if chosen else None
        report = _representativeness(session, page.slug, key) if key else None
        measured = body_power(session, page.slug, key, bloc=bloc) if key else None
        decided = closed_polls(session, page.ctx.org_id, chosen.id, POLLS) if chosen else []
        polls = [poll_representativeness(session, page.slug, p).as_dict() for p in decided]
    i18n.activate(page.viewer.locale)  # the charts' labels are written here
    power = shown_power(measured) if measured is not None else Power(bloc, "heads", 0, 0, ())
    figures = report.as_dict() if report else None
    return show(
        request,
        page,
        org,
        "public/analytics.html",
        "analytics",
        bodies=summary.bodies,
        body=key,
        bloc=bloc,
        index=index,
        report=figures,
        kinds_chart=_kinds_chart(figures),
        places_chart=_places_chart(figures),
        power=power,
        power_chart=_power_chart(power, index),
        polls=polls,
    )


def _representativeness(session: Session, slug: str, key: str) -> BodyRepresentativeness | None:
    """The body's representativeness, or None while it has no seat with a vote to measure."""
    try:
        return body_representativeness(session, slug, key)
    except InvalidInput:
        return None


def _kinds_chart(figures: dict[str, Any] | None) -> BarChart | None:
    if not figures or not figures["kinds"]:
        return None
    lines = [(k["name"], k["per_seat"]) for k in figures["kinds"] if k["per_seat"] is not None]
    return bar_chart(lines, reference=figures["per_seat"]["mean"]) if lines else None


def _places_chart(figures: dict[str, Any] | None) -> BarChart | None:
    if not figures:
        return None
    lines = [(d["name"], d["per_seat"]) for d in figures["constituencies"] if d["per_seat"]]
    if not lines or len(lines) > CHART_LINES:
        return None
    compact = len(lines) > 20
    return bar_chart(
        lines,
        reference=figures["per_seat"]["mean"],
        row=30 if compact else 36,
        bar=10 if compact else 14,
    )


def _power_chart(power: Power, index: Index) -> BarChart | None:
    if not power.blocs or len(power.blocs) > CHART_LINES:
        return None
    nobody = _("No faction") if power.bloc == "faction" else _("No constituency")
    lines = [
        (b.name or nobody, b.banzhaf if index == "banzhaf" else b.shapley_shubik)
        for b in power.blocs
    ]
    return bar_chart(lines)
