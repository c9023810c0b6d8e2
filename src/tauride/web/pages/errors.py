"""Refusals on pages: an HTML page for a browser, an alert for htmx, sign-in for a visitor.

The rule that refused an act explains itself in its own words (the services speak
English); the title above it is in the viewer's language.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from tauride.web.pages import i18n
from tauride.web.pages.session import SignInRequired, Viewer, current_viewer
from tauride.web.pages.templating import is_htmx, render


def title_of(status: int, kind: str) -> str:
    """A short title for a refusal, in the current language."""
    _ = i18n.gettext
    titles = {
        "not-found": _("Not found"),
        "forbidden": _("Not allowed"),
        "unauthenticated": _("Sign-in needed"),
        "sign-in-required": _("Sign-in needed"),
        "csrf-refused": _("The page is out of date: reload it and try again"),
        "invalid-input": _("Please check what you entered"),
        "rate-limited": _("Too many attempts: wait a moment"),
        "no-quorum": _("No quorum"),
        "double-vote": _("You have already voted"),
        "poll-closed": _("The vote is closed"),
        "not-entitled": _("You may not vote in this poll"),
    }
    if kind in titles:
        return titles[kind]
    if status == 404:
        return titles["not-found"]
    if status == 403:
        return titles["forbidden"]
    if status == 401:
        return titles["unauthenticated"]
    if status >= 500:
        return _("Something went wrong on the server")
    return _("The act was refused")


def _viewer(request: Request) -> Viewer:
    try:
        return current_viewer(request)
    except Exception:
        return Viewer(locale=i18n.negotiate(request))


def html_error(request: Request, status: int, kind: str, errors: list[str]) -> Response:
    """The page (or htmx alert) for a refused request."""
    if kind == "sign-in-required" and request.method == "GET":
        location = SignInRequired(request.url.path).location
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": location})
        return RedirectResponse(location, status_code=303)
    viewer = _viewer(request)
    i18n.activate(viewer.locale)
    context = {"status": status, "kind": kind, "title": title_of(status, kind), "errors": errors}
    if is_htmx(request):
        # Whatever the request aimed at, a refusal goes to the page's alert region.
        alert = render(request, viewer, "errors/alert.html", context, status=status)
        alert.headers["HX-Retarget"] = "#alerts"
        alert.headers["HX-Reswap"] = "innerHTML"
        return alert
    return render(request, viewer, "errors/page.html", context, status=status)
