"""Signing in from a phone, by keyboard alone, with no accessibility violations."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect
from tests.browser.conftest import PHONE, Served, assert_accessible, screenshot


def test_sign_in_by_keyboard_on_a_phone(
    served: Served, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{served.url}/login")
    assert_accessible(page)
    page.keyboard.press("Tab")  # the skip link comes first and is visible when focused
    expect(page.locator("a.skip")).to_be_focused()
    page.get_by_label("One-time code").fill("WRONG-CODE")
    page.keyboard.press("Enter")
    expect(page.locator("#f-code-error")).to_contain_text("unknown, used or expired")
    assert_accessible(page)
    page.get_by_label("One-time code").fill(served.code("observer"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{served.url}/")
    expect(page.get_by_text("Observer")).to_be_visible()
    screenshot(page, f"start-page-{served.database_url.split(':')[0]}")
    assert_accessible(page)


def test_pages_speak_russian_and_german(
    served: Served, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(locale="ru-RU").new_page()
    page.goto(f"{served.url}/login")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.goto(f"{served.url}/login?lang=de")
    assert page.locator("html").get_attribute("lang") == "de"
