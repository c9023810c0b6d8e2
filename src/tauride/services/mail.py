"""Letters sent by e-mail through the configured SMTP server (the standard library's
`smtplib` and `email`): convocations, report-back digests, sign-in codes.

A letter carries a plain-text body, optionally an HTML one, and attachments (a
convocation's .ics). One connection sends a batch; a recipient the server refuses is
reported, not fatal; a server that cannot be reached refuses the whole act.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from pydantic import SecretStr

from tauride.domain.errors import Conflict, InvalidInput

IMPLICIT_TLS_PORT = 465


class MailUnavailable(Conflict):
    """The SMTP server could not be reached, or refused to take the letters."""

    kind = "mail-unavailable"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    subtype: str
    """The `text/…` subtype: "calendar" for an .ics."""
    params: tuple[tuple[str, str], ...] = ()
    """Extra Content-Type parameters: ("method", "PUBLISH") for a calendar."""


@dataclass(frozen=True)
class Content:
    """What a letter says, in its reader's language."""

    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Letter:
    to: str
    name: str
    content: Content


class SmtpSettings(Protocol):
    """The settings that name the SMTP server (`tauride.config.Settings` has them)."""

    @property
    def smtp_host(self) -> str | None: ...
    @property
    def smtp_port(self) -> int: ...
    @property
    def smtp_user(self) -> str | None: ...
    @property
    def smtp_password(self) -> SecretStr | None: ...
    @property
    def smtp_starttls(self) -> bool: ...
    @property
    def smtp_timeout_s(self) -> float: ...
    @property
    def mail_from(self) -> str: ...


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    timeout: float = 30

    @classmethod
    def configured(cls, settings: SmtpSettings) -> SmtpServer | None:
        """The server the settings name, or None when no SMTP host is set (no e-mail)."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            user=settings.smtp_user or None,
            password=password.get_secret_value() if password else None,
            starttls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_s,
        )


@dataclass(frozen=True)
class Delivery:
    """What the server took, what it refused, and why a batch stopped early."""

    sent: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    stopped: str | None = None


def valid_address(text: str) -> str:
    """The address, checked to be one mailbox (local@domain); InvalidInput otherwise."""
    value = text.strip()
    try:
        address = Address(addr_spec=value)
    except (ValueError, IndexError):
        raise InvalidInput(f"email: '{value}' is not an e-mail address") from None
    if not address.username or "." not in address.domain or " " in value:
        raise InvalidInput(f"email: '{value}' is not an e-mail address")
    return value


def message(letter: Letter, sender: str) -> EmailMessage:
    """The MIME message of a letter: text, HTML alternative, attachments."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = Address(display_name=letter.name, addr_spec=letter.to)
    msg["Subject"] = letter.content.subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(letter.content.text)
    if letter.content.html is not None:
        msg.add_alternative(letter.content.html, subtype="html")
    for a in letter.content.attachments:
        msg.add_attachment(
            a.content,
            subtype=a.subtype,
            filename=a.filename,
            params=dict(a.params),
        )
    return msg


def _connect(server: SmtpServer) -> smtplib.SMTP:
    if server.port == IMPLICIT_TLS_PORT:
        return smtplib.SMTP_SSL(
            server.host,
            server.port,
            timeout=server.timeout,
            context=ssl.create_default_context(),
        )
    smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    if server.starttls:
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def send(server: SmtpServer, letters: Sequence[Letter]) -> Delivery:
    """Send a batch over one connection.

    Refuses the act (MailUnavailable) when nothing could be sent; when the connection
    breaks part-way, the letters already taken are reported as sent and the rest are not.
    """
    if not letters:
        return Delivery()
    try:
        smtp = _connect(server)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailUnavailable(f"SMTP server {server.host}:{server.port}: {exc}") from None
    sent: list[str] = []
    refused: list[str] = []
    stopped: str | None = None
    try:
        if server.user:
            smtp.login(server.user, server.password or "")
        for letter in letters:
            try:
                smtp.send_message(message(letter, server.sender))
            except smtplib.SMTPRecipientsRefused:
                refused.append(letter.to)
            else:
                sent.append(letter.to)
    except (OSError, smtplib.SMTPException) as exc:
        if not sent:
            raise MailUnavailable(f"SMTP server {server.host}:{server.port}: {exc}") from None
        stopped = str(exc)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return Delivery(tuple(sent), tuple(refused), stopped)
