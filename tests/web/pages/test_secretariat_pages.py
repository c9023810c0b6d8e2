"""The secretariat's pages: only the secretariat sees them; the constitution editor shows
every mistake beside its line; a bad CSV file is reported line by line and writes nothing;
the apportionment preview shows the service's own figures."""

from __future__ import annotations

import html
import re
from typing import Any

from babel.numbers import format_decimal
from markupsafe import escape
from sqlalchemy import Select, func, select

from tauride.db.engine import build_engine, transaction
from tauride.db.models import Constituency, Constituent, ConstitutionVersion, JournalRecord
from tauride.web.api.apportionment import ApportionmentPreviewCreate, SizeLine, preview_of

from ..conftest import Site

ORG = "petrograd-1917"
BASE = f"/o/{ORG}/secretariat"
HX = {"HX-Request": "true"}
PAGES = (
    "",
    "/constitution",
    "/import",
    "/apportionment",
    "/mandates",
    "/petitions",
    "/roll-votes",
    "/login-codes",
    "/accounts",
)


def scalar(site: Site, query: Select[Any]) -> Any:
    """One value read from the site's database."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return session.scalar(query)
    finally:
        engine.dispose()


def journal_height(site: Site) -> int:
    return int(scalar(site, select(func.count()).select_from(JournalRecord)) or 0)


def text_of(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def cells(page: str, testid: str) -> list[list[str]]:
    """The text of each body row of the table with this data-testid."""
    table = page.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows
    ]


def test_only_the_secretariat_sees_its_pages_and_anyone_else_is_refused(site: Site) -> None:
    site.account("secretary", "secretariat")
    site.account("chair", "chair")
    anonymous = site.browser()
    for path in PAGES:
        answer = anonymous.get(BASE + path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == f"/login?next={BASE}{path}"
    chair = site.browser("chair")
    for path in PAGES:
        refused = chair.get(BASE + path)
        assert refused.status_code == 403, path
        assert "Not allowed" in refused.text
    posted = chair.post(f"{BASE}/constitution/check", data={"constitution": "x"}, headers=HX)
    assert posted.status_code == 403
    assert 'role="alert"' in posted.text
    assert "Secretariat" not in chair.get(f"/o/{ORG}/journal").text.split("<main", 1)[0]

    secretary = site.browser("secretary")
    for path in PAGES:
        page = secretary.get(BASE + path)
        assert page.status_code == 200, (path, page.text[-2000:])
        assert page.text.count("<h1") == 1, path
        assert " style=" not in page.text, path
        assert "<script>" not in page.text, path
        assert f'href="{BASE}" aria-current="page"' in page.text, path
    index = secretary.get(BASE).text
    for path in PAGES[1:]:
        assert f'href="{BASE}{path}"' in index
    units = scalar(
        site,
        select(func.count()).select_from(Constituency).where(Constituency.is_group.is_(False)),
    )
    assert f"{units} constituencies" in index


def test_a_constitution_with_several_mistakes_shows_each_beside_its_line(site: Site) -> None:
    site.account("secretary", "secretariat")
    browser = site.browser("secretary", **HX)
    editor = site.browser("secretary").get(f"{BASE}/constitution")
    assert 'data-testid="constitution-editor"' in editor.text
    assert 'data-testid="check-constitution"' in editor.text
    assert 'data-testid="adopt-constitution"' in editor.text
    text = html.unescape(editor.text.split('name="constitution"', 1)[1].split(">", 1)[1])
    text = text.split("</textarea>", 1)[0]
    assert text.startswith("# Petrograd Soviet")
    draft = (
        text.replace('elected_by = "plenary"', 'elected_by = "nobody"', 1)
        .replace("ratio = 1000", "ratio = 0", 1)
        .replace('unit = "soldiers"', 'unit = "soldiers"\nbanner = "red"', 1)
    )
    lines = draft.splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if fragment in line)

    height = journal_height(site)
    for url in (f"{BASE}/constitution/check", f"{BASE}/constitution"):
        checked = browser.post(url, data={"constitution": draft, "note": "kept"})
        assert checked.status_code == 422, checked.text
        assert "<html" not in checked.text
        assert "3 mistakes: nothing was saved" in checked.text
        rows = cells(checked.text, "constitution-mistakes")
        found = {(row[0], row[1]) for row in rows}
        assert (str(line_of('elected_by = "nobody"')), "bodies.executive.elected_by") in found
        assert (str(line_of("ratio = 0")), "representation.factory.ratio") in found
        assert (str(line_of('banner = "red"')), "constituency_kinds.company.banner") in found
        assert any("unknown field" in row[2] for row in rows)
        assert "must be greater than 0" in checked.text
        assert str(escape('elected_by = "nobody"')) in checked.text  # kept as typed
        assert 'value="kept"' in checked.text
    assert journal_height(site) == height
    assert scalar(site, select(func.max(ConstitutionVersion.version))) == 1

    broken = browser.post(f"{BASE}/constitution/check", data={"constitution": "a = 1\nb = = 2\n"})
    assert broken.status_code == 422
    assert cells(broken.text, "constitution-mistakes")[0][0] == "2"
    assert "not valid TOML" in broken.text
    empty = browser.post(f"{BASE}/constitution/check", data={"constitution": "  "})
    assert empty.status_code == 422
    assert "the text is empty" in empty.text

    amended = text.replace('quorum = "1/2"', 'quorum = "2/3"', 1)
    valid = browser.post(f"{BASE}/constitution/check", data={"constitution": amended})
    assert valid.status_code == 200
    assert "The draft is valid" in valid.text
    assert "Workers&#39; Section" in valid.text
    adopted = browser.post(
        f"{BASE}/constitution", data={"constitution": amended, "note": "sitting of 3 June"}
    )
    assert adopted.status_code == 200, adopted.text
    assert "Version 2 adopted" in adopted.text
    assert scalar(site, select(func.max(ConstitutionVersion.version))) == 2
    assert journal_height(site) > height


CONSTITUENCIES_BAD = (
    "name,kind,size,group\n"
    "Putilov Gun Shop,factory,3200,\n"
    "Obukhov Rolling Mill,factory,many,\n"
    "Admiralty Rope Walk,fleet,900,\n"
    ",factory,1200,\n"
    "Putilov Gun Shop,factory,1500,\n"
)


def test_a_csv_with_bad_lines_reports_each_line_and_writes_nothing(site: Site) -> None:
    site.account("secretary", "secretariat")
    browser = site.browser("secretary", **HX)
    form = site.browser("secretary").get(f"{BASE}/import").text
    assert 'data-testid="import-csv"' in form
    assert 'hx-encoding="multipart/form-data"' in form
    units_before = scalar(site, select(func.count()).select_from(Constituency))
    height = journal_height(site)

    bad = browser.post(
        f"{BASE}/import",
        data={"what": "constituencies"},
        files={"file": ("plants.csv", CONSTITUENCIES_BAD.encode(), "text/csv")},
    )
    assert bad.status_code == 422, bad.text
    rows = cells(bad.text, "import-report")
    assert ["plants.csv", "3", "size", "'many' is not a whole number"] in rows
    assert any(
        r[:3] == ["plants.csv", "4", "kind"] and "no constituency kind 'fleet'" in r[3]
        for r in rows
    )
    assert ["plants.csv", "5", "name", "must not be empty"] in rows
    assert any(r[:3] == ["plants.csv", "6", "name"] and "duplicate of line 2" in r[3] for r in rows)
    assert f"{len(rows)} problems in the file: nothing was written" in bad.text, rows
    assert scalar(site, select(func.count()).select_from(Constituency)) == units_before
    assert journal_height(site) == height

    ragged = browser.post(
        f"{BASE}/import",
        data={"what": "roll"},
        files={"file": ("roll.csv", b"constituency,roll_number,name\nA,1\n", "text/csv")},
    )
    assert ragged.status_code == 422
    assert ["roll.csv", "2", "—", "expected 3 fields, found 2"] in cells(
        ragged.text, "import-report"
    )
    nothing = browser.post(f"{BASE}/import", data={"what": "roll"})
    assert nothing.status_code == 422
    assert "Choose a CSV file." in nothing.text
    latin = browser.post(
        f"{BASE}/import", data={"what": "roll"}, files={"file": ("r.csv", "né\n".encode("latin-1"))}
    )
    assert latin.status_code == 422
    assert "not UTF-8" in latin.text

    good = (
        "name,kind,size,group\nPutilov Gun Shop,factory,3200,\nObukhov Rolling Mill,factory,2100,\n"
    )
    added = browser.post(
        f"{BASE}/import",
        data={"what": "constituencies"},
        files={"file": ("plants.csv", good.encode(), "text/csv")},
    )
    assert added.status_code == 200, added.text
    assert "2 constituencies added" in added.text
    assert ["Putilov Gun Shop", "factory", "3,200", "3", ""] in cells(
        added.text, "import-summary-constituencies"
    )
    roll = (
        "constituency,roll_number,name\n"
        "Putilov Gun Shop,G-1,A. Smirnov\n"
        "Putilov Gun Shop,G-2,B. Orlov\n"
    )
    listed = browser.post(
        f"{BASE}/import",
        data={"what": "roll"},
        files={"file": ("roll.csv", roll.encode(), "text/csv")},
    )
    assert listed.status_code == 200
    assert "2 constituents added to the rolls" in listed.text
    assert "Smirnov" not in listed.text
    assert scalar(site, select(func.count()).select_from(Constituent)) == 2


def _service_preview(
    site: Site, asked: ApportionmentPreviewCreate
) -> list[tuple[str, int, float | None]]:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            rows = session.execute(
                select(Constituency.name, Constituency.size, Constituency.group_label)
                .where(Constituency.kind == asked.kind, Constituency.is_group.is_(False))
                .order_by(Constituency.id)
            ).all()
    finally:
        engine.dispose()
    result = preview_of(asked, [SizeLine(name=n, size=s, group=g) for n, s, g in rows])
    return [(line.name, line.seats, line.quota) for line in result.lines]


def test_the_apportionment_preview_shows_the_services_figures(site: Site) -> None:
    site.account("secretary", "secretariat")
    browser = site.browser("secretary")
    query = {"kind": "factory", "rule": "house", "seats": "60", "method": "webster"}
    page = browser.get(f"{BASE}/apportionment", params=query)
    assert page.status_code == 200, page.text
    expected = _service_preview(
        site, ApportionmentPreviewCreate(kind="factory", seats=60, method="webster")
    )
    rows = cells(page.text, "apportionment-table")
    assert [(r[0], r[2], r[3]) for r in rows] == [
        (name, str(seats), format_decimal(quota or 0, locale="en"))
        for name, seats, quota in expected
    ]
    assert all(quota for _, _, quota in expected)
    assert "60 seats among" in page.text
    chart = page.text.split('data-testid="apportionment-chart"', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in chart
    assert "<title" in chart
    assert "<desc" in chart
    assert chart.count("<rect") == len(expected)

    default = browser.get(f"{BASE}/apportionment", params={"kind": "factory"})
    ratio = _service_preview(
        site,
        ApportionmentPreviewCreate(
            kind="factory", ratio=1000, rounding="down", minimum=1, group_below=True
        ),
    )
    shown = cells(default.text, "apportionment-table")
    assert [(r[0].split(" electing together")[0], r[2]) for r in shown] == [
        (name, str(seats)) for name, seats, _ in ratio
    ]
    assert 'value="1000"' in default.text

    wrong = browser.get(
        f"{BASE}/apportionment",
        params={"kind": "factory", "rule": "house", "seats": "many", "method": "webster"},
        headers=HX,
    )
    assert wrong.status_code == 422
    assert "<html" not in wrong.text
    assert (
        'id="f-seats" name="seats" type="text"\n    value="many"' in wrong.text
        or 'value="many"' in wrong.text
    )
    assert "Give the number of seats" in wrong.text
