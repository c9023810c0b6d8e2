"""Errors as RFC 9457 problem details, with a stable `type` per rule that refused an act.

A refused act raises a `TaurideError` whose `kind` names the rule ("poll-closed",
"no-quorum", "double-vote"); the problem's `type` is `/problems/<kind>`, a relative URI that
the application itself documents. Everything the user gave wrong is listed in `errors`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import lru_cache
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

import tauride.domain
import tauride.services
from tauride.domain.authorization import Forbidden, Unauthenticated
from tauride.domain.errors import Conflict, InvalidInput, NotFound, TaurideError

MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details, with the list of every mistake found."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[str] = []


def status_of(error: TaurideError) -> int:
    """The HTTP status of a refused act: by its family, not by its rule."""
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        return HTTPStatus.TOO_MANY_REQUESTS
    if isinstance(error, Unauthenticated):
        return HTTPStatus.UNAUTHORIZED
    if isinstance(error, Forbidden):
        return HTTPStatus.FORBIDDEN
    if isinstance(error, NotFound):
        return HTTPStatus.NOT_FOUND
    if isinstance(error, Conflict):
        return HTTPStatus.CONFLICT
    if isinstance(error, InvalidInput):
        return HTTPStatus.UNPROCESSABLE_ENTITY
    return HTTPStatus.BAD_REQUEST


def problem_response(
    request: Request, status: int, kind: str, errors: list[str], *, title: str | None = None
) -> JSONResponse:
    """A problem+json response for `kind`, listing `errors`."""
    body = Problem(
        type=f"/problems/{kind}",
        title=title or kind.replace("-", " ").capitalize(),
        status=status,
        detail="; ".join(errors) if errors else HTTPStatus(status).phrase,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA_TYPE)


def _field(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    place = ".".join(parts)
    where = str(loc[0]) if loc else ""
    return f"{where}:{place}" if where in ("query", "path", "header") and place else place


HtmlErrors = Callable[[Request, int, str, list[str]], Response]


def install(app: FastAPI, html: HtmlErrors | None = None) -> None:
    """Register the handlers that turn every error into problem details, or, for a page
    (anything outside the API that a browser asked for), into an HTML error page."""

    def answer(request: Request, status: int, kind: str, errors: list[str], **kw: Any) -> Response:
        if html is not None and wants_html(request):
            return html(request, status, kind, errors)
        return problem_response(request, status, kind, errors, **kw)

    @app.exception_handler(TaurideError)
    async def _refused(request: Request, exc: TaurideError) -> Response:
        response = answer(request, status_of(exc), exc.kind, exc.problems)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        if isinstance(exc, Unauthenticated) and not wants_html(request):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [f"{_field(tuple(e['loc']))}: {e['msg']}".lstrip(": ") for e in exc.errors()]
        return answer(request, HTTPStatus.UNPROCESSABLE_ENTITY, "invalid-input", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        phrase = HTTPStatus(exc.status_code).phrase
        kind = phrase.lower().replace(" ", "-")
        detail = str(exc.detail) if exc.detail and exc.detail != phrase else phrase
        response = answer(request, exc.status_code, kind, [detail], title=phrase)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response


API_PREFIXES = ("/api/", "/problems", "/healthz", "/readyz", "/openapi.json", "/static/")


def wants_html(request: Request) -> bool:
    """A page request: outside the API, from a browser (or htmx) that takes HTML."""
    path = request.url.path
    if path.startswith(API_PREFIXES):
        return False
    accept = request.headers.get("accept", "")
    return request.headers.get("hx-request") == "true" or "text/html" in accept or not accept


class ProblemType(BaseModel):
    """A kind of refusal: its stable name, HTTP status family and what it means."""

    type: str
    kind: str
    description: str


WEB_PROBLEMS = {
    "schema-outdated": "The database answers but is not at the newest schema (readiness).",
    "database-unreachable": "The database does not answer (readiness).",
    "method-not-allowed": "The path exists but not with this HTTP method.",
}


def _subclasses(cls: type[TaurideError]) -> list[type[TaurideError]]:
    found: list[type[TaurideError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


@lru_cache(maxsize=1)
def catalogue() -> dict[str, ProblemType]:
    """Every problem type the API can answer with, from the refusals the code defines."""
    for package in (tauride.domain, tauride.services):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    types: dict[str, ProblemType] = {
        kind: ProblemType(type=f"/problems/{kind}", kind=kind, description=text)
        for kind, text in WEB_PROBLEMS.items()
    }
    classes: list[type[TaurideError]] = [TaurideError, *_subclasses(TaurideError)]
    for cls in classes:
        doc = " ".join((cls.__doc__ or "").split()) or cls.__name__
        types.setdefault(
            cls.kind, ProblemType(type=f"/problems/{cls.kind}", kind=cls.kind, description=doc)
        )
    return dict(sorted(types.items()))
