"""A sitting from three kinds of screen at once: the chair opens it, two delegates check in
and vote from their phones in separate browser contexts, the projector follows live
without a reload, and the result and the minutes PDF appear."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect
from tests.browser.conftest import (
    ARTIFACTS,
    PHONE,
    Served,
    assert_accessible,
    screenshot,
    sign_in,
)

PROJECTOR = {"width": 1920, "height": 1080}


def _backend(served: Served) -> str:
    return served.database_url.split(":")[0].split("+")[0]


def test_chair_delegates_and_projector_run_a_vote_live(  # noqa: PLR0915 — one sitting, told in order
    served: Served, new_context: Callable[..., BrowserContext]
) -> None:
    backend = _backend(served)
    base = f"/o/petrograd-1917/sittings/{served.sitting_id}"

    projector = new_context(viewport=PROJECTOR).new_page()
    projector.goto(f"{served.url}{base}/projector")
    assert_accessible(projector)

    chair = new_context().new_page()
    sign_in(chair, served, "chair", f"{base}/chair")
    chair.get_by_test_id("open-sitting").click()
    expect(chair.get_by_test_id("sitting-state")).to_contain_text("In session")
    expect(chair.get_by_test_id("quorum")).to_have_attribute("data-reached", "no")
    chair.get_by_test_id("take-up").click()
    expect(chair.get_by_test_id("current-item")).to_contain_text("Report of the Executive")
    expect(projector.get_by_test_id("projector-item")).to_contain_text("Report of the Executive")
    assert_accessible(chair)

    delegates: list[Page] = []
    for username in ("delegate1", "delegate2"):
        page = new_context(viewport=PHONE).new_page()
        sign_in(page, served, username, f"{base}/delegate")
        page.get_by_test_id("check-in").click()
        expect(page.get_by_test_id("check-out")).to_be_visible()
        delegates.append(page)
    first, second = delegates
    expect(chair.get_by_test_id("quorum")).to_have_attribute("data-reached", "yes")

    # The first delegate moves a motion from the phone; the second seconds it.
    first.get_by_label("Title").fill("The Soviet supports no loan to the war")
    first.get_by_label("Text").fill("The Soviet calls on the workers not to subscribe.")
    first.get_by_test_id("move-motion").click()
    second_button = second.locator("[data-testid^=second-]").first
    expect(second_button).to_be_visible()
    second_button.click()
    screenshot(first, f"delegate-phone-motion-{backend}")
    assert_accessible(first)

    admit = chair.locator("[data-testid^=admitted-]").first
    expect(admit).to_be_visible()
    admit.click()
    put = chair.locator("[data-testid^=open-poll-]").first
    expect(put).to_be_visible()
    put.click()
    expect(chair.get_by_test_id("poll-progress")).to_contain_text("0 / 43")
    expect(projector.get_by_test_id("poll-progress")).to_contain_text("0")

    for page in delegates:
        expect(page.get_by_test_id("vote-yes")).to_be_visible()
    screenshot(first, f"delegate-phone-vote-{backend}", full_page=False)
    assert_accessible(first)
    first.get_by_test_id("vote-yes").click()
    first.get_by_test_id("confirm-vote").dblclick()  # a double-click casts once
    expect(first.get_by_test_id("receipt")).to_be_visible()
    second.get_by_test_id("vote-no").click()
    second.get_by_test_id("confirm-vote").click()
    expect(second.get_by_test_id("receipt")).to_be_visible()
    screenshot(first, f"delegate-phone-receipt-{backend}")
    assert_accessible(first)

    # The projector follows without a reload: two of 43 have voted, and nothing of how.
    expect(projector.get_by_test_id("poll-progress")).to_contain_text("2")
    expect(chair.get_by_test_id("poll-progress")).to_contain_text("2 / 43")
    screenshot(projector, f"projector-voting-{backend}", full_page=False)
    assert_accessible(projector)
    screenshot(chair, f"chair-console-voting-{backend}")

    chair.get_by_test_id("close-poll").click()
    expect(chair.get_by_test_id("outcome")).to_be_visible()
    expect(projector.get_by_test_id("result")).to_be_visible()
    expect(projector.get_by_test_id("hemicycle")).to_be_visible()
    screenshot(projector, f"projector-result-{backend}", full_page=False)
    assert_accessible(projector)
    assert_accessible(chair)
    screenshot(chair, f"chair-console-result-{backend}")

    chair.once("dialog", lambda dialog: dialog.accept())
    chair.get_by_test_id("close-sitting").click()
    expect(chair.get_by_test_id("sitting-state")).to_contain_text("Closed")

    minutes = new_context().new_page()
    minutes.goto(f"{served.url}{base}/minutes")
    expect(minutes.get_by_role("heading", level=1)).to_be_visible()
    expect(minutes.locator("main")).to_contain_text("The Soviet supports no loan to the war")
    assert_accessible(minutes)
    screenshot(minutes, f"minutes-page-{backend}")
    pdf = minutes.request.get(f"{served.url}{base}/minutes.pdf")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    body = pdf.body()
    assert body.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"minutes-{backend}.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "The Soviet supports no loan to the war" in text
    assert re.search(r"\b1\b.*\b1\b", text)  # one for, one against, somewhere in the table
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(Path(path).with_suffix("")),
        ],
        check=True,
    )
