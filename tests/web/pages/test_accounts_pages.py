"""Signing in and out of the pages, languages, and refusals shown as pages."""

from __future__ import annotations

from tests.web.conftest import Site

from tauride.db.engine import build_engine, transaction
from tauride.services import accounts


def test_start_page_lists_the_organizations(site: Site) -> None:
    page = site.browser().get("/")
    assert page.status_code == 200
    assert 'href="/o/petrograd-1917"' in page.text
    assert page.headers["content-language"] == "en"


def test_sign_in_with_a_code_sets_session_and_csrf_cookies(site: Site) -> None:
    site.account("chair1", "chair")
    browser = site.browser("chair1")
    assert {"tauride_session", "tauride_csrf"} <= set(browser.cookies.keys())
    assert "Chair1" in browser.get("/").text
    out = browser.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    assert "Chair1" not in browser.get("/").text


def test_a_wrong_code_is_shown_next_to_its_field(site: Site) -> None:
    page = site.browser().post("/login", data={"code": "AAAA-BBBB"})
    assert page.status_code == 422
    assert 'aria-invalid="true"' in page.text
    assert "unknown, used or expired" in page.text


def test_a_password_form_keeps_the_username_and_names_every_empty_field(site: Site) -> None:
    page = site.browser().post("/login", data={"username": "", "password": ""})
    assert page.status_code == 422
    assert "Enter your username" in page.text
    assert "Enter your password" in page.text
    site.account("secretary", "secretariat", password=True)
    wrong = site.browser().post("/login", data={"username": "secretary", "password": "nope"})
    assert wrong.status_code == 422
    assert 'value="secretary"' in wrong.text
    assert "Wrong username or password" in wrong.text


def test_next_leads_back_to_the_page_and_never_off_site(site: Site) -> None:
    site.account("obs", "observer")
    browser = site.browser()
    for given, expected in (("/o/petrograd-1917", "/o/petrograd-1917"), ("//evil", "/")):
        engine = build_engine(site.url)
        with transaction(engine) as session:
            code = accounts.issue_login_code(session, "obs")
        engine.dispose()
        answer = browser.post("/login", data={"code": code, "next": given}, follow_redirects=False)
        assert answer.headers["location"] == expected


def test_language_by_query_then_account_then_cookie_then_browser(site: Site) -> None:
    anonymous = site.browser(**{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert anonymous.get("/").headers["content-language"] == "de"
    assert anonymous.get("/?lang=ru").headers["content-language"] == "ru"
    site.account("delegate1", "observer")
    browser = site.browser("delegate1")
    chosen = browser.post("/language", data={"language": "ru"}, follow_redirects=False)
    assert chosen.status_code == 303
    browser.cookies.delete("tauride_lang")
    assert browser.get("/").headers["content-language"] == "ru"  # kept on the account
    assert browser.get("/?lang=de").headers["content-language"] == "de"


def test_an_unknown_page_is_an_html_page_and_the_api_stays_json(site: Site) -> None:
    browser = site.browser()
    page = browser.get("/o/no-such-org/sittings")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    api = browser.get("/api/v1/organizations/no-such-org")
    assert api.headers["content-type"] == "application/problem+json"


def test_refusals_to_htmx_are_alerts_not_pages(site: Site) -> None:
    page = site.browser(**{"HX-Request": "true"}).get("/o/no-such-org/sittings")
    assert page.status_code == 404
    assert 'role="alert"' in page.text
    assert "<html" not in page.text


def test_pages_keep_the_strict_content_security_policy(site: Site) -> None:
    page = site.browser().get("/login")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text
    assert " style=" not in page.text
