"""The documents of a sitting as its readers get them: the minutes as a page, a PDF to sign
and files to download; the convocation as a page and a calendar file; and the notices the
secretariat sends by e-mail, or prints when no mail server is configured."""

from __future__ import annotations

import re
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from tests.web.conftest import Site

from tauride.db.engine import build_engine, transaction
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import AgendaItemKind, SittingState
from tauride.queries.journal import journal_entries
from tauride.services import convocations, motions, notices, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.organizations import get_organization
from tauride.web.pages.documents import minutes as documents_minutes

ORG = "petrograd-1917"
MOTION = "Мир без аннексий и контрибуций"
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")
HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Held:
    sitting: int
    undated: int
    members: list[int]
    last_hash: str


def hold_sitting(site: Site) -> Held:
    """A closed sitting of the Executive Committee that carried one motion by roll call,
    convened with a date, an hour and a place; and a second sitting not yet dated."""
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            body = get_body(session, org.id, "executive")
            voting = [
                m.mandate_id for m in current_memberships(session, body.id) if not m.consultative
            ]
            s = sittings.schedule_sitting(
                session,
                org,
                "executive",
                title="Заседание о войне",
                scheduled_for="2027-06-20T14:00+03:00, Smolny; Hall 12",
                actor="test",
            )
            item = sittings.add_agenda_item(
                session,
                org,
                s.id,
                kind=AgendaItemKind.RESOLUTION,
                title="The war",
                minutes=90,
                actor="test",
            )
            sittings.change_state(session, org, s.id, SittingState.OPEN, actor="test")
            for mandate in voting:
                sittings.check_in(session, org, s.id, mandate, actor="test")
            sittings.take_up_item(session, org, item.id, actor="test")
            motion = motions.move_motion(
                session,
                org,
                s.id,
                kind=MotionKind.MAIN,
                title=MOTION,
                text="The Executive Committee calls for peace.",
                mover_mandate_id=voting[0],
                actor="test",
            )
            motions.second_motion(session, org, motion.id, voting[1], actor="test")
            motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="test")
            poll = motions.put_to_vote(
                session, org, motion.id, method=PollMethod.ROLL_CALL, actor="test"
            )
            for n, mandate in enumerate(voting):
                polls.cast_ballot(session, org, poll.id, mandate, "no" if n < 3 else "yes")
            motions.close_vote(session, org, poll.id, actor="test")
            sittings.change_state(session, org, s.id, SittingState.CLOSED, actor="test")
            undated = sittings.schedule_sitting(
                session, org, "executive", title="Later", scheduled_for=None, actor="test"
            )
            last = list(journal_entries(session, ORG))[-2]
            return Held(s.id, undated.id, voting, last.hash)
    finally:
        engine.dispose()


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it (installed by the Makefile)."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def test_the_minutes_are_a_page_a_signable_pdf_and_downloads(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = hold_sitting(site)
    browser = site.browser()
    base = f"/o/{ORG}/sittings/{held.sitting}"

    page = browser.get(f"{base}/minutes")
    assert page.status_code == 200
    assert MOTION in page.text
    assert "carried" in page.text
    assert f'href="{base}/minutes.pdf?lang=en"' in page.text
    assert held.last_hash in page.text

    pdf = browser.get(f"{base}/minutes.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert MOTION in text
    assert "Заседание о войне" in text
    assert re.search(r"Page 1 of \d", text)
    assert "Chair" in text
    assert "Secretary" in text
    assert held.last_hash in "".join(text.split())  # the hash may wrap across lines
    assert f"{len(held.members) - 3} to 3" in text  # the figures of the roll call

    # The page numbers are worded by the reader's catalogue, whatever its script.
    monkeypatch.setattr(
        documents_minutes, "_", lambda text, **v: "Страница {page} из «{pages}»".format(**v)
    )
    russian = pdf_text(browser.get(f"{base}/minutes.pdf?lang=ru").content)
    assert MOTION in russian
    assert re.search(r"Страница 1 из «\d»", russian)
    assert re.search(r"\d{4} г\.", russian)  # dates in the reader's language

    markdown = browser.get(f"{base}/minutes.md")
    assert markdown.headers["content-disposition"].startswith("attachment;")
    assert markdown.text.startswith("# Minutes: Заседание о войне")
    html = browser.get(f"{base}/minutes.html")
    assert html.headers["content-disposition"].startswith("attachment;")
    assert html.text.startswith("<!DOCTYPE html>")
    assert MOTION in html.text
    assert browser.get(f"/o/{ORG}/sittings/99999/minutes.pdf").status_code == 404


def _unfold(text: str) -> dict[str, str]:
    assert text.endswith("\r\n")
    found: dict[str, str] = {}
    for line in text[:-2].replace("\r\n ", "").split("\r\n"):
        name, _, value = line.partition(":")
        found.setdefault(name, value)
    return found


def test_the_convocation_is_a_page_and_a_calendar_file(site: Site) -> None:
    held = hold_sitting(site)
    browser = site.browser()
    page = browser.get(f"/o/{ORG}/sittings/{held.sitting}/convocation")
    assert page.status_code == 200
    for seen in (
        "Executive Committee",
        "Sunday, June 20, 2027",
        "11:00",
        "12:30",
        "Smolny; Hall 12",
        "The war",
        "Who is convoked",
    ):
        assert seen in page.text
    ics = browser.get(f"/o/{ORG}/sittings/{held.sitting}/convocation.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert ics.headers["content-disposition"] == (
        f'attachment; filename="{ORG}-executive-{_number(site, held.sitting)}.ics"'
    )
    found = _unfold(ics.text)
    assert found["METHOD"] == "PUBLISH"
    assert found["DTSTART"] == "20270620T110000Z"
    assert found["DTEND"] == "20270620T123000Z"  # the agenda allots 90 minutes
    assert found["LOCATION"] == "Smolny\\; Hall 12"
    assert found["UID"] == f"sitting-{held.sitting}.{ORG}@testserver"
    assert "Заседание о войне" in found["SUMMARY"]

    undated = browser.get(f"/o/{ORG}/sittings/{held.undated}/convocation")
    assert "not yet fixed" in undated.text
    assert "convocation.ics" not in undated.text
    refused = browser.get(f"/o/{ORG}/sittings/{held.undated}/convocation.ics")
    assert refused.status_code == 409
    assert "names no date" in refused.text


def _number(site: Site, sitting: int) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return convocations.convocation(session, ORG, sitting, members=False).number
    finally:
        engine.dispose()


def _notices(site: Site) -> list[dict[str, Any]]:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            return [
                {"kind": e.kind, **e.payload}
                for e in journal_entries(session, ORG)
                if e.kind.startswith("notice.")
            ]
    finally:
        engine.dispose()


def test_without_a_mail_server_the_secretariat_prints_the_notices(site: Site) -> None:
    held = hold_sitting(site)
    site.account("member", "delegate", mandate=held.members[0])
    site.account("sec", "secretariat")
    base = f"/o/{ORG}/sittings/{held.sitting}/notices"
    assert site.browser().get(base, follow_redirects=False).status_code == 303
    assert site.browser("member").get(base).status_code == 403

    sec = site.browser("sec")
    page = sec.get(base)
    assert page.status_code == 200
    assert 'data-testid="no-mail"' in page.text
    assert 'data-testid="send-convocation"' not in page.text
    assert f'href="/o/{ORG}/sittings/{held.sitting}/convocation"' in page.text
    assert f'href="/o/{ORG}/sittings/{held.sitting}/digests"' in page.text
    refused = sec.post(f"{base}/convocation", headers=HTMX)
    assert refused.status_code == 409
    assert "no SMTP server is configured" in refused.text

    printed = sec.post(f"{base}/codes/print", headers=HTMX)
    assert printed.status_code == 200
    assert 'data-testid="code-slips"' in printed.text
    codes = CODE.findall(printed.text)
    assert len(codes) == 1  # one member of the body has an account
    signed_in = site.browser().post("/login", data={"code": codes[0]}, follow_redirects=False)
    assert signed_in.status_code == 303
    assert _notices(site) == [
        {
            "kind": "notice.printed",
            "notice": "login-codes",
            "for_sitting": held.sitting,
            "printed": 1,
        }
    ]
    digests = site.browser().get(f"/o/{ORG}/sittings/{held.sitting}/digests")
    assert digests.status_code == 200
    assert "Report-back to" in digests.text
    assert MOTION in digests.text


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"].addresses[0].addr_spec == address]


class _Collect:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.box.messages.append(message)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A local SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it takes."""
    box = Mailbox("127.0.0.1", _free_port())
    controller = Controller(_Collect(box), hostname=box.host, port=box.port, ready_timeout=30)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def test_with_a_mail_server_convocations_and_codes_arrive(
    site: Site, make_app: Any, mailbox: Mailbox
) -> None:
    held = hold_sitting(site)
    for n, mandate in enumerate(held.members[:3]):
        site.account(f"m{n}", "delegate", mandate=mandate)
    site.account("sec", "secretariat")
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            notices.set_email(session, "m0", "m0@example.org")
            notices.set_email(session, "m1", "m1@example.org")
    finally:
        engine.dispose()
    settings = {
        "smtp_host": mailbox.host,
        "smtp_port": mailbox.port,
        "smtp_starttls": False,
        "mail_from": "secretariat@petrograd.example",
    }
    with make_app(**settings) as client:
        mail = Site(client, site.url)
        sec = mail.browser("sec")
        base = f"/o/{ORG}/sittings/{held.sitting}/notices"
        page = sec.get(base)
        assert 'data-testid="send-convocation"' in page.text
        assert "no-mail" not in page.text

        sent = sec.post(f"{base}/convocation", headers=HTMX)
        assert sent.status_code == 200
        assert "Convocation: 2 letters sent" in sent.text
        (letter,) = mailbox.to("m0@example.org")
        assert letter["From"] == "secretariat@petrograd.example"
        assert "Заседание о войне" in letter["Subject"]
        body = letter.get_body(("plain",))
        assert body is not None
        assert "Smolny; Hall 12" in body.get_content()
        (ics,) = [p for p in letter.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert ics.get_param("method") == "PUBLISH"
        assert ics.get_filename().endswith(".ics")
        assert _unfold(ics.get_content())["DTSTART"] == "20270620T110000Z"

        codes = sec.post(f"{base}/codes", headers=HTMX)
        assert "Sign-in codes: 2 letters sent" in codes.text
        (code_letter,) = [m for m in mailbox.to("m1@example.org") if "sign-in" in m["Subject"]]
        code = CODE.search(code_letter.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        assert code is not None
        assert (
            mail.browser()
            .post("/login", data={"code": code[0]}, follow_redirects=False)
            .status_code
            == 303
        )

        shown = sec.get(base)
        assert 'data-testid="notices-sent"' in shown.text
    journaled = _notices(site)
    assert [(n["kind"], n["notice"], n.get("sent")) for n in journaled] == [
        ("notice.sent", "convocation", 2),
        ("notice.sent", "login-codes", 2),
    ]
    assert journaled[0]["unreachable"] == len(held.members) + _consultative(site) - 2
    assert not any("@" in str(n) or CODE.search(str(n)) for n in journaled)


def _consultative(site: Site) -> int:
    engine = build_engine(site.url)
    try:
        with transaction(engine) as session:
            org = get_organization(session, ORG)
            body = get_body(session, org.id, "executive")
            return sum(1 for m in current_memberships(session, body.id) if m.consultative)
    finally:
        engine.dispose()
