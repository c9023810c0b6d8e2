"""How an endpoint performs an act: one transaction that applies the rate limit and the
idempotency key, runs the service and answers. Who may act was checked by the `Act`
dependency before the request body was read; ownership of a target is checked here, in the
act's own transaction, by the work itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tauride.db.models import Organization
from tauride.domain.authorization import POLICIES, Role
from tauride.web import idempotency
from tauride.web.auth import Context
from tauride.web.database import Database
from tauride.web.ratelimit import RateLimiter

Work = Callable[[Session, Organization, Context], Any]


def _limiter(request: Request, act: str) -> RateLimiter | None:
    limiters: dict[str, RateLimiter] = request.app.state.rate_limiters
    return limiters.get(act)


def read(database: Database, ctx: Context, work: Work) -> Any:
    """Run a read in its own transaction."""
    with database.unit_of_work() as session:
        org = session.get_one(Organization, ctx.org_id)
        return jsonable_encoder(work(session, org, ctx))


def perform(
    database: Database,
    request: Request,
    ctx: Context,
    act: str,
    work: Work,
    *,
    body: BaseModel | None = None,
    status: int = 200,
) -> JSONResponse:
    """Run a changing act once: retried with the same Idempotency-Key, it replays."""
    key = request.headers.get(idempotency.HEADER)
    fingerprint_body = body.model_dump_json() if body is not None else ""
    account = ctx.who.account_id or 0
    limited = f"{act}:{account}"
    if Role.PUBLIC in POLICIES[act].roles:
        # An act anyone may do is done by nobody in particular: its record names no
        # account, and its rate limit goes by the client's address.
        account = 0
        limited = f"{act}:client:{request.client.host if request.client else 'unknown'}"
    limiter = _limiter(request, act)
    if limiter is not None:
        limiter.hit(limited, act)
    try:
        with database.unit_of_work() as session:
            org = session.get_one(Organization, ctx.org_id)

            def run() -> tuple[int, Any]:
                return status, jsonable_encoder(work(session, org, ctx))

            code, content = idempotency.run_once(
                session,
                account_id=account,
                key=key,
                method=request.method,
                path=request.url.path,
                body=fingerprint_body,
                act=run,
            )
    except IntegrityError:
        if key is None:
            raise
        # A retry raced the first request and lost at the unique key: answer as it did.
        fingerprint = idempotency.request_hash(request.method, request.url.path, fingerprint_body)
        with database.unit_of_work() as session:
            earlier = idempotency.stored(session, account, key, fingerprint)
        if earlier is None:
            raise
        code, content = earlier
    return JSONResponse(content, status_code=code)
