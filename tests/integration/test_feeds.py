"""Public feeds, parsed back with an independent expander and compared with the database.

One VEVENT per date (no RRULE), so what recurring-ical-events finds must be exactly the rows:
same UIDs, local and UTC starts across both DST changes, statuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import recurring_ical_events

from events_app import clock
from events_app.feeds import cache
from events_app.tables import EventDate
from tests.factories import make_organisation
from tests.feed_factories import (
    make_attendee,
    make_feed_date,
    make_series,
    make_speaker,
    register,
    touch_date,
    touch_series,
    wall,
)
from tests.helpers.parsing import parse_calendar

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
CONTENT_TYPE = "text/calendar; charset=utf-8"
SECRET_LINK = "https://meet.example.org/ervaring-geheim"


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[datetime]:
    """A fixed "now", and empty feed caches: they belong to one database's contents."""
    cache.clear()
    with clock.frozen(NOW) as now:
        yield now


def expand(body: bytes) -> list[Any]:
    calendar = parse_calendar(body)
    found = recurring_ical_events.of(calendar).between(date(2025, 1, 1), date(2029, 1, 1))
    return sorted(found, key=lambda e: e.start)


def seen(body: bytes) -> set[tuple[str, datetime, datetime, str]]:
    """(UID, local start, UTC start, STATUS) of every date an independent expander finds."""
    return {
        (
            str(e["UID"]),
            e.start.astimezone(AMS).replace(tzinfo=None),
            e.start.astimezone(UTC),
            str(e["STATUS"]),
        )
        for e in expand(body)
    }


async def stored(series_id: int) -> set[tuple[str, datetime, datetime, str]]:
    rows = await EventDate.select().where(EventDate.series == series_id)
    status = {"scheduled": "CONFIRMED", "cancelled": "CANCELLED", "skipped": "CANCELLED"}
    return {
        (row["uid"], row["local_start"], row["starts_at"].astimezone(UTC), status[row["status"]])
        for row in rows
    }


async def fortnightly(organisation_id: int, slug: str = "ontmoeting", **values: Any) -> int:
    """Every other Thursday 15:00-16:00, 1 Oct 2026 - 29 Apr 2027 (both DST changes): the
    24 Dec date skipped, 21 Jan moved to 28 Jan, 18 Feb cancelled, speakers per date."""
    series_id = await make_series(
        organisation_id,
        slug,
        title="Online ontmoeting ervaringskennis",
        summary="Elke twee weken delen we ervaringskennis.",
        meeting_url=SECRET_LINK,
        meeting_details="Meeting-ID 123 456",
        tags=["herstel", "buurtteam"],
        **values,
    )
    await make_speaker(series_id, "Henk Gastheer", role="moderator")
    start = wall(2026, 10, 1, 15)
    for n in range(16):
        local = start + timedelta(weeks=2 * n)
        values = {}
        if local.date() == date(2026, 12, 24):
            values = {"status": "skipped", "status_reason": "Kerstvakantie"}
        if local.date() == date(2027, 2, 18):
            values = {"status": "cancelled", "status_reason": "De spreker is ziek"}
        date_id = await make_feed_date(series_id, local, **values)
        if n == 0:
            await make_speaker(series_id, "Sanne de Vries", date_id)
            await touch_date(date_id, topic="Herstel en werk")
        if local.date() == date(2027, 1, 21):
            await touch_date(date_id, local_start=wall(2027, 1, 28, 15))
    return series_id


async def test_series_feed_equals_the_database_across_both_dst_changes(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    series_id = await fortnightly(org)
    other = await fortnightly(org, "andere-reeks")  # must not leak into the first feed
    response = await client.get("/feeds/series/ontmoeting.ics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == CONTENT_TYPE
    found = seen(response.content)
    assert found == await stored(series_id)
    assert len(found) == 16
    assert not {uid for uid, *_ in found} & {uid for uid, *_ in await stored(other)}
    for _, local, utc, _ in found:
        assert local.time() == datetime.min.time().replace(hour=15)
        summer = date(2026, 10, 25) > local.date() or local.date() >= date(2027, 3, 28)
        assert utc.hour == (13 if summer else 14), (local, utc)
    assert any(local.date() == date(2027, 1, 28) for _, local, _, _ in found)
    assert not any(local.date() == date(2027, 1, 21) for _, local, _, _ in found)
    statuses = {local.date(): status for _, local, _, status in found}
    assert statuses[date(2026, 12, 24)] == "CANCELLED"
    assert statuses[date(2027, 2, 18)] == "CANCELLED"
    assert list(statuses.values()).count("CANCELLED") == 2


async def test_all_feed_equals_the_database_for_several_series(client: httpx.AsyncClient) -> None:
    """Three organisations' series, including dates on both DST Sundays themselves."""
    org = await make_organisation()
    other = await make_organisation("expertisecentrum", "Expertisecentrum")
    ids = [await fortnightly(org)]
    evening = await make_series(other, "netwerkavond", title="Netwerkavond", format="in_person")
    for week in range(30):  # Mondays 19:30, October 2026 - April 2027
        await make_feed_date(evening, wall(2026, 10, 5, 19, 30) + timedelta(weeks=week), 150)
    ids.append(evening)
    sundays = await make_series(other, "zondag", title="Zondagochtend", kind="training")
    for day in (wall(2026, 10, 25, 10), wall(2027, 3, 28, 10), wall(2027, 3, 28, 23, 30)):
        await make_feed_date(sundays, day, 90)
    ids.append(sundays)
    hidden = await make_series(org, "concept", title="Concept", published=False)
    await make_feed_date(hidden, wall(2026, 11, 5, 10))
    body = (await client.get("/feeds/all.ics")).content
    expected: set[tuple[str, datetime, datetime, str]] = set()
    for series_id in ids:
        expected |= await stored(series_id)
    assert seen(body) == expected
    assert len(expected) == 16 + 30 + 3
    for uid, local, utc, _ in expected:
        assert utc == local.replace(tzinfo=AMS).astimezone(UTC), uid


async def test_event_properties_follow_rfc_5545_and_7986(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    series_id = await fortnightly(org)
    body = (await client.get("/feeds/series/ontmoeting.ics")).content
    calendar = parse_calendar(body)
    assert b"\r\nPRODID:" in body and b"\r\nVERSION:2.0\r\n" in body
    for name in ("NAME", "X-WR-CALNAME"):
        assert str(calendar[name]) == "Online ontmoeting ervaringskennis"
    assert str(calendar["X-WR-CALDESC"]).startswith("Elke twee weken")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert b"X-PUBLISHED-TTL:PT1H" in body
    assert b"METHOD:PUBLISH" in body
    assert b"SOURCE;VALUE=URI:http://events.test/feeds/series/ontmoeting.ics" in body
    assert b"RRULE" not in body and b"EXDATE" not in body and b"RECURRENCE-ID" not in body
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam"
    rows = {r["uid"]: r for r in await EventDate.select().where(EventDate.series == series_id)}
    events = calendar.walk("VEVENT")
    assert len(events) == len(rows) == len({str(e["UID"]) for e in events})
    for event in events:
        row = rows[str(event["UID"])]
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert int(event["SEQUENCE"]) == row["sequence"]
        assert event["LAST-MODIFIED"].dt == row["updated_at"]
        assert event["DTSTAMP"].dt == row["updated_at"]
        assert str(event["URL"]) == f"http://events.test/events/ontmoeting/{row['id']}"
        assert str(event["LOCATION"]) == "Online"
        assert str(event["ORGANIZER"]) == "mailto:info@stadsnetwerk.example.org"
        assert event["ORGANIZER"].params["CN"] == "Stadsnetwerk"
        assert [str(c) for c in event["CATEGORIES"].cats] == ["Ontmoeting", "herstel", "buurtteam"]
    first = next(e for e in events if e["DTSTART"].dt.date() == date(2026, 10, 1))
    assert str(first["SUMMARY"]) == "Online ontmoeting ervaringskennis — Herstel en werk"
    description = str(first["DESCRIPTION"])
    assert "Onderwerp: Herstel en werk" in description
    assert "Spreker: Sanne de Vries" in description
    assert "Henk Gastheer" not in description  # the date's own speakers replace the series'
    other = next(e for e in events if e["DTSTART"].dt.date() == date(2026, 10, 15))
    assert "Gespreksleider: Henk Gastheer" in str(other["DESCRIPTION"])
    assert "Aanmelden is nodig: http://events.test/events/ontmoeting/" in str(other["DESCRIPTION"])
    moved = next(e for e in events if e["DTSTART"].dt.date() == date(2027, 1, 28))
    assert int(moved["SEQUENCE"]) == 1


async def test_cancelled_and_skipped_dates_stay_as_cancelled_with_their_reason(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    await fortnightly(org)
    for lang, prefix, reason in (
        ("nl", "Geannuleerd: ", "Reden: Kerstvakantie"),
        ("en", "Cancelled: ", "Reason: Kerstvakantie"),
    ):
        body = (await client.get(f"/feeds/series/ontmoeting.ics?lang={lang}")).content
        events = {e["DTSTART"].dt.date(): e for e in parse_calendar(body).walk("VEVENT")}
        skipped = events[date(2026, 12, 24)]
        assert str(skipped["STATUS"]) == "CANCELLED"
        assert str(skipped["SUMMARY"]).startswith(prefix)
        assert reason in str(skipped["DESCRIPTION"])
        assert str(events[date(2027, 2, 18)]["STATUS"]) == "CANCELLED"
        assert str(events[date(2027, 1, 7)]["STATUS"]) == "CONFIRMED"
        assert not str(events[date(2027, 1, 7)]["SUMMARY"]).startswith(prefix)


async def test_cancelled_series_shows_every_date_cancelled(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    series_id = await fortnightly(org)
    await touch_series(series_id, status="cancelled")
    body = (await client.get("/feeds/series/ontmoeting.ics")).content
    assert {str(e["STATUS"]) for e in parse_calendar(body).walk("VEVENT")} == {"CANCELLED"}


async def test_public_feeds_never_show_a_registered_only_link_or_registrants(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    series_id = await fortnightly(org)
    [first, *_] = await EventDate.select(EventDate.id).where(EventDate.series == series_id)
    person = await make_attendee("geheim.persoon@example.org")
    await register(first["id"], person, name="Geheime Persoon")
    paths = [
        "/feeds/all.ics",
        "/feeds/organisations/stadsnetwerk.ics",
        "/feeds/series/ontmoeting.ics",
        f"/feeds/dates/{first['id']}.ics",
        "/feeds/series/ontmoeting.ics?lang=en",
    ]
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, path
        body = response.content
        unfolded = body.replace(b"\r\n ", b"")
        for secret in (
            SECRET_LINK.encode(),
            b"123 456",
            b"Geheime",
            b"geheim.persoon",
            b"ATTENDEE",
        ):
            assert secret not in unfolded, (path, secret)
    nl = (await client.get("/feeds/series/ontmoeting.ics")).content.replace(b"\r\n ", b"")
    assert b"De link krijg je na aanmelding." in nl
    en = (await client.get("/feeds/series/ontmoeting.ics?lang=en")).content.replace(b"\r\n ", b"")
    assert b"You get the link after registering." in en


async def test_a_public_link_is_shown_to_everyone(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await fortnightly(org, link_visibility="everyone")
    body = (await client.get("/feeds/series/ontmoeting.ics")).content
    events = parse_calendar(body).walk("VEVENT")
    scheduled = [e for e in events if str(e["STATUS"]) == "CONFIRMED"]
    assert {str(e["LOCATION"]) for e in scheduled} == {SECRET_LINK}
    assert all(f"Online meedoen: {SECRET_LINK}" in str(e["DESCRIPTION"]) for e in scheduled)
    cancelled = [e for e in events if str(e["STATUS"]) == "CANCELLED"]
    assert all(SECRET_LINK not in str(e["DESCRIPTION"]) for e in cancelled)


async def test_in_person_and_hybrid_dates_carry_their_location(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    place = "Buurthuis De Regenboog, Lindengracht 1, Amsterdam"
    series_id = await make_series(org, "avond", format="in_person", location=place)
    await make_feed_date(series_id, wall(2026, 11, 5, 19, 30), 120)
    moved = await make_feed_date(series_id, wall(2026, 12, 3, 19, 30), 120, location="Bibliotheek")
    hybrid = await make_series(
        org, "hybride", format="hybrid", location=place, meeting_url=SECRET_LINK
    )
    await make_feed_date(hybrid, wall(2026, 11, 6, 10))
    events = {
        e["DTSTART"].dt.date(): e
        for e in parse_calendar((await client.get("/feeds/all.ics")).content).walk("VEVENT")
    }
    assert str(events[date(2026, 11, 5)]["LOCATION"]) == place
    assert f"Locatie: {place}" in str(events[date(2026, 11, 5)]["DESCRIPTION"])
    assert str(events[date(2026, 12, 3)]["LOCATION"]) == "Bibliotheek"
    assert moved
    description = str(events[date(2026, 11, 6)]["DESCRIPTION"])
    assert f"Locatie: {place}" in description
    assert "De link krijg je na aanmelding." in description
    assert SECRET_LINK not in description


async def test_vtimezone_writes_one_rdate_per_line(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await fortnightly(org)
    body = (await client.get("/feeds/series/ontmoeting.ics")).content
    rdates = [line for line in body.split(b"\r\n") if line.startswith(b"RDATE")]
    assert rdates and not any(b"," in line for line in rdates)
