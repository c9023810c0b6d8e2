"""Languages of the pages: gettext catalogs (Babel) and locale-aware dates and numbers.

The catalogs are the `.po` files under `web/locale/`; they are compiled in memory when
first used, so there is no build step. Which language a page speaks is chosen, first to
last, by `?lang=` on the page, the account's own choice, the `tauride_lang` cookie, the
browser's Accept-Language, and English.
"""

from __future__ import annotations

import datetime as dt
import io
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages import mofile, pofile
from babel.support import NullTranslations, Translations
from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

LOCALES: tuple[str, ...] = ("en", "ru", "de")
DEFAULT_LOCALE = "en"
LANGUAGE_COOKIE = "tauride_lang"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

# The language of the page being rendered in this request (a context variable: requests
# on other threads or tasks render in their own languages).
_current: ContextVar[str] = ContextVar("tauride_locale", default=DEFAULT_LOCALE)


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of a language (English is the source: no catalog)."""
    path = catalog_path(locale)
    if locale == DEFAULT_LOCALE or not path.exists():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = pofile.read_po(source, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    mofile.write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def supported(value: str | None) -> str | None:
    """The supported language a tag names ("ru-RU" → "ru"), or None."""
    if not value:
        return None
    tag = value.strip().replace("_", "-").split("-")[0].lower()
    return tag if tag in LOCALES else None


def from_accept_language(header: str) -> str | None:
    """The best supported language of an Accept-Language header."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        found = supported(tag)
        if found and quality > 0:
            ranked.append((-quality, index, found))
    return min(ranked)[2] if ranked else None


def negotiate(request: Request, account_locale: str | None = None) -> str:
    """The language of this page for this request."""
    return (
        supported(request.query_params.get("lang"))
        or supported(account_locale)
        or supported(request.cookies.get(LANGUAGE_COOKIE))
        or from_accept_language(request.headers.get("accept-language", ""))
        or DEFAULT_LOCALE
    )


def activate(locale: str) -> None:
    """Render what follows in this language."""
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def current() -> str:
    return _current.get()


def gettext(message: str, **variables: object) -> str:
    """The message in the current language, with `%(name)s` variables filled in."""
    text = translations(current()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """The singular or plural form for n in the current language; `%(num)s` is n."""
    text = translations(current()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def format_datetime(value: dt.datetime | None, format: str = "medium") -> str:
    """A moment in the current language ("12 Nov 1905, 14:00"); empty for None."""
    if value is None:
        return ""
    return dates.format_datetime(value, format=format, locale=current())


def format_date(value: dt.date | dt.datetime | None, format: str = "long") -> str:
    """A date in the current language ("12 November 1905", "12 ноября 1905 г.")."""
    if value is None:
        return ""
    return dates.format_date(value, format=format, locale=current())


def format_time(value: dt.datetime | dt.time | None, format: str = "short") -> str:
    if value is None:
        return ""
    return dates.format_time(value, format=format, locale=current())


def format_number(value: int | float | Decimal | None) -> str:
    """A number with the current language's separators ("3,000", "3 000", "3.000")."""
    if value is None:
        return ""
    return numbers.format_decimal(value, locale=current())


def format_percent(value: float | Decimal | None, digits: int = 1) -> str:
    """A share as a percentage ("66.7%", "66,7 %")."""
    if value is None:
        return ""
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return numbers.format_percent(value, format=pattern, locale=current())


def format_when(text: str | None) -> str:
    """A date or moment stored as text ("1917-06-24", "2026-11-23T21:00:00+00:00") in the
    current language; other text (a free note such as "evening") as it is."""
    if not text:
        return ""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) <= 10:
        return format_date(moment.date())
    return format_datetime(moment, "medium")


def language_name(locale: str) -> str:
    """A language's name in itself ("English", "русский", "Deutsch")."""
    return Locale.parse(locale).get_display_name(locale) or locale


class LanguageMiddleware:
    """Choose the language of each request before anything runs, so that every message
    made while handling it (form errors, notices) is in that language; the page's own
    render settles the account's choice on top."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            activate(negotiate(Request(scope)))
        await self.app(scope, receive, send)
