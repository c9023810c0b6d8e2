"""What the public pages share: rendering an organization's page with its header and
section, moments written in the reader's language, and the size of a page of a list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import numbers
from fastapi import Request
from fastapi.responses import HTMLResponse

from tauride.web.pages import i18n
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.public_reads import OrgHeader
from tauride.web.pages.session import PageContext
from tauride.web.pages.templating import render

PAGE_SIZE = 50
PERCENT = "#,##0.0%"


def moment(value: str | None) -> str:
    """An instant or a day from the record ("1917-06-20", an ISO timestamp in UTC) in the
    reader's language; text that is neither is shown as written."""
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return i18n.format_date(day)
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return i18n.format_datetime(at)


class Figures:
    """Numbers for long lists in the current language, written by Python's own formatting
    with the language's symbols wherever that gives what Babel writes (Babel is called
    otherwise): a page of thousands of rows formats tens of thousands of figures."""

    def __init__(self) -> None:
        locale = i18n.current()
        self.group = numbers.get_group_symbol(locale)
        self.point = numbers.get_decimal_symbol(locale)
        sample = numbers.format_percent(0.5, format=PERCENT, locale=locale)
        self.percent_pattern = sample.replace(f"50{self.point}0", "{}", 1)
        self.fast = (
            self.count(1234567) == numbers.format_decimal(1234567, locale=locale)
            and self.number(1234.56) == numbers.format_decimal(1234.6, locale=locale)
            and self.number(1020.0) == numbers.format_decimal(1020, locale=locale)
            and self.percent(0.1234) == numbers.format_percent(0.1234, PERCENT, locale=locale)
        )

    def _symbols(self, text: str) -> str:
        return text.replace(",", "\0").replace(".", self.point).replace("\0", self.group)

    def count(self, value: int | None) -> str:
        """A whole number: "3,000", "3 000", "3.000"."""
        if value is None:
            return ""
        return f"{value:,}".replace(",", self.group)

    def number(self, value: float | None) -> str:
        """A number to one decimal place, without a trailing zero: "1,116.2", "1,020"."""
        if value is None:
            return ""
        text = f"{value:,.1f}"
        return self._symbols(text[:-2] if text.endswith(".0") else text)

    def percent(self, value: float | None) -> str:
        """A share as a percentage to one decimal place: "12.3%", "12,3 %"."""
        if value is None:
            return ""
        return self.percent_pattern.replace("{}", self._symbols(f"{value * 100:,.1f}"), 1)


def figures() -> Figures | Babel:
    """The formatter of long lists for the current language."""
    found = Figures()
    return found if found.fast else Babel()


class Babel:
    """The same figures written by Babel, for a language whose patterns Python's own
    formatting does not match."""

    def count(self, value: int | None) -> str:
        return i18n.format_number(value)

    def number(self, value: float | None) -> str:
        return "" if value is None else i18n.format_number(round(value, 1))

    def percent(self, value: float | None) -> str:
        return i18n.format_percent(value)


def vocabulary() -> dict[str, dict[str, str]]:
    """The words of long lists in the current language, translated once per page: a
    member's voice, the basis of their seat, the state of their mandate."""
    return {
        "voice": {"vote": _("vote"), "consultative": _("consultative")},
        "basis": {
            "constituency": _("elected by a constituency"),
            "body": _("member of another body"),
            "elected": _("elected by a body"),
            "ex-officio": _("ex officio"),
            "consultative": _("consultative seat"),
        },
        "status": {
            "active": _("active"),
            "recalled": _("recalled"),
            "resigned": _("resigned"),
            "expired": _("expired"),
        },
    }


def show(
    request: Request,
    page: PageContext,
    org: OrgHeader,
    template: str,
    section: str,
    **context: Any,
) -> HTMLResponse:
    """An organization's public page, with the sections' navigation for its viewer."""
    values = {
        "org": org,
        "who": page.who,
        "section": section,
        "moment": moment,
        "figures": figures,
        "vocabulary": vocabulary,
        **context,
    }
    return render(request, page.viewer, template, values)
