"""Personal feeds (an attendee's registrations) and host feeds (the dates one hosts)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import icalendar
import pytest

from events_app import clock
from events_app.feeds import cache
from events_app.tables import EventDate
from tests.factories import (
    PASSWORD,
    feed_token_of,
    make_organisation,
    make_organiser,
    manage_token_of,
)
from tests.feed_factories import (
    Person,
    make_attendee,
    make_feed_date,
    make_host,
    make_host_account,
    make_series,
    register,
    set_registration,
    touch_date,
    wall,
)

NOW = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
LINK = "https://meet.example.org/alleen-voor-aangemelden"
CONTENT_TYPE = "text/calendar; charset=utf-8"


@pytest.fixture(autouse=True)
def frozen_now() -> Iterator[datetime]:
    cache.clear()
    with clock.frozen(NOW) as now:
        yield now


def unfold(body: bytes) -> str:
    return body.replace(b"\r\n ", b"").decode()


def events(body: bytes) -> dict[str, Any]:
    """UID → VEVENT."""
    calendar = icalendar.Calendar.from_ical(body)
    assert not calendar.errors
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def meetup(org: int, dates: int = 3, **values: Any) -> list[int]:
    series_id = await make_series(
        org, "ontmoeting", title="Ontmoeting", meeting_url=LINK, capacity=30, **values
    )
    return [
        await make_feed_date(series_id, wall(2026, 10, 1, 15) + timedelta(weeks=n))
        for n in range(dates)
    ]


async def uid_of(date_id: int) -> str:
    row = await EventDate.select(EventDate.uid).where(EventDate.id == date_id).first()
    assert row is not None
    return str(row["uid"])


async def personal(client: httpx.AsyncClient, person: Person) -> httpx.Response:
    response = await client.get(f"/feeds/me/{person.feed_token}.ics")
    assert response.status_code == 200, response.text
    return response


async def test_personal_feed_shows_my_registrations_with_the_link(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    confirmed, waiting, cancelled = await meetup(org)
    other_series = await make_series(org, "andere", title="Andere")
    not_mine = await make_feed_date(other_series, wall(2026, 10, 2, 10))
    me = await make_attendee("ik@example.org")
    someone = await make_attendee("iemand.anders@example.org")
    await register(confirmed, me, name="Ik Zelf")
    await register(waiting, someone, "waiting", name="Iemand Anders")
    await register(waiting, me, "waiting", name="Ik Zelf")
    mine_cancelled = await register(cancelled, me, name="Ik Zelf")
    await set_registration(mine_cancelled, "cancelled")
    await register(not_mine, someone, name="Iemand Anders")

    response = await personal(client, me)
    assert response.headers["content-type"] == CONTENT_TYPE
    assert response.headers["cache-control"] == "private, max-age=300"
    found = events(response.content)
    assert set(found) == {await uid_of(i) for i in (confirmed, waiting, cancelled)}

    yes = found[await uid_of(confirmed)]
    assert str(yes["STATUS"]) == "CONFIRMED"
    assert str(yes["TRANSP"]) == "OPAQUE"
    assert f"Online meedoen: {LINK}" in str(yes["DESCRIPTION"])
    assert str(yes["LOCATION"]) == LINK
    assert "Je bent aangemeld." in str(yes["DESCRIPTION"])
    assert f"/manage/{me.manage_token}" not in response.text  # the feed gives no power to cancel

    maybe = found[await uid_of(waiting)]
    assert str(maybe["STATUS"]) == "TENTATIVE"
    assert str(maybe["TRANSP"]) == "TRANSPARENT"
    assert str(maybe["SUMMARY"]) == "Wachtlijst: Ontmoeting"
    assert "Je staat op de wachtlijst (plek 2)." in str(maybe["DESCRIPTION"])
    assert LINK not in str(maybe["DESCRIPTION"])

    gone = found[await uid_of(cancelled)]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert str(gone["SUMMARY"]) == "Afgemeld: Ontmoeting"
    assert LINK not in str(gone["DESCRIPTION"])

    text = unfold(response.content)
    assert "Iemand" not in text and "iemand.anders" not in text and "ATTENDEE" not in text


async def test_personal_sequence_grows_with_every_registration_change(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date_id, *_] = await meetup(org, dates=1)
    me = await make_attendee()
    uid = await uid_of(date_id)
    registration = await register(date_id, me, "waiting")
    seen = []
    for minutes, status in ((0, None), (1, "confirmed"), (2, "cancelled"), (3, "confirmed")):
        with clock.frozen(NOW + timedelta(minutes=minutes)):
            if status:
                await set_registration(registration, status)
            event = events((await personal(client, me)).content)[uid]
        seen.append((int(event["SEQUENCE"]), str(event["STATUS"])))
    assert [status for _, status in seen] == ["TENTATIVE", "CONFIRMED", "CANCELLED", "CONFIRMED"]
    sequences = [sequence for sequence, _ in seen]
    assert sequences == sorted(set(sequences)), sequences  # strictly growing, re-registration too
    with clock.frozen(NOW + timedelta(minutes=4)):
        await touch_date(date_id, topic="Nieuw onderwerp")  # the date itself changes
        event = events((await personal(client, me)).content)[uid]
    assert int(event["SEQUENCE"]) == sequences[-1] + 1


async def test_old_cancelled_registrations_leave_the_feed(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    series_id = await make_series(org, "ontmoeting", title="Ontmoeting")
    far = await make_feed_date(series_id, wall(2027, 6, 3, 15))
    me = await make_attendee()
    registration = await register(far, me)
    await set_registration(registration, "cancelled")
    assert events((await personal(client, me)).content)
    with clock.frozen(NOW + timedelta(days=91)):
        assert events((await personal(client, me)).content) == {}


async def test_personal_feed_in_the_attendees_language(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date_id, *_] = await meetup(org, dates=1)
    me = await make_attendee(language="en")
    await register(date_id, me, "waiting")
    body = (await personal(client, me)).content
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "My registrations"
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Waiting list: Ontmoeting"
    assert "You are on the waiting list (place 1)." in str(event["DESCRIPTION"])


async def test_waiting_place_and_etag_follow_other_peoples_changes(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    [date_id, *_] = await meetup(org, dates=1)
    first, me = await make_attendee("eerste@example.org"), await make_attendee()
    ahead = await register(date_id, first, "waiting")
    with clock.frozen(NOW + timedelta(seconds=1)):
        await register(date_id, me, "waiting")
    before = await personal(client, me)
    assert "plek 2" in unfold(before.content)
    with clock.frozen(NOW + timedelta(minutes=1)):
        await set_registration(ahead, "cancelled")  # someone else's row: mine is unchanged
        after = await client.get(
            f"/feeds/me/{me.feed_token}.ics", headers={"If-None-Match": before.headers["etag"]}
        )
    assert after.status_code == 200
    assert "plek 1" in unfold(after.content)
    # Last-Modified moved with it, so a client that only sends If-Modified-Since updates too.
    assert after.headers["last-modified"] != before.headers["last-modified"]
    since = await client.get(
        f"/feeds/me/{me.feed_token}.ics",
        headers={"If-Modified-Since": before.headers["last-modified"]},
    )
    assert since.status_code == 200


async def test_reissued_feed_token_retires_the_old_address(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    [date_id, *_] = await meetup(org, dates=1)
    response = await client.post(
        "/api/v1/registrations",
        json={"name": "Deelnemer", "email": "deelnemer@example.org", "date_ids": [date_id]},
    )
    assert response.status_code == 202, response.text
    # the private addresses reach the person only by mail: read them from the database
    manage_token = await manage_token_of("deelnemer@example.org")
    old_path = f"/feeds/me/{await feed_token_of('deelnemer@example.org')}.ics"
    assert (await client.get(old_path)).status_code == 200
    renewed = await client.post(f"/api/v1/manage/{manage_token}/feed-token")
    new_path = renewed.json()["feed_url"].removeprefix("http://events.test")
    assert new_path != old_path
    assert (await client.get(old_path)).status_code == 404
    fresh = await client.get(new_path)
    assert fresh.status_code == 200
    assert str(next(iter(events(fresh.content).values()))["STATUS"]) == "CONFIRMED"


# --- host feeds ------------------------------------------------------------------------


async def test_host_feed_shows_hosted_dates_with_numbers_and_link(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    dates = await meetup(org, dates=3, waitlist=True)
    other = await make_series(org, "cursus", title="Cursus", capacity=None, waitlist=False)
    single = await make_feed_date(other, wall(2026, 11, 2, 10))
    not_hosted = await make_feed_date(other, wall(2026, 11, 9, 10))
    host = await make_host_account(token="host-token-" + "x" * 30)
    series_row = await EventDate.select(EventDate.series).where(EventDate.id == dates[0]).first()
    assert series_row is not None
    await make_host(host, series_row["series"])  # the whole series
    await make_host(host, other, single)  # one date of another series
    people = [await make_attendee(f"p{n}@example.org") for n in range(4)]
    for person in people[:3]:
        await register(dates[0], person, name="Geheim Persoon")
    await register(dates[0], people[3], "waiting", name="Geheim Persoon")
    await register(single, people[0], name="Geheim Persoon")

    response = await client.get(f"/feeds/hosts/host-token-{'x' * 30}.ics")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, max-age=300"
    found = events(response.content)
    assert set(found) == {await uid_of(i) for i in (*dates, single)}
    assert await uid_of(not_hosted) not in found
    first = str(found[await uid_of(dates[0])]["DESCRIPTION"])
    assert "Aangemeld: 3 van 30, wachtlijst: 1" in first
    assert f"Online meedoen: {LINK}" in first
    assert "Aangemeld: 1" in str(found[await uid_of(single)]["DESCRIPTION"])
    assert "wachtlijst" not in str(found[await uid_of(single)]["DESCRIPTION"])
    assert "Geheim" not in unfold(response.content)

    # A new registration changes the numbers: the next poll sees them.
    with clock.frozen(NOW + timedelta(minutes=1)):
        await register(dates[0], await make_attendee("nog.een@example.org"), "waiting")
        again = await client.get(
            f"/feeds/hosts/host-token-{'x' * 30}.ics",
            headers={"If-None-Match": response.headers["etag"]},
        )
    assert again.status_code == 200
    changed = str(events(again.content)[await uid_of(dates[0])]["DESCRIPTION"])
    assert "Aangemeld: 3 van 30, wachtlijst: 2" in changed
    assert again.headers["last-modified"] != response.headers["last-modified"]


async def test_host_feed_address_api(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    await meetup(organiser.organisation_id, dates=1)
    assert (await client.get("/api/v1/me/host-feed")).status_code == 401
    shown = await client.get("/api/v1/me/host-feed", headers=organiser.headers)
    assert shown.status_code == 200, shown.text
    url = shown.json()["feed_url"]
    assert url.startswith("http://events.test/feeds/hosts/") and url.endswith(".ics")
    assert shown.json()["webcal_url"] == "webcal://" + url.removeprefix("http://")
    again = await client.get("/api/v1/me/host-feed", headers=organiser.headers)
    assert again.json()["feed_url"] == url  # made once, then kept
    path = url.removeprefix("http://events.test")
    assert (await client.get(path)).status_code == 200
    renewed = await client.post("/api/v1/me/host-feed", headers=organiser.headers)
    assert renewed.status_code == 200
    new_path = renewed.json()["feed_url"].removeprefix("http://events.test")
    assert new_path != path
    assert (await client.get(path)).status_code == 404
    assert (await client.get(new_path)).status_code == 200
    # With a session cookie, a write needs X-Requested-With (CSRF rule of the API).
    login = await client.post(
        "/api/v1/session", json={"email": "organiser@example.org", "password": PASSWORD}
    )
    assert login.status_code == 201, login.text
    assert (await client.post("/api/v1/me/host-feed")).status_code == 403
    client.cookies.clear()


async def test_changes_within_the_same_second_are_seen(client: httpx.AsyncClient) -> None:
    """updated_at has whole seconds: a poll and a change in the same second must not leave
    the old feed cached (the clock stays frozen here)."""
    org = await make_organisation()
    [date_id, *_] = await meetup(org, dates=1)
    me = await make_attendee()
    registration = await register(date_id, me)
    before = await personal(client, me)
    assert str(next(iter(events(before.content).values()))["STATUS"]) == "CONFIRMED"
    await set_registration(registration, "cancelled")
    after = await personal(client, me)
    assert str(next(iter(events(after.content).values()))["STATUS"]) == "CANCELLED"
    public = await client.get("/feeds/series/ontmoeting.ics")
    await EventDate.update({EventDate.status: "cancelled"}).where(EventDate.id == date_id)
    changed = await client.get("/feeds/series/ontmoeting.ics")
    assert changed.content != public.content
    assert b"STATUS:CANCELLED" in changed.content
