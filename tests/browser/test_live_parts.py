"""A live part that is reloading when the next act arrives still ends up showing that act.

Each live part replaces itself when it reloads. htmx queues an event heard while a reload
is under way on the element being replaced, and drops it once that element has left the
page; the part would stay one act behind until the next one. Here the projector's first
reload is held back (its answer rendered before the chair's second act) and delivered only
after the page has heard that act.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import APIResponse, BrowserContext, Route, expect
from sqlalchemy import func, select
from tests.browser.conftest import Served, sign_in

from tauride.db.engine import build_engine, transaction
from tauride.db.models import JournalRecord


def _journal_head(served: Served) -> int:
    engine = build_engine(served.database_url)
    try:
        with transaction(engine) as session:
            return int(session.scalar(select(func.max(JournalRecord.height))) or 0)
    finally:
        engine.dispose()


def test_a_part_reloading_when_an_act_arrives_shows_that_act(
    served: Served, new_context: Callable[..., BrowserContext]
) -> None:
    base = f"/o/petrograd-1917/sittings/{served.sitting_id}"
    projector = new_context().new_page()
    held: list[tuple[Route, APIResponse]] = []
    holding = [True]

    def hold_reloads(route: Route) -> None:
        if not holding[0] or route.request.headers.get("hx-request") != "true":
            route.continue_()
            return
        held.append((route, route.fetch()))  # rendered now, delivered later

    projector.route(f"**{base}/projector*", hold_reloads)
    projector.goto(f"{served.url}{base}/projector")

    chair = new_context().new_page()
    sign_in(chair, served, "chair", f"{base}/chair")
    chair.get_by_test_id("open-sitting").click()
    expect(chair.get_by_test_id("sitting-state")).to_contain_text("In session")
    for _ in range(200):
        if held:
            break
        projector.wait_for_timeout(50)
    assert held, "the projector did not reload when the sitting opened"

    chair.get_by_test_id("take-up").click()
    expect(chair.get_by_test_id("current-item")).to_contain_text("Report of the Executive")
    expect(projector.locator("body")).to_have_attribute("data-height", str(_journal_head(served)))

    holding[0] = False
    route, stale = held.pop()
    route.fulfill(response=stale)
    expect(projector.get_by_test_id("projector-item")).to_contain_text("Report of the Executive")
