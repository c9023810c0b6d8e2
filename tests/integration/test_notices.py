"""Notices by e-mail, sent to a local SMTP server (aiosmtpd): a convocation reaches the
members' accounts that have an address, report-back digests reach each constituency at
the addresses on its roll, a refused address or an absent server is reported; every
sending is journaled with counts alone."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tauride.cli import notices as notices_cli
from tauride.cli.main import app as main_app
from tauride.db.models import Constituency, Constituent, Mandate, Organization
from tauride.domain.errors import InvalidInput
from tauride.domain.polls import PollMethod
from tauride.domain.procedure import MotionKind, MotionState
from tauride.domain.sittings import SittingState
from tauride.queries.digests import sitting_digests
from tauride.queries.journal import journal_entries
from tauride.services import accounts, convocations, motions, notices, polls, sittings
from tauride.services.bodies import current_memberships, get_body
from tauride.services.examples import example_path, load_folder
from tauride.services.mail import Content, MailUnavailable, SmtpServer

ORG = "petrograd-1917"


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


class _Collect:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("refuse"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.box.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A local SMTP server on 127.0.0.1 that refuses addresses starting with "refuse"."""
    box = Mailbox("127.0.0.1", _free_port())
    controller = Controller(_Collect(box), hostname=box.host, port=box.port, ready_timeout=30)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def org(session: Session) -> Organization:
    return load_folder(session, example_path(ORG), actor="test")


def _server(box: Mailbox) -> SmtpServer:
    return SmtpServer(box.host, box.port, "secretariat@petrograd.example", starttls=False)


def _hold(session: Session, org: Organization) -> tuple[int, list[int]]:
    body = get_body(session, org.id, "executive")
    voting = [m.mandate_id for m in current_memberships(session, body.id) if not m.consultative]
    s = sittings.schedule_sitting(
        session, org, "executive", title="Bread", scheduled_for="2027-03-01", actor="t"
    )
    sittings.change_state(session, org, s.id, SittingState.OPEN, actor="t")
    for mandate in voting:
        sittings.check_in(session, org, s.id, mandate, actor="t")
    motion = motions.move_motion(
        session,
        org,
        s.id,
        kind=MotionKind.MAIN,
        title="Ration cards",
        text="Issue them.",
        mover_mandate_id=voting[0],
        actor="t",
    )
    motions.second_motion(session, org, motion.id, voting[1], actor="t")
    motions.set_motion_state(session, org, motion.id, MotionState.ADMITTED, actor="t")
    poll = motions.put_to_vote(session, org, motion.id, method=PollMethod.ROLL_CALL, actor="t")
    for mandate in voting:
        polls.cast_ballot(session, org, poll.id, mandate, "yes")
    motions.close_vote(session, org, poll.id, actor="t")
    sittings.change_state(session, org, s.id, SittingState.CLOSED, actor="t")
    return s.id, voting


def _member_account(session: Session, org: Organization, name: str, mandate: int) -> None:
    accounts.create_account(session, name, name.title())
    accounts.grant_role(session, org, name, "delegate", mandate_id=mandate, actor="t")


def _notice_payloads(session: Session) -> list[dict[str, Any]]:
    return [dict(e.payload) for e in journal_entries(session, ORG) if e.kind == "notice.sent"]


def test_a_convocation_reaches_the_members_with_an_address(
    session: Session, org: Organization, mailbox: Mailbox
) -> None:
    sitting, voting = _hold(session, org)
    for n, mandate in enumerate(voting[:3]):
        _member_account(session, org, f"m{n}", mandate)
    notices.set_email(session, "m0", "m0@example.org")
    notices.set_email(session, "m1", "refuse-me@example.org")

    def word(c: convocations.Convocation, a: convocations.Addressee) -> Content:
        return Content(f"Convocation: {c.title}", f"Dear {a.name}, the {c.body_name} meets.")

    sent = notices.send_convocation(
        session, org, sitting, server=_server(mailbox), compose=word, actor="account:sec"
    )
    assert (sent.sent, sent.refused, sent.unsent) == (1, 1, 0)
    members = len(convocations.convocation(session, ORG, sitting).members)
    assert len(sent.unreachable) == members - 2
    (letter,) = mailbox.to("m0@example.org")
    assert letter["Subject"] == "Convocation: Bread"
    assert letter["To"].addresses[0].display_name == "M0"
    assert "Executive Committee meets" in letter.get_content()
    assert _notice_payloads(session) == [
        {
            "notice": "convocation",
            "for_sitting": sitting,
            "sent": 1,
            "refused": 1,
            "unsent": 0,
            "unreachable": members - 2,
        }
    ]
    # The notice does not change the minutes: it names its sitting apart.
    assert [n.notice for n in notices.notices_of(session, ORG, sitting)] == ["convocation"]


def test_digests_reach_each_constituency_at_the_addresses_on_its_roll(
    session: Session, org: Organization, mailbox: Mailbox
) -> None:
    sitting, voting = _hold(session, org)
    unit_id = session.get_one(Mandate, voting[0]).constituency_id
    assert unit_id is not None
    unit = session.get_one(Constituency, unit_id)
    roll = [
        Constituent(
            organization_id=org.id,
            constituency_id=unit.id,
            roll_number=str(n),
            name=f"Worker {n}",
            contact=contact,
        )
        for n, contact in enumerate(
            [
                "shop-1@example.org",
                "SHOP-1@example.org",
                "+7 812 000 00 00",
                None,
                "reader@example.org",
            ]
        )
    ]
    session.add_all(roll)
    session.flush()
    accounts.create_account(session, "reader", "Reader")
    accounts.grant_role(session, org, "reader", "constituent", constituent_id=roll[4].id, actor="t")
    notices.set_email(session, "reader", "reader@example.org")
    assert convocations.digest_addresses(session, ORG, [unit.name]) == {
        unit.name: ["shop-1@example.org", "reader@example.org"]
    }

    digests = sitting_digests(session, ORG, sitting)
    sent = notices.send_digests(
        session,
        org,
        sitting,
        digests,
        server=_server(mailbox),
        compose=lambda d: Content(f"Report-back to {d.constituency}", d.title),
        actor="account:sec",
    )
    assert sent.sent == 2
    assert unit.name not in sent.unreachable
    assert len(sent.unreachable) == len(digests) - 1
    (letter,) = mailbox.to("shop-1@example.org")
    assert letter["Subject"] == f"Report-back to {unit.name}"
    (payload,) = _notice_payloads(session)
    assert payload["constituencies"] == [unit.name]
    assert "@" not in str(payload)


def test_an_absent_server_refuses_and_nothing_is_journaled(
    session: Session, org: Organization
) -> None:
    sitting, voting = _hold(session, org)
    _member_account(session, org, "m0", voting[0])
    notices.set_email(session, "m0", "m0@example.org")
    nowhere = SmtpServer("127.0.0.1", _free_port(), "x@example.org", starttls=False, timeout=5)
    with pytest.raises(MailUnavailable, match=r"SMTP server 127\.0\.0\.1"):
        notices.send_login_codes(
            session,
            org,
            sitting,
            server=nowhere,
            compose=lambda c, a, code: Content("code", code),
            actor="t",
        )
    with pytest.raises(MailUnavailable, match="no SMTP server is configured"):
        notices.send_convocation(
            session,
            org,
            sitting,
            server=None,
            compose=lambda c, a: Content("x", "y"),
            actor="t",
        )
    assert _notice_payloads(session) == []
    for wrong in ("not an address", "a@b", "two@example.org three@example.org"):
        with pytest.raises(InvalidInput, match="not an e-mail address"):
            notices.set_email(session, "m0", wrong)
    assert notices.set_email(session, "m0", "").email is None


runner = CliRunner()


@pytest.mark.usefixtures("use_database")
def test_addresses_and_notices_from_the_terminal() -> None:
    assert runner.invoke(main_app, ["init", "--example", ORG]).exit_code == 0
    made = runner.invoke(main_app, ["account", "create", ORG, "sec", "--role", "secretariat"])
    assert made.exit_code == 0, made.stderr
    given = runner.invoke(notices_cli.app, ["address", "sec", "sec@example.org"])
    assert given.exit_code == 0, given.stderr
    assert "sec: notices go to sec@example.org" in given.stdout
    wrong = runner.invoke(notices_cli.app, ["address", "sec", "nowhere"])
    assert wrong.exit_code == 2
    assert "not an e-mail address" in wrong.stderr
    cleared = runner.invoke(notices_cli.app, ["address", "sec", "--clear"])
    assert "sec: notices on paper" in cleared.stdout
    sitting = (
        runner.invoke(main_app, ["sitting", "schedule", ORG, "executive", "--title", "Bread"])
        .stdout.split()[1]
        .rstrip(":")
    )
    listed = runner.invoke(notices_cli.app, ["list", ORG, sitting])
    assert listed.exit_code == 0, listed.stderr
    assert f"sitting {sitting}: no notice sent or printed" in listed.stdout
    assert runner.invoke(notices_cli.app, ["list", ORG, "999"]).exit_code == 2
