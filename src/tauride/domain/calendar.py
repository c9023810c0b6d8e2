"""When and where a sitting is convened, and its convocation as an iCalendar file.

A sitting's `scheduled_for` is what the secretariat wrote: a date ("1917-06-20"), a date
and time ("1917-06-20 14:00", "1917-06-20T14:00+03:00"), optionally followed by the place
("1917-06-20 14:00, Tauride Palace"). `convened` reads it; anything else stays text that
the convocation prints as written and that no calendar can hold.

`calendar_text` writes events as RFC 5545 text: CRLF line ends, lines folded at 75 octets
without splitting a UTF-8 character, TEXT values escaped, a stable UID so that a
calendar replaces the event when the convocation is published again, DTSTAMP and
date-times in UTC, whole days as DATE values, METHOD:PUBLISH.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CRLF = "\r\n"
LINE_OCTETS = 75
DEFAULT_LENGTH = dt.timedelta(hours=2)
"""How long a convened sitting is taken to last when its agenda allots no time."""

_CONVENED = re.compile(
    r"""^\s*(?P<day>\d{4}-\d{2}-\d{2})(?!\d)
    (?:[T\s]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?!\d)
       \s*(?P<zone>Z|UTC|[+-]\d{2}:?\d{2})?)?
    (?P<rest>.*)$""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)
# What people put between a time and a place: commas, dashes, strokes.
_SEPARATORS = " \t,;:–—-/|"


@dataclass(frozen=True)
class Convened:
    """When (and where, if written) a sitting is convened, as the secretariat wrote it."""

    day: dt.date
    time: dt.time | None = None
    """The wall-clock time; carries its zone when one was written."""
    place: str | None = None

    def start(self, zone: dt.tzinfo) -> dt.date | dt.datetime:
        """The day, or the instant in UTC (a time written without a zone is in `zone`)."""
        if self.time is None:
            return self.day
        local = dt.datetime.combine(self.day, self.time)
        if local.tzinfo is None:
            local = local.replace(tzinfo=zone)
        return local.astimezone(dt.UTC)

    def end(self, zone: dt.tzinfo, length: dt.timedelta | None) -> dt.date | dt.datetime:
        """The end: the next day for a whole day, else the start plus the length."""
        start = self.start(zone)
        if isinstance(start, dt.datetime):
            return start + (length if length else DEFAULT_LENGTH)
        return start + dt.timedelta(days=1)


def _zone(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text.upper() in ("Z", "UTC"):
        return dt.UTC
    digits = text[1:].replace(":", "")
    offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return dt.timezone(-offset if text[0] == "-" else offset)


def convened(text: str | None) -> Convened | None:
    """Decide the date, time and place a sitting's `scheduled_for` names; None if it names
    no date that can be read."""
    if not text:
        return None
    m = _CONVENED.match(text)
    if m is None:
        return None
    try:
        day = dt.date.fromisoformat(m["day"])
        time = None
        if m["hour"] is not None:
            time = dt.time(
                int(m["hour"]), int(m["minute"]), int(m["second"] or 0), tzinfo=_zone(m["zone"])
            )
    except ValueError:
        return None
    place = m["rest"].strip(_SEPARATORS).strip() or None
    return Convened(day, time, place)


@dataclass(frozen=True)
class CalendarEvent:
    """One event of a published calendar."""

    uid: str
    """Stable across publications of the same sitting."""
    summary: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    location: str | None = None
    description: str | None = None
    url: str | None = None
    status: str = "CONFIRMED"


def escape_text(value: str) -> str:
    """Decide the RFC 5545 TEXT form of a value: backslash, semicolon, comma and line breaks
    escaped (section 3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Decide the folded form of a content line: at most 75 octets a line, continuation
    lines starting with one space, a UTF-8 character never cut in two (section 3.1)."""
    out: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += width
    out.append(current)
    return CRLF.join(out)


def _utc(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("a calendar date-time needs its zone")
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _moment(name: str, value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return f"{name}:{_utc(value)}"
    return f"{name};VALUE=DATE:{value.strftime('%Y%m%d')}"


def _event_lines(event: CalendarEvent, stamp: dt.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(stamp)}",
        _moment("DTSTART", event.start),
    ]
    if event.end is not None:
        lines.append(_moment("DTEND", event.end))
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines += [f"STATUS:{event.status}", "TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def calendar_text(
    events: Iterable[CalendarEvent],
    *,
    stamp: dt.datetime,
    product: str = "-//Tauride//Convocations//EN",
    name: str | None = None,
) -> str:
    """Decide the iCalendar text (METHOD:PUBLISH) of events; `stamp` is when it was made."""
    lines: Sequence[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *([f"X-WR-CALNAME:{escape_text(name)}"] if name else []),
        *(line for event in events for line in _event_lines(event, stamp)),
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)
