"""The JSON API under /api/v1: one module per context, each a router."""

from fastapi import APIRouter

from tauride.web.api import (
    accounts,
    analytics,
    apportionment,
    auth,
    constituencies,
    constitution,
    elections,
    journal,
    mandating,
    motions,
    offices,
    organizations,
    petitions,
    polls,
    recalls,
    records,
    roll_votes,
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
router.include_router(constitution.router)
router.include_router(constituencies.router)
router.include_router(apportionment.router)
router.include_router(records.router)
router.include_router(analytics.router)
router.include_router(elections.router)
router.include_router(petitions.router)
router.include_router(recalls.router)
router.include_router(roll_votes.router)
router.include_router(mandating.router)
router.include_router(offices.router)
