"""The application factory: settings in, a FastAPI app out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tauride import __version__
from tauride.config import Settings, get_settings
from tauride.db.engine import build_engine
from tauride.db.migrate import is_at_head
from tauride.web import problems
from tauride.web.api import router as api_router
from tauride.web.database import Database
from tauride.web.openapi_links import add_links
from tauride.web.pages import router as pages_router
from tauride.web.pages.errors import html_error
from tauride.web.pages.i18n import LanguageMiddleware
from tauride.web.ratelimit import RateLimiter

STATIC = Path(__file__).with_name("static")


def vendored(name: str) -> Path:
    """A third-party asset kept as published (Swagger UI): in a wheel under
    `tauride/_vendor/`, in a checkout under `vendor/` beside the sources."""
    package = Path(__file__).resolve().parents[1]
    for root in (package / "_vendor", package.parents[1] / "vendor"):
        if (root / name).is_dir():
            return root / name
    raise RuntimeError(f"the vendored {name} is missing from this installation")


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tauride API</title>
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""

SECURITY_HEADERS = {
    # No inline script or style anywhere: pages load their code and styles from /static.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """Add the security headers to every response (a pure ASGI middleware, so streamed
    responses such as the live events pass through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for these settings (the environment's by default)."""
    config = settings or get_settings()

    # Building an engine connects to nothing: the first request does.
    engine = build_engine(config.database_url, busy_timeout_ms=config.sqlite_busy_timeout_ms)
    database = Database(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await database.live.start()
        try:
            yield
        finally:
            await database.live.stop()
            engine.dispose()

    app = FastAPI(
        title="Tauride",
        version=__version__,
        summary="Council democracy: constituencies, recallable delegates, bodies and votes.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = config
    app.state.database = database
    app.state.rate_limiters = {
        "login": RateLimiter(config.login_rate_per_minute),
        "poll.cast": RateLimiter(config.cast_rate_per_minute),
        # Casting with a one-time code needs no account: limited per client address.
        "vote.cast_code": RateLimiter(config.cast_rate_per_minute),
    }
    app.add_middleware(SecurityHeaders)
    app.add_middleware(LanguageMiddleware)
    problems.install(app, html=html_error)
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(pages_router)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    # Swagger UI is mounted before /static so that its files are found first.
    app.mount(
        "/static/swagger-ui",
        StaticFiles(directory=vendored("swagger-ui")),
        name="swagger-ui",
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The browsable API documentation (Swagger UI, vendored: it works offline)."""
        return HTMLResponse(DOCS_PAGE)

    @app.get("/problems", tags=["problems"])
    def problem_types() -> list[problems.ProblemType]:
        """Every problem type the API answers with: what each `type` URI means."""
        return list(problems.catalogue().values())

    @app.get("/problems/{kind}", tags=["problems"], responses={404: {"model": problems.Problem}})
    def problem_type(kind: str, request: Request) -> Any:
        """What one problem type means."""
        found = problems.catalogue().get(kind)
        if found is None:
            return problems.problem_response(
                request, 404, "not-found", [f"no problem type '{kind}'"]
            )
        return found

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """The process is up (for load balancers: restart it if this fails)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], responses={503: {"model": problems.Problem}})
    def readyz(request: Request) -> Any:
        """The database answers and its schema is at the newest migration."""
        database: Database = request.app.state.database
        try:
            with database.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            at_head = is_at_head(database.engine)
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            return problems.problem_response(
                request, 503, "database-unreachable", [f"database: {reason}"]
            )
        if not at_head:
            return problems.problem_response(
                request, 503, "schema-outdated", ["database: not at the newest schema"]
            )
        return JSONResponse({"status": "ready"})

    return app


def app_from_environment() -> FastAPI:
    """The factory uvicorn calls in each worker process."""
    return create_app()
