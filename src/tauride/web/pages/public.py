"""The public pages of an organization, open to anyone: its overview and bodies, sittings
and published minutes, delegates' voting records, the journal and how to verify it, and
analytics of representation and voting power."""

from __future__ import annotations

from fastapi import APIRouter

from tauride.web.pages import (
    public_analytics,
    public_journal,
    public_organization,
    public_records,
    public_sittings,
)

router = APIRouter(include_in_schema=False)
for module in (
    public_organization,
    public_sittings,
    public_records,
    public_journal,
    public_analytics,
):
    router.include_router(module.router)
