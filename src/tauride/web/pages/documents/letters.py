"""The wording of the letters notices send, each in its reader's language: the convocation
(with its .ics), the report-back digest, a sign-in code."""

from __future__ import annotations

import datetime as dt

from fastapi import Request

from tauride.domain.digests import Digest, digest_html, digest_text
from tauride.services.convocations import Addressee, Convocation
from tauride.services.mail import Attachment, Content
from tauride.web.pages import i18n
from tauride.web.pages.documents.convocation import (
    calendar,
    calendar_filename,
    page_url,
    summary,
    when,
)
from tauride.web.pages.documents.words import words
from tauride.web.pages.i18n import gettext as _
from tauride.web.pages.templating import render_text


class Letters:
    """Composes the letters of one request; a reader without a language of their own reads
    the sender's."""

    def __init__(self, request: Request, locale: str) -> None:
        self.request = request
        self.locale = locale

    def _language(self, reader: Addressee | None) -> str:
        return i18n.supported(reader.locale if reader else None) or self.locale

    def convocation(self, c: Convocation, reader: Addressee) -> Content:
        locale = self._language(reader)
        i18n.activate(locale)
        ics = calendar(self.request, c) if c.convened else None
        text = render_text(
            "documents/mail/convocation.txt",
            {
                "c": c,
                "reader": reader,
                "when": when(self.request, c),
                "w": words(),
                "url": page_url(self.request, c),
                "has_calendar": ics is not None,
            },
            locale,
        )
        attachments = (
            (Attachment(calendar_filename(c), ics, "calendar", (("method", "PUBLISH"),)),)
            if ics is not None
            else ()
        )
        return Content(_("Convocation") + ": " + summary(c), text, None, attachments)

    def digest(self, d: Digest) -> Content:
        i18n.activate(self.locale)
        subject = _(
            "Report-back to %(constituency)s: %(body)s, sitting no. %(number)s",
            constituency=d.constituency,
            body=d.body_name,
            number=d.number,
        )
        return Content(subject, digest_text(d), digest_html(d))

    def code(self, c: Convocation, reader: Addressee, code: str, hours: int) -> Content:
        locale = self._language(reader)
        base = str(self.request.base_url).rstrip("/")
        text = render_text(
            "documents/mail/code.txt",
            {
                "c": c,
                "reader": reader,
                "code": code,
                "expires": (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).astimezone(
                    self.request.app.state.settings.zone
                ),
                "login": f"{base}/login",
                "url": page_url(self.request, c),
            },
            locale,
        )
        return Content(_("Your sign-in code for %(org)s", org=c.organization), text)
