"""The documents of a sitting: its minutes (a page, PDF, Markdown and HTML), its
convocation (a page and an iCalendar file) and the notices the secretariat sends."""

from __future__ import annotations

from fastapi import APIRouter

from tauride.web.pages.documents import convocation, minutes, notices

router = APIRouter(include_in_schema=False)
for module in (minutes, convocation, notices):
    router.include_router(module.router)
