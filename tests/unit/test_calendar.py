"""A sitting's date, time and place read from what the secretariat wrote, and its
convocation written as RFC 5545 text that any calendar reads back unchanged."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tauride.domain.calendar import (
    CRLF,
    LINE_OCTETS,
    CalendarEvent,
    Convened,
    calendar_text,
    convened,
    escape_text,
    fold,
)

MOSCOW = ZoneInfo("Europe/Moscow")
STAMP = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def unfold(text: str) -> list[str]:
    """Content lines as a reader sees them (RFC 5545 3.1): CRLF + space joins lines."""
    assert text.endswith(CRLF)
    assert "\n" not in text.replace(CRLF, "")
    return text[: -len(CRLF)].replace(CRLF + " ", "").split(CRLF)


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def properties(text: str) -> dict[str, str]:
    found = {}
    for line in unfold(text):
        name, _, value = line.partition(":")
        found.setdefault(name, value)
    return found


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1917-06-20", Convened(dt.date(1917, 6, 20))),
        (
            "1917-06-20 14:00, Tauride Palace",
            Convened(dt.date(1917, 6, 20), dt.time(14, 0), "Tauride Palace"),
        ),
        (
            "1917-06-20T14:00+03:00",
            Convened(
                dt.date(1917, 6, 20), dt.time(14, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
            ),
        ),
        (
            "1917-06-20 14:00:30 UTC — Smolny Institute",
            Convened(dt.date(1917, 6, 20), dt.time(14, 0, 30, tzinfo=dt.UTC), "Smolny Institute"),
        ),
        (
            "1917-06-20 Таврический дворец",
            Convened(dt.date(1917, 6, 20), None, "Таврический дворец"),
        ),
        ("next Tuesday", None),
        ("1917-13-01", None),
        ("1917-06-20 25:00", None),
        ("1917-06-2012", None),
        ("", None),
        (None, None),
    ],
)
def test_the_date_time_and_place_are_read_as_written(
    written: str | None, expected: Convened | None
) -> None:
    assert convened(written) == expected


def test_a_time_without_a_zone_is_in_the_configured_zone_and_ends_after_the_agenda() -> None:
    local = convened("1917-06-20 14:00, Tauride Palace")
    assert local is not None
    assert local.start(MOSCOW) == dt.datetime(1917, 6, 20, 14, 0, tzinfo=MOSCOW)
    assert local.start(MOSCOW).tzinfo is dt.UTC  # type: ignore[union-attr]
    assert local.end(MOSCOW, dt.timedelta(minutes=90)) - local.start(MOSCOW) == dt.timedelta(  # type: ignore[operator]
        minutes=90
    )
    assert local.end(MOSCOW, None) - local.start(MOSCOW) == dt.timedelta(hours=2)  # type: ignore[operator]
    written_zone = convened("1917-06-20T14:00+03:00")
    assert written_zone is not None
    assert written_zone.start(dt.UTC) == dt.datetime(1917, 6, 20, 11, 0, tzinfo=dt.UTC)
    whole_day = convened("1917-06-20")
    assert whole_day is not None
    assert (whole_day.start(MOSCOW), whole_day.end(MOSCOW, None)) == (
        dt.date(1917, 6, 20),
        dt.date(1917, 6, 21),
    )


def test_a_convocation_is_published_folded_escaped_and_read_back_unchanged() -> None:
    summary = "Исполнительный комитет, заседание № 3: о войне; мир, хлеб, земля \\ вся власть"
    description = "Повестка дня:\n1. Доклад; прения\n2. Резолюция, голосование\n" + "Ж" * 120
    event = CalendarEvent(
        uid="sitting-3.petrograd-1917@tauride.example",
        summary=summary,
        start=dt.datetime(2027, 6, 20, 14, 0, tzinfo=MOSCOW),
        end=dt.datetime(2027, 6, 20, 16, 0, tzinfo=MOSCOW),
        location="Таврический дворец, Екатерининский зал",
        description=description,
        url="https://tauride.example/o/petrograd-1917/sittings/3/convocation",
    )
    text = calendar_text([event], stamp=STAMP, name="Петроградский Совет")

    physical = text.split(CRLF)[:-1]
    assert all(len(line.encode("utf-8")) <= LINE_OCTETS for line in physical)
    assert any(line.startswith(" ") for line in physical)  # something was folded
    lines = unfold(text)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tauride//Convocations//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    assert lines[-1] == "END:VCALENDAR"
    found = properties(text)
    assert found["UID"] == "sitting-3.petrograd-1917@tauride.example"
    assert found["DTSTAMP"] == "20261123T120000Z"
    assert found["DTSTART"] == "20270620T110000Z"  # 14:00 in Moscow
    assert found["DTEND"] == "20270620T130000Z"
    assert unescape(found["SUMMARY"]) == summary
    assert unescape(found["DESCRIPTION"]) == description
    assert unescape(found["LOCATION"]) == "Таврический дворец, Екатерининский зал"
    assert unescape(found["X-WR-CALNAME"]) == "Петроградский Совет"
    assert found["URL"] == event.url
    assert "\\," in found["SUMMARY"]
    assert "\\;" in found["SUMMARY"]
    assert "\\\\" in found["SUMMARY"]


def test_a_whole_day_is_a_date_and_a_time_needs_its_zone() -> None:
    day = CalendarEvent("u@x", "Sitting", dt.date(1917, 6, 20), dt.date(1917, 6, 21))
    found = properties(calendar_text([day], stamp=STAMP))
    assert found["DTSTART;VALUE=DATE"] == "19170620"
    assert found["DTEND;VALUE=DATE"] == "19170621"
    naive = CalendarEvent("u@x", "Sitting", dt.datetime(1917, 6, 20, 14, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="needs its zone"):
        calendar_text([naive], stamp=STAMP)


@given(st.text(max_size=400))
def test_folding_never_cuts_a_character_and_unfolds_to_the_line(value: str) -> None:
    line = "DESCRIPTION:" + escape_text(value)
    folded = fold(line)
    pieces = folded.split(CRLF)
    assert all(len(p.encode("utf-8")) <= LINE_OCTETS for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert folded.replace(CRLF + " ", "") == line
    assert unescape(line.removeprefix("DESCRIPTION:")) == value.replace("\r\n", "\n").replace(
        "\r", "\n"
    )
