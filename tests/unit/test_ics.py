"""RFC 5545 properties of events_app.calendar.ics, checked by parsing the output back.

Parsing uses icalendar and recurring-ical-events (what subscribers' software resembles), and
the VTIMEZONE is checked on its own (renamed TZID / ``to_tz(lookup_tzid=False)``) because
parsers otherwise resolve "Europe/Amsterdam" from their own tz database and never look at it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st

from events_app.calendar import ics
from events_app.calendar.ics import (
    PRODID,
    IcsCalendar,
    IcsEvent,
    assemble,
    invitation,
    render_calendar,
    render_event_fragment,
    vtimezone,
)
from tests.helpers.parsing import parse_calendar

AMS = "Europe/Amsterdam"
STAMP = datetime(2026, 9, 1, 10, 30, tzinfo=UTC)
FEED = IcsCalendar(
    name="Ervaringsdeskundigen – online meet-ups",
    description="Alle data, ook geannuleerde",
    url="https://example.org/feeds/meetups.ics",
    method="PUBLISH",
)
DUTCH = (
    "Ëén geïnteresseerde coöperatie organiseert café-avonden; ideeën, crème brûlée "
    "en één enquête 🎉🧑‍🤝‍🧑 over naïeve reünies, zeeën en ruïnes. "
)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A naive wall-clock time, as IcsEvent wants (the tz travels separately)."""
    return datetime(year, month, day, hour, minute)  # noqa: DTZ001


def prop(component: Any, name: str) -> Any:
    """A parsed property; icalendar types it as a union of every value class."""
    return component[name]


def make_event(number: int = 0, **changes: Any) -> IcsEvent:
    event = IcsEvent(
        uid=f"occ-{number:04d}@events-app",
        sequence=0,
        summary="Online meet-up",
        description="Welkom!\nDe link volgt per mail.",
        local_start=wall(2026, 10, 1, 15),
        local_end=wall(2026, 10, 1, 16, 30),
        tz=AMS,
        status="CONFIRMED",
        dtstamp=STAMP,
        last_modified=STAMP,
        location="Online (Zoom)",
        url=f"https://example.org/d/{number}",
        categories=("Meet-up", "Online"),
        organizer_name="Stichting Ervaring",
        organizer_email="agenda@example.org",
    )
    return replace(event, **changes)


def weekly(count: int = 31, **changes: Any) -> list[IcsEvent]:
    """Thursdays 15:00 from 1 Oct 2026 to 29 Apr 2027: across both DST changes."""
    first = wall(2026, 10, 1, 15)
    return [
        make_event(
            n,
            local_start=first + timedelta(weeks=n),
            local_end=first + timedelta(weeks=n, hours=1, minutes=30),
            **changes,
        )
        for n in range(count)
    ]


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
    return lines


def assert_wellformed(data: bytes) -> None:
    """CRLF everywhere, ≤ 75 octets per line, every line valid UTF-8 on its own."""
    for line in physical_lines(data):
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never splits a multibyte character
    names = [line.split(b":", 1)[1] for line in physical_lines(data) if line.startswith(b"BEGIN")]
    assert names.count(b"VCALENDAR") == 1
    for name in set(names):
        assert data.count(b"BEGIN:" + name + b"\r\n") == data.count(b"END:" + name + b"\r\n")


def event_dates(data: bytes) -> set[tuple[str, datetime, datetime]]:
    calendar = parse_calendar(data)
    found = recurring_ical_events.of(calendar).between(date(2025, 1, 1), date(2033, 1, 1))
    return {(str(e["UID"]), e.start.replace(tzinfo=None), e.start.astimezone(UTC)) for e in found}


def expected(events: list[IcsEvent]) -> set[tuple[str, datetime, datetime]]:
    return {
        (e.uid, e.local_start, e.local_start.replace(tzinfo=ZoneInfo(e.tz)).astimezone(UTC))
        for e in events
    }


# --- line structure ------------------------------------------------------------------


def test_folding_keeps_multibyte_characters_whole_and_unfolds_back() -> None:
    text = DUTCH * 12
    event = make_event(summary=DUTCH * 2, description=text, location=DUTCH)
    data = render_calendar(replace(FEED, description=DUTCH * 3), [event])
    assert_wellformed(data)
    assert max(len(line) for line in physical_lines(data)) > 70  # folding really happened
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    escaped = DUTCH.replace(",", "\\,").replace(";", "\\;")
    assert "\r\nDESCRIPTION:" + escaped * 12 + "\r\n" in unfolded
    parsed = parse_calendar(data).events[0]
    assert str(parsed["DESCRIPTION"]) == text
    assert str(parsed["SUMMARY"]) == DUTCH * 2
    assert str(parsed["LOCATION"]) == DUTCH


def test_special_characters_are_escaped_and_round_trip() -> None:
    nasty = 'a,b;c\\d\ne:f "g"\r\nEND:VEVENT\rBEGIN:VALARM\t;\\n'
    event = make_event(
        summary=nasty,
        description=nasty,
        location=nasty,
        categories=("a,b", "c;d", "e\\f"),
        organizer_name='De "Raad": a;b,c',
        attendee_email="p@example.nl",
        attendee_name="Piet\nPaulusma",
    )
    data = render_calendar(FEED, [event])
    assert_wellformed(data)
    assert b"SUMMARY:a\\,b\\;c\\\\d\\ne:f" in data
    lines = data.replace(b"\r\n ", b"").split(b"\r\n")
    assert lines.count(b"END:VEVENT") == 1 and b"BEGIN:VALARM" not in lines
    parsed = parse_calendar(data).events[0]
    clean = nasty.replace("\r\n", "\n").replace("\r", "\n")
    for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        assert str(parsed[name]) == clean
    assert list(prop(parsed, "CATEGORIES").cats) == ["a,b", "c;d", "e\\f"]
    assert parsed["ORGANIZER"].params["CN"] == 'De "Raad": a;b,c'
    assert parsed["ATTENDEE"].params["CN"] == "Piet Paulusma"


text_values = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)


@settings(max_examples=150, deadline=None)
@given(summary=text_values, description=text_values, location=text_values, cats=text_values)
def test_any_text_survives_and_never_breaks_structure(
    summary: str, description: str, location: str, cats: str
) -> None:
    def clean(value: str) -> str:
        return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))

    event = make_event(
        summary=summary, description=description, location=location, categories=(cats,)
    )
    data = render_calendar(FEED, [event])
    assert_wellformed(data)
    [parsed] = parse_calendar(data).events
    assert str(parsed["SUMMARY"]) == clean(summary)
    assert str(parsed.get("DESCRIPTION", "")) == clean(description)
    assert str(parsed.get("LOCATION", "")) == clean(location)
    if clean(cats):
        assert list(prop(parsed, "CATEGORIES").cats) == [clean(cats)]
    assert parsed["UID"] == event.uid


# --- times and time zones ------------------------------------------------------------


def test_weekly_meetings_across_both_dst_changes() -> None:
    events = weekly()
    data = render_calendar(FEED, events)
    assert_wellformed(data)
    assert b"DTSTART;TZID=Europe/Amsterdam:20261001T150000\r\n" in data
    assert b"DTSTART:2026" not in data.split(b"BEGIN:VEVENT", 1)[1]  # no UTC, no floating
    got = event_dates(data)
    assert got == expected(events)
    utc_hours = {local.date(): utc.hour for _, local, utc in got}
    assert utc_hours[date(2026, 10, 22)] == 13  # CEST
    assert utc_hours[date(2026, 10, 29)] == 14  # CET
    assert utc_hours[date(2027, 3, 25)] == 14  # CET
    assert utc_hours[date(2027, 4, 1)] == 13  # CEST


def test_embedded_vtimezone_alone_gives_the_right_instants() -> None:
    """Rename the TZID so parsers must use our VTIMEZONE instead of their own tz database;
    include times just around both transitions (01:30/03:30 local on the switch Sundays)."""
    events = weekly()
    for n, (day, hour) in enumerate(
        [
            (date(2026, 10, 25), 1),
            (date(2026, 10, 25), 3),
            (date(2027, 3, 28), 1),
            (date(2027, 3, 28), 3),
            (date(2027, 3, 27), 23),
            (date(2026, 10, 24), 23),
        ]
    ):
        start = datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=30)
        events.append(make_event(100 + n, local_start=start, local_end=start))
    data = render_calendar(FEED, events)
    renamed = data.replace(b"Europe/Amsterdam", b"Test/Amsterdam")
    assert event_dates(renamed) == expected(events)


def embedded_zone(data: bytes, tzid: str) -> Any:
    [component] = [tz for tz in parse_calendar(data).timezones if tz.tz_name == tzid]
    return component.to_tz(lookup_tzid=False)


@pytest.mark.parametrize(
    ("day", "offset_before", "offset_after"),
    [
        (date(2026, 3, 29), 1, 2),
        (date(2026, 10, 25), 2, 1),
        (date(2027, 3, 28), 1, 2),
        (date(2027, 10, 31), 2, 1),
    ],
)
def test_amsterdam_transitions_at_0100_utc(
    day: date, offset_before: int, offset_after: int
) -> None:
    data = render_calendar(FEED, weekly())
    zone = embedded_zone(data, AMS)
    for minute_utc, hours in ((59, offset_before), (60, offset_after)):
        instant = datetime.combine(day, datetime.min.time(), UTC) + timedelta(minutes=minute_utc)
        assert instant.astimezone(zone).utcoffset() == timedelta(hours=hours), instant


def test_amsterdam_vtimezone_observances() -> None:
    data = render_calendar(FEED, weekly())
    [tz] = parse_calendar(data).timezones
    daylight = [sub for sub in tz.subcomponents if sub.name == "DAYLIGHT"]
    standard = [sub for sub in tz.subcomponents if sub.name == "STANDARD"]
    [dst] = daylight
    dst_onsets = [dst.DTSTART] + [start for start, _ in dst.rdates]
    assert prop(dst, "TZOFFSETFROM").td == timedelta(hours=1)
    assert prop(dst, "TZOFFSETTO").td == timedelta(hours=2)
    assert {(o.year, o.month, o.day, o.hour) for o in dst_onsets} >= {
        (2026, 3, 29, 2),
        (2027, 3, 28, 2),
    }
    back = [s for s in standard if prop(s, "TZOFFSETFROM").td == timedelta(hours=2)]
    [std] = back
    std_onsets = [std.DTSTART] + [start for start, _ in std.rdates]
    assert prop(std, "TZOFFSETTO").td == timedelta(hours=1)
    assert {(o.year, o.month, o.day, o.hour) for o in std_onsets} >= {
        (2026, 10, 25, 3),
        (2027, 10, 31, 3),
    }
    for onset in dst_onsets + std_onsets:
        assert onset.weekday() == 6 and (onset + timedelta(days=7)).month != onset.month


@pytest.mark.parametrize(
    "tzid",
    ["Europe/Amsterdam", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Tokyo"],
)
def test_vtimezone_matches_zoneinfo_every_half_hour(tzid: str) -> None:
    zone = ZoneInfo(tzid)
    # as assemble() does: a year of margin around the events' years (2026 and 2027 here)
    data = b"BEGIN:VCALENDAR\r\n" + vtimezone(tzid, 2025, 2028) + b"END:VCALENDAR\r\n"
    assert_wellformed(data)
    ours = embedded_zone(data, tzid)
    instant = datetime(2026, 1, 1, tzinfo=zone).astimezone(UTC)
    stop = datetime(2028, 1, 1, tzinfo=zone).astimezone(UTC)
    while instant < stop:
        assert instant.astimezone(ours).utcoffset() == instant.astimezone(zone).utcoffset()
        instant += timedelta(minutes=30)


def test_vtimezone_covers_all_events_with_margin() -> None:
    events = [
        make_event(1, local_start=wall(2026, 1, 1, 0, 30), local_end=wall(2026, 1, 1, 1)),
        make_event(2, tz="Europe/London"),
        make_event(3, local_start=wall(2030, 12, 31, 23), local_end=wall(2031, 1, 1, 1)),
    ]
    data = render_calendar(FEED, events)
    calendar = parse_calendar(data)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam", "Europe/London"]
    assert calendar.get_missing_tzids() == set()
    onsets = {
        tz.tz_name: [sub.DTSTART for sub in tz.subcomponents]
        + [start for sub in tz.subcomponents for start, _ in sub.rdates]
        for tz in calendar.timezones
    }
    assert min(onsets[AMS]) == wall(2025, 1, 1)
    assert max(onsets[AMS]).year == 2032
    assert min(onsets["Europe/London"]) == wall(2025, 1, 1)
    assert event_dates(data) == expected(events)


def test_utc_events_need_no_vtimezone() -> None:
    data = render_calendar(FEED, [make_event(tz="UTC")])
    assert b"DTSTART:20261001T150000Z" in data and b"VTIMEZONE" not in data
    assert render_event_fragment(make_event(tz="UTC")).tzid is None


# --- content -------------------------------------------------------------------------


def test_event_and_calendar_properties() -> None:
    event = make_event(
        sequence=3,
        status="CANCELLED",
        attendee_email="deelnemer@example.nl",
        attendee_name="Deelnemer",
        attendee_partstat="NEEDS-ACTION",
        transparent=True,
        dtstamp=datetime(2026, 9, 1, 12, 30, tzinfo=ZoneInfo(AMS)),
    )
    data = render_calendar(FEED, [event])
    unfolded = data.replace(b"\r\n ", b"").decode()
    for line in [
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{FEED.name}",
        f"X-WR-CALNAME:{FEED.name}",
        "DESCRIPTION:Alle data\\, ook geannuleerde",
        "X-WR-CALDESC:Alle data\\, ook geannuleerde",  # TEXT-escaped like DESCRIPTION
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "SOURCE;VALUE=URI:https://example.org/feeds/meetups.ics",
        "URL:https://example.org/feeds/meetups.ics",
        "UID:occ-0000@events-app",
        "SEQUENCE:3",
        "STATUS:CANCELLED",
        "DTSTAMP:20260901T103000Z",
        "LAST-MODIFIED:20260901T103000Z",
        "URL:https://example.org/d/0",
        "CATEGORIES:Meet-up,Online",
        'ORGANIZER;CN="Stichting Ervaring":mailto:agenda@example.org',
        "TRANSP:TRANSPARENT",
        "DTEND;TZID=Europe/Amsterdam:20261001T163000",
    ]:
        assert f"\r\n{line}\r\n" in unfolded, line
    attendee = parse_calendar(data).events[0]["ATTENDEE"]
    assert str(attendee) == "mailto:deelnemer@example.nl"
    assert dict(attendee.params) == {
        "CN": "Deelnemer",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "FALSE",
    }


def test_cancelled_dates_stay_in_the_feed_marked_cancelled() -> None:
    events = weekly(5)
    events[2] = replace(events[2], status="CANCELLED", sequence=1)
    data = render_calendar(FEED, events)
    parsed = {str(e["UID"]): e for e in parse_calendar(data).events}
    assert len(parsed) == 5
    assert parsed[events[2].uid]["STATUS"] == "CANCELLED"
    assert parsed[events[2].uid]["SEQUENCE"] == 1
    assert {str(e["STATUS"]) for uid, e in parsed.items() if uid != events[2].uid} == {"CONFIRMED"}


def test_empty_feed_is_a_valid_calendar() -> None:
    data = render_calendar(FEED, [])
    assert_wellformed(data)
    calendar = parse_calendar(data)
    assert calendar["NAME"] == FEED.name and calendar["X-WR-CALNAME"] == FEED.name
    assert calendar["PRODID"] == PRODID and calendar["VERSION"] == "2.0"
    assert calendar.subcomponents == []
    assert b"VTIMEZONE" not in data and data.endswith(b"END:VCALENDAR\r\n")


def test_events_keep_the_given_order() -> None:
    events = list(reversed(weekly(4)))
    uids = [str(e["UID"]) for e in parse_calendar(render_calendar(FEED, events)).events]
    assert uids == [e.uid for e in events]


@pytest.mark.parametrize(
    "changes",
    [
        {"dtstamp": wall(2026, 9, 1)},
        {"last_modified": wall(2026, 9, 1)},
        {"local_start": datetime(2026, 10, 1, 15, tzinfo=UTC)},
        {"local_end": wall(2026, 10, 1, 14)},
        {"tz": "Europe/Atlantis"},
        {"url": "https://example.org/a b"},
        {"organizer_email": "a@example.org\r\nX-EVIL:1"},
        {"uid": "occ\r\n1"},
        {"uid": ""},
        {"sequence": -1},
    ],
)
def test_invalid_input_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        render_calendar(FEED, [make_event(**changes)])


# --- determinism and cached fragments ------------------------------------------------


def test_same_input_gives_identical_bytes() -> None:
    first = render_calendar(FEED, weekly())
    vtimezone.cache_clear()
    ics._header.cache_clear()
    second = render_calendar(replace(FEED), [replace(e) for e in weekly()])
    assert first == second


def test_assembling_cached_fragments_equals_render_calendar() -> None:
    events = weekly()
    cache = {e.uid: render_event_fragment(e) for e in reversed(events)}  # rendered earlier
    fragments = [cache[e.uid] for e in events]
    data = assemble(FEED, fragments)
    assert data == render_calendar(FEED, events)
    # the hand-spliced document is exactly what icalendar itself would serialise
    assert parse_calendar(data).to_ical() == data
    # the same cached fragments serve other feeds, e.g. a subset with another header
    other = IcsCalendar(name="Alleen oktober", refresh=timedelta(minutes=15))
    assert assemble(other, fragments[:5]) == render_calendar(other, events[:5])
    assert assemble(other, []) == render_calendar(other, [])


# --- mail invitations ----------------------------------------------------------------


def test_invitation_request_and_cancel() -> None:
    event = make_event(sequence=4, attendee_email="jan@example.nl", attendee_name="Jan")
    request = invitation(event, method="REQUEST", calendar_name="Meet-ups")
    cancel = invitation(replace(event, sequence=5), method="CANCEL", calendar_name="Meet-ups")
    for data, method, status, sequence in (
        (request, "REQUEST", "CONFIRMED", 4),
        (cancel, "CANCEL", "CANCELLED", 5),
    ):
        assert_wellformed(data)
        calendar = parse_calendar(data)
        assert calendar["METHOD"] == method
        assert b"REFRESH-INTERVAL" not in data
        [vevent] = calendar.events
        assert vevent["UID"] == event.uid
        assert vevent["STATUS"] == status and vevent["SEQUENCE"] == sequence
        assert str(vevent["ORGANIZER"]) == "mailto:agenda@example.org"
        assert str(vevent["ATTENDEE"]) == "mailto:jan@example.nl"
        assert vevent["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
        assert event_dates(data) == expected([event])


def test_invitation_refuses_incomplete_or_contradictory_input() -> None:
    event = make_event(attendee_email="jan@example.nl")
    with pytest.raises(ValueError, match="organizer"):
        invitation(replace(event, organizer_email=None), method="REQUEST", calendar_name="x")
    with pytest.raises(ValueError, match="attendee"):
        invitation(replace(event, attendee_email=None), method="CANCEL", calendar_name="x")
    with pytest.raises(ValueError, match="CANCEL"):
        invitation(replace(event, status="CANCELLED"), method="REQUEST", calendar_name="x")


def test_a_calendar_name_with_a_line_break_becomes_one_line() -> None:
    data = render_calendar(IcsCalendar(name="Netwerk\nStad; met, tekens"), [])
    parsed = icalendar.Calendar.from_ical(data)
    assert str(parsed["NAME"]) == "Netwerk Stad; met, tekens"
    assert b"Netwerk\\n" not in data
