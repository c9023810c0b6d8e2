"""The pages: server-rendered HTML (Jinja2) made live with htmx and Server-Sent Events.

Each module owns the pages of one screen or audience; they all act through the same
services and policies as the API.
"""

from __future__ import annotations

from fastapi import APIRouter

from tauride.web.pages import (
    accounts,
    chair,
    delegate,
    documents,
    live,
    projector,
    public,
    secretariat,
)

router = APIRouter(include_in_schema=False)
for module in (accounts, public, chair, delegate, projector, secretariat, documents, live):
    router.include_router(module.router)
