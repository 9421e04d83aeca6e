"""HTTP behaviour of the feeds: headers, conditional GET, gzip, caching, filters and errors."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import httpx
import icalendar
import pytest

from events_app import clock
from events_app.feeds import cache, service
from events_app.tables import EventDate, Series
from tests.factories import make_organisation
from tests.feed_factories import (
    make_feed_date,
    make_programme,
    make_series,
    touch_date,
    touch_series,
    wall,
)

NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
CONTENT_TYPE = "text/calendar; charset=utf-8"
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[datetime]:
    cache.clear()
    with clock.frozen(NOW) as now:
        yield now


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts whole-feed renders (the only expensive step)."""
    calls: list[int] = []
    original = service.render_feed

    def counting(*args: Any, **kwargs: Any) -> cache.FeedEntry:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "render_feed", counting)
    return calls


def summaries(body: bytes) -> dict[date, str]:
    calendar = icalendar.Calendar.from_ical(body)
    return {e["DTSTART"].dt.date(): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


async def two_series(org: int) -> tuple[int, int]:
    meetup = await make_series(org, "ontmoeting", title="Ontmoeting", tags=["herstel"])
    for week in range(4):
        await make_feed_date(meetup, wall(2026, 10, 1, 15) + timedelta(weeks=week))
    course = await make_series(
        org, "cursus", title="Cursus", kind="course", format="in_person", location="Utrecht"
    )
    await make_feed_date(course, wall(2026, 10, 2, 9, 30), 360)
    return meetup, course


async def test_headers_etag_and_304(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await two_series(org)
    first = await client.get("/feeds/all.ics", headers=PLAIN)
    assert first.status_code == 200
    assert first.headers["content-type"] == CONTENT_TYPE
    assert first.headers["cache-control"] == "public, max-age=300"
    assert "content-encoding" not in first.headers
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert parsedate_to_datetime(first.headers["last-modified"]) == NOW
    again = await client.get("/feeds/all.ics", headers=PLAIN)
    assert again.content == first.content and again.headers["etag"] == etag
    for condition in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = await client.get("/feeds/all.ics", headers={**PLAIN, "If-None-Match": condition})
        assert cached.status_code == 304, condition
        assert cached.content == b""
        assert cached.headers["etag"] == etag
        assert cached.headers["cache-control"] == "public, max-age=300"
    other = await client.get("/feeds/all.ics", headers={**PLAIN, "If-None-Match": '"nope"'})
    assert other.status_code == 200


async def test_if_modified_since(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await two_series(org)
    first = await client.get("/feeds/all.ics", headers=PLAIN)
    stamp = first.headers["last-modified"]
    same = await client.get("/feeds/all.ics", headers={"If-Modified-Since": stamp})
    assert same.status_code == 304
    earlier = format_datetime(NOW - timedelta(seconds=1), usegmt=True)
    assert (
        await client.get("/feeds/all.ics", headers={"If-Modified-Since": earlier})
    ).status_code == 200
    garbage = await client.get("/feeds/all.ics", headers={"If-Modified-Since": "yesterday"})
    assert garbage.status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    both = await client.get(
        "/feeds/all.ics", headers={"If-Modified-Since": stamp, "If-None-Match": '"nope"'}
    )
    assert both.status_code == 200


async def test_a_change_gives_a_new_etag_and_the_new_time(
    client: httpx.AsyncClient, renders: list[int]
) -> None:
    org = await make_organisation()
    meetup, _ = await two_series(org)
    first = await client.get("/feeds/series/ontmoeting.ics", headers=PLAIN)
    etag = first.headers["etag"]
    for _ in range(5):
        unchanged = await client.get(
            "/feeds/series/ontmoeting.ics", headers={"If-None-Match": etag}
        )
        assert unchanged.status_code == 304
    assert len(renders) == 1  # an unchanged feed is not rendered again
    [row] = await EventDate.select(EventDate.id).where(
        (EventDate.series == meetup) & (EventDate.local_start == wall(2026, 10, 8, 15))
    )
    later = NOW + timedelta(minutes=5)
    with clock.frozen(later):
        await touch_date(row["id"], local_start=wall(2026, 10, 9, 16))
        changed = await client.get(
            "/feeds/series/ontmoeting.ics", headers={**PLAIN, "If-None-Match": etag}
        )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert parsedate_to_datetime(changed.headers["last-modified"]) == later
    assert date(2026, 10, 9) in summaries(changed.content)
    assert date(2026, 10, 8) not in summaries(changed.content)
    assert b"DTSTART;TZID=Europe/Amsterdam:20261009T160000" in changed.content
    assert len(renders) == 2


async def test_series_change_and_unpublishing_reach_the_feeds(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    meetup, _ = await two_series(org)
    before = await client.get("/feeds/all.ics", headers=PLAIN)
    with clock.frozen(NOW + timedelta(minutes=1)):
        await touch_series(meetup, title="Ontmoeting (nieuwe naam)")
        renamed = await client.get("/feeds/all.ics", headers=PLAIN)
    assert renamed.headers["etag"] != before.headers["etag"]
    assert "Ontmoeting (nieuwe naam)" in summaries(renamed.content).values()
    with clock.frozen(NOW + timedelta(minutes=2)):
        await touch_series(meetup, published=False)
        hidden = await client.get("/feeds/all.ics", headers=PLAIN)
    assert set(summaries(hidden.content).values()) == {"Cursus"}
    # The series left the feed, yet Last-Modified moved on: If-Modified-Since stays right.
    assert parsedate_to_datetime(hidden.headers["last-modified"]) == NOW + timedelta(minutes=2)
    assert (await client.get("/feeds/series/ontmoeting.ics")).status_code == 404


async def test_gzip_is_done_once_with_its_own_etag(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await two_series(org)
    plain = await client.get("/feeds/all.ics", headers=PLAIN)
    # httpx decodes gzip itself; read the raw bytes to see what was sent.
    async with client.stream("GET", "/feeds/all.ics", headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join([chunk async for chunk in r.aiter_raw()])
        headers = r.headers
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["content-type"] == CONTENT_TYPE
    assert gzip.decompress(raw) == plain.content  # compressed exactly once
    assert headers["etag"] == plain.headers["etag"][:-1] + '-gz"'
    again = await client.get(
        "/feeds/all.ics", headers={"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]}
    )
    assert again.status_code == 304
    refused = await client.get("/feeds/all.ics", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


async def test_filters(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await two_series(org)
    other = await make_organisation("expertisecentrum", "Expertisecentrum")
    hybrid = await make_series(
        other, "gastles", title="Gastles", kind="guest_lesson", format="hybrid"
    )
    await make_feed_date(hybrid, wall(2026, 10, 5, 13))

    async def titles(query: str) -> set[str]:
        response = await client.get(f"/feeds/all.ics{query}")
        assert response.status_code == 200, response.text
        return set(summaries(response.content).values())

    assert await titles("") == {"Ontmoeting", "Cursus", "Gastles"}
    assert await titles("?organisation=stadsnetwerk") == {"Ontmoeting", "Cursus"}
    assert await titles("?organisation=expertisecentrum") == {"Gastles"}
    assert await titles("?kind=course") == {"Cursus"}
    assert await titles("?topic=herstel") == {"Ontmoeting"}
    assert await titles("?topic=nog-niet-gebruikt") == set()
    assert await titles("?format=online") == {"Ontmoeting", "Gastles"}
    assert await titles("?format=in_person") == {"Cursus", "Gastles"}
    assert await titles("?format=hybrid") == {"Gastles"}
    assert await titles("?format=online&organisation=stadsnetwerk&lang=en") == {"Ontmoeting"}
    named = await client.get("/feeds/all.ics?organisation=stadsnetwerk")
    calendar = icalendar.Calendar.from_ical(named.content)
    assert str(calendar["X-WR-CALNAME"]) == "Alle bijeenkomsten – Stadsnetwerk"
    assert str(calendar["SOURCE"]) == "http://events.test/feeds/all.ics?organisation=stadsnetwerk"
    english = await client.get("/feeds/all.ics?lang=en")
    assert str(icalendar.Calendar.from_ical(english.content)["X-WR-CALNAME"]) == "All events"
    assert b"CATEGORIES:Course" in english.content


@pytest.mark.parametrize(
    "query", ["?kind=party", "?format=offline", "?lang=de", "?topic=" + "x" * 101]
)
async def test_unknown_filter_values_are_400(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get(f"/feeds/all.ics{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


async def test_unknown_slugs_and_tokens_are_404(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await two_series(org)
    hidden = await make_series(org, "concept", published=False)
    hidden_date = await make_feed_date(hidden, wall(2026, 10, 1, 15))
    await make_programme(org, "verborgen", published=False)
    paths = [
        "/feeds/all.ics?organisation=onbekend",
        "/feeds/organisations/onbekend.ics",
        "/feeds/series/onbekend.ics",
        "/feeds/series/concept.ics",
        "/feeds/programmes/onbekend.ics",
        "/feeds/programmes/verborgen.ics",
        "/feeds/dates/999999.ics",
        f"/feeds/dates/{hidden_date}.ics",
        "/feeds/dates/abc.ics",
        "/feeds/me/onbekend-token.ics",
        "/feeds/hosts/onbekend-token.ics",
        "/feeds/series/ontmoeting",
        "/feeds/series/ontmoeting.ical",
    ]
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] in ("feed_unknown", "organisation_unknown", "not_found")


async def test_organisation_programme_and_empty_feeds(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await two_series(org)
    week = await make_programme(org, "week-van-het-verbond")
    for day in range(5):
        workshop = await make_series(
            org, f"workshop-{day}", title=f"Workshop {day + 1}", kind="workshop", programme=week
        )
        await make_feed_date(workshop, wall(2026, 11, 23 + day, 13))
    response = await client.get("/feeds/programmes/week-van-het-verbond.ics")
    assert response.status_code == 200
    assert sorted(summaries(response.content).values()) == [f"Workshop {n}" for n in range(1, 6)]
    assert str(icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"]) == (
        "Programma week-van-het-verbond"
    )
    organisation = await client.get("/feeds/organisations/stadsnetwerk.ics")
    assert len(summaries(organisation.content)) == 4 + 1 + 5
    empty = await make_organisation("leeg", "Lege organisatie")
    assert empty
    none = await client.get("/feeds/organisations/leeg.ics")
    assert none.status_code == 200
    assert b"BEGIN:VEVENT" not in none.content
    assert b"X-WR-CALNAME:Lege organisatie" in none.content


async def test_single_date_download(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    meetup, _ = await two_series(org)
    [row, *_] = await EventDate.select(EventDate.id, EventDate.uid).where(
        EventDate.series == meetup
    )
    response = await client.get(f"/feeds/dates/{row['id']}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    assert response.headers["content-disposition"] == (
        'attachment; filename="ontmoeting-2026-10-01.ics"'
    )
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == row["uid"]
    assert "REFRESH-INTERVAL" not in calendar
    past = NOW + timedelta(days=400)  # a date long past can still be downloaded
    with clock.frozen(past):
        assert (await client.get(f"/feeds/dates/{row['id']}.ics")).status_code == 200


async def test_past_dates_stay_for_feed_past_days(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    meetup = await make_series(org, "ontmoeting", title="Ontmoeting")
    for week in range(30):
        await make_feed_date(meetup, wall(2026, 10, 1, 15) + timedelta(weeks=week))
    # 90 days after 5 Jan 2027 (whole UTC days): 8 Oct and later stay, 1 Oct has gone.
    with clock.frozen(datetime(2027, 1, 5, 12, tzinfo=UTC)):
        body = (await client.get("/feeds/series/ontmoeting.ics")).content
    found = sorted(summaries(body))
    assert found[0] == date(2026, 10, 8)
    assert found[-1] == date(2026, 10, 1) + timedelta(weeks=29)  # every materialised date ahead
    assert len(found) == 29


async def test_dates_in_two_zones_get_a_vtimezone_each(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    await two_series(org)
    london = await make_series(org, "londen", title="Londen", timezone="Europe/London")
    await make_feed_date(london, wall(2027, 1, 14, 18), timezone="Europe/London")
    body = (await client.get("/feeds/all.ics")).content
    calendar = icalendar.Calendar.from_ical(body)
    assert sorted(str(z["TZID"]) for z in calendar.walk("VTIMEZONE")) == [
        "Europe/Amsterdam",
        "Europe/London",
    ]
    assert b"DTSTART;TZID=Europe/London:20270114T180000" in body


async def test_series_rows_are_read_only_here(client: httpx.AsyncClient) -> None:
    """Serving feeds never writes: the tables look the same after many requests."""
    org = await make_organisation()
    await two_series(org)
    before = await Series.select().order_by(Series.id)
    for path in ("/feeds/all.ics", "/feeds/series/ontmoeting.ics"):
        await client.get(path)
    assert await Series.select().order_by(Series.id) == before


async def test_a_deleted_date_leaves_the_feed(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    meetup, _ = await two_series(org)
    first = await client.get("/feeds/series/ontmoeting.ics", headers=PLAIN)
    assert len(summaries(first.content)) == 4
    [row, *_] = await EventDate.select(EventDate.id).where(EventDate.series == meetup)
    await EventDate.delete().where(EventDate.id == row["id"])  # nothing else is bumped
    after = await client.get(
        "/feeds/series/ontmoeting.ics", headers={**PLAIN, "If-None-Match": first.headers["etag"]}
    )
    assert after.status_code == 200
    assert len(summaries(after.content)) == 3


async def test_calendar_links_for_pages(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    meetup, _ = await two_series(org)
    [row, *_] = await EventDate.select(EventDate.id).where(EventDate.series == meetup)
    links = await service.calendar_links(row["id"], "en")
    assert links is not None
    assert "text=Ontmoeting" in links.google
    assert "dates=20261001T130000Z/20261001T140000Z" in links.google
    assert "startdt=2026-10-01T13:00:00Z" in links.outlook
    assert "You%20get%20the%20link%20after%20registering." in links.google
    hidden = await make_series(org, "concept", published=False)
    draft = await make_feed_date(hidden, wall(2026, 10, 1, 15))
    assert await service.calendar_links(draft) is None
