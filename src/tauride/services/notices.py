"""Notices of a sitting: its convocation to the members of the body, report-back digests to
the constituencies that sat in it, and one-time sign-in codes for the members' accounts.

They go by e-mail where an SMTP server is configured; otherwise the secretariat prints
them. The caller words each letter in its reader's language (`Compose…`); this module
finds who is to be told, at which address, sends, and journals each sending as
`notice.sent` with counts alone: no address and no code ever enters the journal.

The payload names the sitting as `for_sitting`, not `sitting`: the minutes cite the last
entry that concerns a sitting, and a report-back sent after the close must not change
the minutes that were signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tauride.db.accounts import Account
from tauride.db.models import JournalRecord, Organization
from tauride.domain.digests import Digest
from tauride.domain.errors import NotFound
from tauride.services import accounts, journal
from tauride.services.convocations import (
    Addressee,
    Convocation,
    Convoked,
    convocation,
    digest_addresses,
)
from tauride.services.mail import (
    Content,
    Delivery,
    Letter,
    MailUnavailable,
    SmtpServer,
    send,
    valid_address,
)

CODE_HOURS = 72


@dataclass(frozen=True)
class Sent:
    """What one act of sending did: letters taken, refused, and who had no address."""

    notice: str
    sent: int
    refused: int
    unsent: int
    unreachable: tuple[str, ...]
    stopped: str | None = None


def _journal_sending(
    session: Session,
    org_id: int,
    sitting_id: int,
    notice: str,
    delivery: Delivery,
    letters: int,
    unreachable: Sequence[str],
    *,
    actor: str,
    extra: dict[str, Any] | None = None,
) -> Sent:
    unsent = letters - len(delivery.sent) - len(delivery.refused)
    payload: dict[str, Any] = {
        "notice": notice,
        "for_sitting": sitting_id,
        "sent": len(delivery.sent),
        "refused": len(delivery.refused),
        "unsent": unsent,
        "unreachable": len(unreachable),
        **(extra or {}),
    }
    journal.append(session, org_id, actor=actor, kind="notice.sent", payload=payload)
    return Sent(
        notice,
        len(delivery.sent),
        len(delivery.refused),
        unsent,
        tuple(unreachable),
        delivery.stopped,
    )


ComposeConvocation = Callable[[Convocation, Addressee], Content]
ComposeDigest = Callable[[Digest], Content]
ComposeCode = Callable[[Convocation, Addressee, str], Content]


def _server(server: SmtpServer | None) -> SmtpServer:
    if server is None:
        raise MailUnavailable("no SMTP server is configured: print the notices instead")
    return server


def send_convocation(
    session: Session,
    org: Organization,
    sitting_id: int,
    *,
    server: SmtpServer | None,
    compose: ComposeConvocation,
    actor: str,
) -> Sent:
    """E-mail the convocation to every member's account that has an address."""
    smtp = _server(server)
    c = convocation(session, org.slug, sitting_id)
    letters = [Letter(a.email or "", a.name, compose(c, a)) for a in c.addressees]
    delivery = send(smtp, letters)
    unreachable = [m.name for m in c.unreachable]
    return _journal_sending(
        session,
        org.id,
        sitting_id,
        "convocation",
        delivery,
        len(letters),
        unreachable,
        actor=actor,
    )


def send_digests(
    session: Session,
    org: Organization,
    sitting_id: int,
    digests: dict[str, Digest],
    *,
    server: SmtpServer | None,
    compose: ComposeDigest,
    actor: str,
) -> Sent:
    """E-mail each constituency its report-back at every address it is reached at."""
    smtp = _server(server)
    addresses = digest_addresses(session, org.slug, list(digests))
    letters = [
        Letter(address, name, compose(digest))
        for name, digest in digests.items()
        for address in addresses[name]
    ]
    delivery = send(smtp, letters)
    unreachable = [name for name in digests if not addresses[name]]
    reached = sorted(name for name in digests if addresses[name])
    return _journal_sending(
        session,
        org.id,
        sitting_id,
        "digests",
        delivery,
        len(letters),
        unreachable,
        actor=actor,
        extra={"constituencies": reached},
    )


@dataclass(frozen=True)
class CodeSlip:
    """A sign-in code to print and hand to a member, shown this once."""

    member: str
    mandate: int
    username: str
    code: str
    expires_at: dt.datetime


def _code_holders(c: Convocation) -> list[tuple[Convoked, Addressee]]:
    seen: set[int] = set()
    holders = []
    for m in c.members:
        for a in m.accounts:
            if a.account not in seen:
                seen.add(a.account)
                holders.append((m, a))
    return holders


def send_login_codes(
    session: Session,
    org: Organization,
    sitting_id: int,
    *,
    server: SmtpServer | None,
    compose: ComposeCode,
    actor: str,
    hours: int = CODE_HOURS,
) -> Sent:
    """E-mail a fresh one-time sign-in code to every member's account that has an address;
    the codes are stored hashed and sent once."""
    smtp = _server(server)
    c = convocation(session, org.slug, sitting_id)
    holders = [(m, a) for m, a in _code_holders(c) if a.email]
    letters = [
        Letter(
            a.email or "",
            a.name,
            compose(c, a, accounts.issue_login_code(session, a.username, hours=hours)),
        )
        for _, a in holders
    ]
    delivery = send(smtp, letters)
    unreachable = [m.name for m in c.members if not m.reachable]
    return _journal_sending(
        session,
        org.id,
        sitting_id,
        "login-codes",
        delivery,
        len(letters),
        unreachable,
        actor=actor,
    )


def print_login_codes(
    session: Session, org: Organization, sitting_id: int, *, actor: str, hours: int = CODE_HOURS
) -> list[CodeSlip]:
    """Issue a fresh sign-in code to every member's account, to be printed and handed out;
    journaled as `notice.printed` with the count."""
    c = convocation(session, org.slug, sitting_id)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
    slips = [
        CodeSlip(
            m.name,
            m.mandate,
            a.username,
            accounts.issue_login_code(session, a.username, hours=hours),
            expires,
        )
        for m, a in _code_holders(c)
    ]
    payload = {"notice": "login-codes", "for_sitting": sitting_id, "printed": len(slips)}
    journal.append(session, org.id, actor=actor, kind="notice.printed", payload=payload)
    return slips


@dataclass(frozen=True)
class NoticeLine:
    """A notice of a sitting sent or printed, as the journal records it."""

    height: int
    at: str
    actor: str
    kind: str
    notice: str
    sent: int
    refused: int
    unreachable: int
    printed: int


def notices_of(session: Session, slug: str, sitting_id: int) -> list[NoticeLine]:
    """Every notice of the sitting the journal records, oldest first."""
    org_id = session.execute(select(Organization.id).where(Organization.slug == slug)).scalar()
    if org_id is None:
        raise NotFound(f"no organization '{slug}'")
    rows = session.scalars(
        select(JournalRecord)
        .where(
            JournalRecord.organization_id == org_id,
            JournalRecord.kind.in_(("notice.sent", "notice.printed")),
        )
        .order_by(JournalRecord.height)
    ).all()
    return [
        NoticeLine(
            r.height,
            r.at,
            r.actor,
            r.kind,
            str(r.payload.get("notice", "")),
            int(r.payload.get("sent", 0)),
            int(r.payload.get("refused", 0)),
            int(r.payload.get("unreachable", 0)),
            int(r.payload.get("printed", 0)),
        )
        for r in rows
        if r.payload.get("for_sitting") == sitting_id
    ]


def set_email(session: Session, username: str, email: str | None) -> Account:
    """Give an account the address its notices go to, or take it away (None or "")."""
    account = accounts.get_account(session, username)
    account.email = valid_address(email) if email and email.strip() else None
    return account
