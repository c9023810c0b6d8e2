"""The secretariat's pages: the constitution, imports, apportionment, mandates, recall
petitions, code sheets and accounts, under `/o/{slug}/secretariat`.

Each screen is its own module; every act goes through the same services and policies as
the API, in one transaction, journaled as the signed-in secretary.
"""

from __future__ import annotations

from fastapi import APIRouter

from tauride.web.pages.secretariat import (
    accounts,
    apportionment,
    constitution,
    imports,
    login_codes,
    mandates,
    overview,
    petitions,
    roll_votes,
)

router = APIRouter(include_in_schema=False)
for module in (
    overview,
    constitution,
    imports,
    apportionment,
    mandates,
    petitions,
    roll_votes,
    login_codes,
    accounts,
):
    router.include_router(module.router)
