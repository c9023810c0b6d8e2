"""Jinja2 templates of the pages, rendered in the language of the request.

`render(request, viewer, "chair/console.html", {...})` answers a whole page, or only the
template's `fragment` block when HTMX asks for a part (`HX-Request` with `HX-Target`) and
the page asks for it with `fragment=`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from uuid import uuid4

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from tauride import __version__
from tauride.web.pages import i18n
from tauride.web.pages.session import Viewer

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# htmx 2 settings: no inline indicator styles (the CSP forbids them), and answers with
# 422 (a form with errors) are swapped in like successes so the form shows its errors.
HTMX_CONFIG = {
    "includeIndicatorStyles": False,
    "allowEval": False,
    "allowScriptTags": False,
    "historyCacheSize": 0,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422", "swap": True},
        {"code": "[45]..", "swap": False, "error": True},
    ],
}


def _tojson_attr(value: Any) -> Markup:
    """JSON for an HTML attribute value (quoted by the template with single quotes)."""
    text = json.dumps(value, ensure_ascii=False)
    return Markup(  # noqa: S704 — every character that could end the attribute is escaped
        text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;")
    )


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Jinja's newstyle gettext fills in the %(name)s variables itself: give it the bare
    # catalog lookups.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.translations(i18n.current()).gettext(message),
        lambda singular, plural, n: i18n.translations(i18n.current()).ngettext(singular, plural, n),
        newstyle=True,
    )
    env.filters.update(
        datetime=i18n.format_datetime,
        date=i18n.format_date,
        time=i18n.format_time,
        number=i18n.format_number,
        percent=i18n.format_percent,
        when=i18n.format_when,
        attrjson=_tojson_attr,
    )
    env.globals.update(
        version=__version__,
        locales=i18n.LOCALES,
        language_name=i18n.language_name,
        htmx_config=_tojson_attr(HTMX_CONFIG),
    )
    return env


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render_text(template: str, context: Mapping[str, Any], locale: str) -> str:
    """A template rendered to a string in a language (documents, e-mails)."""
    i18n.activate(locale)
    return environment().get_template(template).render(locale=locale, **context)


def render(
    request: Request,
    viewer: Viewer,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    fragment: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A page (or, for an HTMX request, one of its blocks) in the viewer's language."""
    i18n.activate(viewer.locale)
    values: dict[str, Any] = {
        "request": request,
        "viewer": viewer,
        "locale": viewer.locale,
        "csrf_headers": _tojson_attr({"X-CSRF-Token": viewer.csrf} if viewer.csrf else {}),
        "new_key": lambda: uuid4().hex,
        **(context or {}),
    }
    compiled = environment().get_template(template)
    restoring = request.headers.get("hx-history-restore-request") == "true"
    if fragment is not None and is_htmx(request) and not restoring:
        block = compiled.blocks[fragment]
        body = "".join(block(compiled.new_context(values)))
    else:
        body = compiled.render(values)
    response = HTMLResponse(body, status_code=status, headers=dict(headers or {}))
    response.headers["Content-Language"] = viewer.locale
    response.headers["Vary"] = "Cookie, Accept-Language, HX-Request"
    response.headers.setdefault("Cache-Control", "no-store")
    return response
