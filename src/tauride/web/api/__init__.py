"""The JSON API under /api/v1: one module per context, each a router."""

from fastapi import APIRouter

from tauride.web.api import (
    accounts,
    auth,
    journal,
    motions,
    organizations,
    polls,
    sittings,
    speakers,
)

router = APIRouter()
router.include_router(auth.router)
router.include_router(accounts.router)
router.include_router(organizations.router)
router.include_router(journal.router)
router.include_router(sittings.router)
router.include_router(speakers.router)
router.include_router(motions.router)
router.include_router(polls.router)
