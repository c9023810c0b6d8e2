"""Apportionment preview: the seats a rule would give the organization's constituencies of
one kind, as a table and a bar chart; nothing is written.

The figures are the API's preview (`web/api/apportionment.py`), from the same domain
functions: a fixed house by Hamilton, Jefferson/D'Hondt, Webster/Sainte-Laguë,
Huntington–Hill or Adams, or one seat per so many constituents.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tauride.db.models import Constituency, Organization
from tauride.domain.apportionment import METHODS, ROUNDINGS, canonical_method
from tauride.domain.bar_chart import BarChart, bar_chart
from tauride.domain.errors import TaurideError
from tauride.services.organizations import current_constitution
from tauride.web.api.apportionment import (
    ApportionmentPreviewCreate,
    ApportionmentPreviewRead,
    SizeLine,
    preview_of,
)
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.secretariat.common import (
    new_router,
    page,
    unit_of_work,
    use_language,
    whole_number,
)
from tauride.web.pages.session import PageAct, PageContext

router = new_router()

Apportioner = Annotated[PageContext, Depends(PageAct("constituencies.import"))]

MAX_SEATS = 1_000_000
MAX_RATIO = 10**12


def method_names() -> dict[str, str]:
    """The fixed-house methods as the form offers them."""
    return {
        "hamilton": _("Hamilton (largest remainder)"),
        "jefferson": _("Jefferson / D'Hondt"),
        "webster": _("Webster / Sainte-Laguë"),
        "huntington-hill": _("Huntington–Hill"),
        "adams": _("Adams"),
    }


@dataclass(frozen=True)
class Line:
    """One electing unit of the preview, with the quota its seats are measured against."""

    name: str
    members: list[str]
    size: int
    seats: int
    quota: float | None


def _kinds(session: Session, org_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Constituency.kind)
            .where(Constituency.organization_id == org_id, Constituency.is_group.is_(False))
            .group_by(Constituency.kind)
            .order_by(func.min(Constituency.id))
        )
    )


def _sizes(session: Session, org_id: int, kind: str) -> list[SizeLine]:
    rows = session.execute(
        select(Constituency.name, Constituency.size, Constituency.group_label)
        .where(
            Constituency.organization_id == org_id,
            Constituency.kind == kind,
            Constituency.is_group.is_(False),
        )
        .order_by(Constituency.id)
    ).all()
    return [SizeLine(name=n, size=s, group=g) for n, s, g in rows]


def _defaults(session: Session, org: Organization, kind: str) -> dict[str, str]:
    """The form as the constitution in force would fill it for a kind: its own rule
    chosen, the other rule's fields filled from the seats the kind holds now."""
    _, constitution = current_constitution(session, org.id)
    rule = constitution.representation.get(kind)
    held = session.scalar(
        select(func.sum(Constituency.seats)).where(
            Constituency.organization_id == org.id, Constituency.kind == kind
        )
    )
    values = {
        "kind": kind,
        "rule": "house",
        "seats": str(held or 0),
        "method": "hamilton",
        "ratio": "",
        "rounding": "down",
        "minimum": "0",
        "group_below": "",
    }
    if rule is None:
        return values
    if rule.rule == "ratio" and rule.ratio:
        values |= {
            "rule": "ratio",
            "ratio": str(rule.ratio),
            "rounding": rule.rounding,
            "minimum": str(rule.minimum),
            "group_below": "on" if rule.group_below else "",
        }
    elif rule.rule == "house":
        values |= {
            "seats": str(rule.seats if rule.seats is not None else held or 0),
            "method": canonical_method(rule.method) if rule.method else "hamilton",
        }
    return values


def _request(
    values: dict[str, str], kinds: list[str]
) -> tuple[ApportionmentPreviewCreate | None, dict[str, str]]:
    """The preview asked for by the form, or the mistakes next to their fields."""
    errors: dict[str, str] = {}
    kind = values.get("kind", "")
    if kind not in kinds:
        errors["kind"] = _("Choose a kind of constituency.")
    rule = values.get("rule", "")
    if rule == "house":
        seats = whole_number(
            values.get("seats", ""),
            "seats",
            errors,
            _("Give the number of seats, a whole number from 0."),
        )
        if seats is not None and seats > MAX_SEATS:
            errors["seats"] = _("At most %(n)s seats.", n=MAX_SEATS)
        method = values.get("method", "")
        if method not in METHODS:
            errors["method"] = _("Choose a method.")
        if errors:
            return None, errors
        return ApportionmentPreviewCreate.model_validate(
            {"kind": kind, "seats": seats, "method": method}
        ), errors
    if rule != "ratio":
        errors["rule"] = _("Choose a fixed house or a ratio.")
        return None, errors
    ratio = whole_number(
        values.get("ratio", ""),
        "ratio",
        errors,
        _("Give the ratio, a whole number from 1."),
        minimum=1,
    )
    if ratio is not None and ratio > MAX_RATIO:
        errors["ratio"] = _("The ratio is too large.")
    rounding = values.get("rounding", "")
    if rounding not in ROUNDINGS:
        errors["rounding"] = _("Choose how a share of a seat is rounded.")
    minimum = whole_number(
        values.get("minimum", "") or "0",
        "minimum",
        errors,
        _("Give the minimum, a whole number from 0."),
    )
    if minimum is not None and minimum > MAX_SEATS:
        errors["minimum"] = _("At most %(n)s seats.", n=MAX_SEATS)
    if errors:
        return None, errors
    asked = ApportionmentPreviewCreate.model_validate(
        {
            "kind": kind,
            "ratio": ratio,
            "rounding": rounding,
            "minimum": minimum,
            "group_below": values.get("group_below") == "on",
        }
    )
    return asked, errors


def lines_of(asked: ApportionmentPreviewCreate, result: ApportionmentPreviewRead) -> list[Line]:
    """The preview's units with their quota: the exact share of a fixed house, or the size
    over the ratio."""
    return [
        Line(
            name=line.name,
            members=line.members,
            size=line.size,
            seats=line.seats,
            quota=line.quota
            if asked.ratio is None
            else round(float(Fraction(line.size, asked.ratio)), 6),
        )
        for line in result.lines
    ]


@dataclass(frozen=True)
class QuotaChart:
    """The seats as bars, and where each unit's quota falls on the same scale."""

    chart: BarChart
    markers: list[float | None]


def chart_of(lines: list[Line]) -> QuotaChart:
    """Bars of seats on a scale long enough for the largest quota too."""
    quotas = [line.quota for line in lines if line.quota is not None]
    chart = bar_chart(
        [(line.name, float(line.seats)) for line in lines],
        reference=max(quotas) if quotas else None,
    )
    scale = (chart.plot_right - chart.plot_left) / chart.ticks[-1].value
    markers = [
        None if line.quota is None else round(chart.plot_left + line.quota * scale, 2)
        for line in lines
    ]
    return QuotaChart(chart, markers)


@router.get("/apportionment", response_class=HTMLResponse)
def preview(
    request: Request,
    pc: Apportioner,
    kind: str | None = None,
    rule: str | None = None,
    seats: str = "",
    method: str = "",
    ratio: str = "",
    rounding: str = "",
    minimum: str = "",
    group_below: str = "",
) -> HTMLResponse:
    """Seats per constituency of a kind under the rule chosen (the constitution's own
    until another is asked for), as a table and a chart; nothing is written."""
    use_language(pc)
    with unit_of_work(request, pc) as (session, org):
        kinds = _kinds(session, org.id)
        chosen = kind if kind in kinds else (kinds[0] if kinds else "")
        if rule is None:
            values = _defaults(session, org, chosen) if chosen else {"kind": "", "rule": "ratio"}
        else:
            values = {
                "kind": kind or "",
                "rule": rule,
                "seats": seats,
                "method": method,
                "ratio": ratio,
                "rounding": rounding,
                "minimum": minimum,
                "group_below": group_below,
            }
        asked, errors = _request(values, kinds) if kinds else (None, {})
        sizes = _sizes(session, org.id, asked.kind or "") if asked is not None else []
    result = None
    lines: list[Line] = []
    if asked is not None:
        try:
            result = preview_of(asked, sizes)
        except TaurideError as exc:
            errors["form"] = " ".join(exc.problems)
        else:
            lines = lines_of(asked, result)
    context = {
        "kinds": kinds,
        "methods": method_names(),
        "roundings": ROUNDINGS,
        "values": values,
        "errors": errors,
        "result": result,
        "lines": lines,
        "chart": chart_of(lines) if lines else None,
        "total_size": sum(line.size for line in lines),
    }
    status = 422 if errors else 200
    return page(
        request,
        pc,
        org,
        "secretariat/apportionment.html",
        context,
        status=status,
        fragment="preview",
    )
