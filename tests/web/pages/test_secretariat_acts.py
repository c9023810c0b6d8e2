"""The secretariat's acts from its pages: ending a mandate after confirmation, recall
petitions with paper signatures, accounts and roles, and code sheets whose codes work once."""

from __future__ import annotations

import re

from sqlalchemy import select

from tauride.db.accounts import LoginCode
from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituency, Mandate, MandateStatus
from tauride.db.petitions import Recall
from tauride.services import constituencies, mandates
from tauride.services.organizations import get_organization

from ..conftest import Site
from .test_secretariat_pages import BASE, HX, ORG, cells

COMPANY = "Pavlovsky Regiment, 1st Company"  # 150 soldiers: 75 signatures recall its deputy
VACANT = "Pavlovsky Regiment, 2nd Company"


def roll_csv(unit: str, prefix: str, count: int) -> str:
    lines = [f'"{unit}",{prefix}-{i:04d},Soldier {prefix} {i:04d}' for i in range(1, count + 1)]
    return "constituency,roll_number,name\n" + "\n".join(lines) + "\n"


def deputy_of(site: Site, unit: str) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return session.scalars(
                select(Mandate.id)
                .join(Constituency, Mandate.constituency_id == Constituency.id)
                .where(Constituency.name == unit, Mandate.status == MandateStatus.ACTIVE)
            ).one()
    finally:
        engine.dispose()


def status_of(site: Site, mandate: int) -> MandateStatus:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return session.get_one(Mandate, mandate).status
    finally:
        engine.dispose()


def with_rolls(site: Site, *, vacate: str | None = None) -> None:
    """Rolls of the two companies; the second's deputy resigned when asked."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            for text in (roll_csv(COMPANY, "P", 80), roll_csv(VACANT, "Q", 3)):
                constituencies.import_roll(session, org, text, source="roll.csv", actor="test")
    finally:
        engine.dispose()
    if vacate is not None:
        mandate = deputy_of(site, vacate)
        engine = build_engine(site.url)
        try:
            with transaction(engine) as session:
                org = get_organization(session, ORG)
                mandates.end_mandate(
                    session, org, mandate, status=MandateStatus.RESIGNED, reason="", actor="t"
                )
        finally:
            engine.dispose()


def codes_on(sheet: str) -> list[str]:
    return re.findall(r'data-testid="slip-code">([A-Z0-9-]+)<', sheet)


def test_a_mandate_ends_only_after_its_confirmation(site: Site) -> None:
    site.account("secretary", "secretariat")
    browser = site.browser("secretary", **HX)
    mandate = deputy_of(site, COMPANY)
    listing = site.browser("secretary").get(f"{BASE}/mandates")
    assert 'data-testid="mandates"' in listing.text
    assert f'data-testid="end-mandate-{mandate}"' in listing.text
    row = next(r for r in cells(listing.text, "mandates") if r[0] == str(mandate))
    assert row[2] == COMPANY
    assert row[4] == "active"

    asked = browser.get(f"{BASE}/mandates/{mandate}/end")
    assert asked.status_code == 200
    person = row[1]
    assert f"End the mandate of {person}?" in asked.text
    assert status_of(site, mandate) is MandateStatus.ACTIVE
    no_reason = browser.post(f"{BASE}/mandates/{mandate}/end", data={"reason": "wounded"})
    assert no_reason.status_code == 422
    assert "Choose why the mandate ends" in no_reason.text
    assert 'value="wounded"' in no_reason.text
    assert status_of(site, mandate) is MandateStatus.ACTIVE
    ended = browser.post(
        f"{BASE}/mandates/{mandate}/end", data={"status": "resigned", "reason": "wounded"}
    )
    assert ended.status_code == 200, ended.text
    assert f"The mandate of {person} has ended (resigned)" in ended.text
    assert status_of(site, mandate) is MandateStatus.RESIGNED
    assert f'data-testid="end-mandate-{mandate}"' not in ended.text
    again = browser.post(f"{BASE}/mandates/{mandate}/end", data={"status": "expired"})
    assert again.status_code == 409
    assert 'role="alert"' in again.text
    shown = browser.get(f"{BASE}/mandates", params={"show": "ended"})
    rows = cells(shown.text, "mandates")
    assert any(r[0] == str(mandate) and r[4].startswith("resigned") for r in rows)


def test_recall_petitions_count_paper_signatures_all_or_none(site: Site) -> None:
    site.account("secretary", "secretariat")
    with_rolls(site)
    browser = site.browser("secretary", **HX)
    mandate = deputy_of(site, COMPANY)
    page = site.browser("secretary").get(f"{BASE}/petitions")
    assert 'data-testid="petitions"' in page.text
    assert f'<option value="{mandate}">' in page.text

    nobody = browser.post(f"{BASE}/petitions", data={"mandate": ""})
    assert nobody.status_code == 422
    assert "Choose the delegate." in nobody.text
    opened = browser.post(f"{BASE}/petitions", data={"mandate": str(mandate)})
    assert opened.status_code == 200, opened.text
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            recall = session.scalars(select(Recall.id)).one()
    finally:
        engine.dispose()
    assert f"Petition {recall} opened" in opened.text
    assert "0 counted of 75 needed" in opened.text
    twice = browser.post(f"{BASE}/petitions", data={"mandate": str(mandate)})
    assert twice.status_code == 422
    assert "already faces recall" in twice.text

    numbers = "\n".join(f"P-{i:04d}" for i in range(1, 11))
    refused = browser.post(
        f"{BASE}/petitions/{recall}/signatures", data={"numbers": numbers + "\nZ-9999, P-0001"}
    )
    assert refused.status_code == 422
    listed = refused.text.split('data-testid="refused-numbers"', 1)[1].split("</ul>", 1)[0]
    assert "Z-9999" in listed
    assert "P-0001" in listed
    assert "P-0002" not in listed
    assert "No signature was recorded" in refused.text
    assert "P-0010" in refused.text  # the numbers stay as typed
    assert "0 counted of 75 needed" in refused.text

    signed = browser.post(f"{BASE}/petitions/{recall}/signatures", data={"numbers": numbers})
    assert signed.status_code == 200
    assert "10 counted of 75 needed" in signed.text
    rest = ", ".join(f"P-{i:04d}" for i in range(11, 76))
    reached = browser.post(f"{BASE}/petitions/{recall}/signatures", data={"numbers": rest})
    assert "75 counted of 75 needed" in reached.text
    assert "threshold reached: ballot due" in reached.text
    counts = browser.post(f"{BASE}/petitions/{recall}/ballot", data={"yes": "many", "no": "3"})
    assert counts.status_code == 422
    assert "A whole number from 0." in counts.text
    decided = browser.post(f"{BASE}/petitions/{recall}/ballot", data={"yes": "90", "no": "30"})
    assert decided.status_code == 200, decided.text
    assert f"Recall {recall} carried" in decided.text
    assert status_of(site, mandate) is MandateStatus.RECALLED
    assert "Soldier" not in decided.text  # no signer is ever named


def test_accounts_get_roles_and_sign_in_codes_that_work_exactly_once(site: Site) -> None:
    site.account("secretary", "secretariat")
    browser = site.browser("secretary", **HX)
    first, second = site.mandates(2)
    no_mandate = browser.post(
        f"{BASE}/accounts",
        data={"username": "belov", "display_name": "K. A. Belov", "role": "delegate"},
    )
    assert no_mandate.status_code == 422
    assert "A delegate acts through a mandate" in no_mandate.text
    assert 'value="belov"' in no_mandate.text
    short = browser.post(
        f"{BASE}/accounts",
        data={
            "username": "belov",
            "display_name": "Belov",
            "password": "short",
            "role": "observer",
        },
    )
    assert short.status_code == 422
    assert "at least 10 characters" in short.text
    for username, mandate in (("belov", first), ("popov", second)):
        made = browser.post(
            f"{BASE}/accounts",
            data={
                "username": username,
                "display_name": username.title(),
                "role": "delegate",
                "mandate": str(mandate),
            },
        )
        assert made.status_code == 200, made.text
        assert f"{username} now holds the role delegate" in made.text
    unknown = browser.post(f"{BASE}/accounts/roles", data={"username": "ghost", "role": "chair"})
    assert unknown.status_code == 422
    assert "no account &#39;ghost&#39;" in unknown.text
    granted = browser.post(f"{BASE}/accounts/roles", data={"username": "belov", "role": "teller"})
    assert granted.status_code == 200
    rows = cells(granted.text, "accounts")
    assert any(
        r[:3] == ["Belov", "belov", "delegate teller"] and r[3].startswith(f"{first}: ")
        for r in rows
    )

    none = browser.post(f"{BASE}/login-codes", data={"hours": "72"})
    assert none.status_code == 422
    assert "Choose whose codes to print" in none.text
    sheet = browser.post(f"{BASE}/login-codes", data={"role": "delegate", "hours": "24"})
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["cache-control"] == "no-store"
    assert 'class="code-sheet"' in sheet.text
    assert 'data-testid="code-sheet"' in sheet.text
    assert "data-print" in sheet.text
    assert "not stored in clear" in sheet.text
    assert sheet.text.count('class="slip panel"') == 2
    assert "http://testserver/login" in sheet.text
    codes = codes_on(sheet.text)
    assert len(codes) == 2
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            stored = list(session.scalars(select(LoginCode.code_hash)))
    finally:
        engine.dispose()
    assert not set(codes) & set(stored)
    for code in codes:
        visitor = site.browser()
        signed_in = visitor.post("/login", data={"code": code}, follow_redirects=False)
        assert signed_in.status_code == 303
        again = site.browser().post("/login", data={"code": code})
        assert again.status_code == 422
        assert "unknown, used or expired" in again.text


def test_a_roll_votes_code_sheet_is_issued_once_and_its_codes_cast_once(site: Site) -> None:
    site.account("secretary", "secretariat")
    with_rolls(site, vacate=VACANT)
    browser = site.browser("secretary", **HX)
    page = site.browser("secretary").get(f"{BASE}/roll-votes")
    assert "No roll vote has been opened" in page.text
    missing = browser.post(f"{BASE}/roll-votes", data={"constituency": VACANT, "candidates": ""})
    assert missing.status_code == 422
    assert "Name the candidates" in missing.text
    opened = browser.post(
        f"{BASE}/roll-votes",
        data={"constituency": VACANT, "candidates": "Anna Ivanova\nPyotr Semyonov"},
    )
    assert opened.status_code == 200, opened.text
    vote = int(re.search(r"Roll vote (\d+) opened", opened.text).group(1))  # type: ignore[union-attr]
    assert f'data-testid="issue-codes-{vote}"' in opened.text

    sheet = browser.post(f"{BASE}/roll-votes/{vote}/codes")
    assert sheet.status_code == 200, sheet.text
    assert 'data-testid="code-sheet"' in sheet.text
    assert "not stored in clear" in sheet.text
    codes = codes_on(sheet.text)
    assert len(codes) == 3
    assert "Q-0001" in sheet.text
    assert "Soldier Q 0003" in sheet.text
    again = browser.post(f"{BASE}/roll-votes/{vote}/codes")
    assert again.status_code == 409
    assert "issued already" in again.text

    cast = f"/api/v1/organizations/{ORG}/roll-votes/{vote}/ballots"
    first = site.client.post(cast, json={"code": codes[0], "choice": "Anna Ivanova"})
    assert first.status_code == 201, first.text
    assert (
        site.client.post(cast, json={"code": codes[0], "choice": "Anna Ivanova"}).status_code == 409
    )
    closed = browser.post(f"{BASE}/roll-votes/{vote}/close")
    assert closed.status_code == 200, closed.text
    assert f"Roll vote {vote} closed and counted" in closed.text
    assert "Elected: Anna Ivanova" in closed.text
