"""Dates a schedule change removes: gone from every page and list when nobody registered,
kept as cancelled (with the reason in the reader's language) when people did; feeds keep a
removed date as CANCELLED for GHOST_DAYS after the removal, then drop it, and never serve the
old feed once it has changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import icalendar
import pytest

from events_app import clock
from events_app.feeds.queries import GHOST_DAYS
from events_app.registration import registrations
from events_app.settings import Settings
from events_app.tables import EventDate, Series
from tests.factories import make_host, make_organiser
from tests.helpers.pages import login
from tests.planning import create_series, dates_of, register_people
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]  # the smtp_server and mail_settings fixtures

MEETUP = {
    "title": "Online ontmoeting",
    "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TH"]},
    "first_start": "2026-10-01T15:00",
    "end_time": "16:00",
    "published": True,
}
CHANGED_AT = datetime(2027, 2, 10, 9, tzinfo=UTC)
DUTCH = "De reeks heeft een nieuw schema. Op deze datum is er geen bijeenkomst meer."
ENGLISH = "The series has a new schedule and no longer meets on this date."
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with clock.frozen(datetime(2026, 9, 1, 8, tzinfo=UTC)) as at:
        yield at


def by_day(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["local_start"].date().isoformat(): r for r in rows}


async def _tuesdays_from_march(client: httpx.AsyncClient) -> dict[str, Any]:
    """The fortnightly Thursday meet-up moves to Tuesdays from 1 March 2027; two people (one
    Dutch, one English) registered for 4 March, nobody for the other Thursdays."""
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    before = by_day(await dates_of(series["id"]))
    people = await register_people(before["2027-03-04"]["id"], 2)
    with clock.frozen(CHANGED_AT):
        response = await client.patch(
            f"/api/v1/series/{series['id']}",
            json={
                "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TU"]},
                "effective_from": "2027-03-01",
            },
            headers=organiser.headers,
        )
    assert response.status_code == 200, response.text
    after = by_day(await dates_of(series["id"]))
    return {
        "organiser": organiser,
        "series": series,
        "told": after["2027-03-04"],
        "ghost": after["2027-03-18"],
        "late_ghost": after["2027-09-30"],
        "before": after["2027-02-18"],
        "people": people,
    }


async def test_a_removed_date_nobody_registered_for_is_marked_and_kept(
    client: httpx.AsyncClient,
) -> None:
    found = await _tuesdays_from_march(client)
    told, ghost = found["told"], found["ghost"]
    assert (told["status"], told["status_cause"], told["status_reason"]) == (
        "cancelled",
        "schedule_changed",
        "",
    )
    assert told["removed_at"] is None  # people were told: it stays, marked cancelled
    assert (ghost["status"], ghost["status_cause"]) == ("cancelled", "schedule_changed")
    assert ghost["removed_at"] == CHANGED_AT
    assert ghost["sequence"] == 1  # calendars that have it see the cancellation as newer
    assert ghost["uid"]  # the row, and its UID, live on
    assert found["before"]["removed_at"] is None and found["before"]["status"] == "scheduled"


async def test_a_registration_ever_made_keeps_the_date_visible(
    client: httpx.AsyncClient,
) -> None:
    """Someone registered and cancelled again: they were told about the date, so it does not
    silently vanish."""
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    march18 = by_day(await dates_of(series["id"]))["2027-03-18"]
    await register_people(march18["id"], 1, status="cancelled")
    with clock.frozen(CHANGED_AT):
        response = await client.patch(
            f"/api/v1/series/{series['id']}",
            json={
                "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TU"]},
                "effective_from": "2027-03-01",
            },
            headers=organiser.headers,
        )
    assert response.status_code == 200, response.text
    row = by_day(await dates_of(series["id"]))["2027-03-18"]
    assert row["status"] == "cancelled" and row["removed_at"] is None


async def test_no_page_or_list_shows_a_removed_date(client: httpx.AsyncClient) -> None:
    found = await _tuesdays_from_march(client)
    slug, series_id = found["series"]["slug"], found["series"]["id"]
    told, ghost = found["told"]["id"], found["ghost"]["id"]
    with clock.frozen(CHANGED_AT + timedelta(hours=1)):
        for path in ("/?lang=en", f"/events/{slug}?lang=en", "/events?date_from=2027-03-01"):
            page = await client.get(path)
            assert page.status_code == 200
            assert f"/{slug}/{told}" in page.text, path  # the control: it is listed
            assert f"/{slug}/{ghost}" not in page.text, path
        assert (await client.get(f"/events/{slug}/{ghost}")).status_code == 404
        assert (await client.get(f"/events/{slug}/{told}")).status_code == 200
        listed = await client.get(
            f"/api/v1/series/{series_id}/dates", headers=found["organiser"].headers
        )
        assert listed.status_code == 200
        ids = {d["id"]: d for d in listed.json()}
        assert ghost not in ids and found["late_ghost"]["id"] not in ids
        assert ids[told]["status_cause"] == "schedule_changed"
        assert ids[told]["status_reason"] == ""
        await make_host(found["organiser"].organisation_id, series_id)
        await login(client, "organiser@example.org")
        for path in (f"/organise/series/{series_id}", "/host"):
            page = await client.get(path)
            assert page.status_code == 200, path
            assert f"/{ghost}" not in page.text, path
        await login(client, "host@example.org")
        page = await client.get("/host")
        assert page.status_code == 200
        assert f"/dates/{told}" in page.text
        assert f"/dates/{ghost}" not in page.text


async def test_the_reason_is_in_the_readers_language(client: httpx.AsyncClient) -> None:
    found = await _tuesdays_from_march(client)
    path = f"/events/{found['series']['slug']}/{found['told']['id']}"
    with clock.frozen(CHANGED_AT + timedelta(hours=1)):
        dutch = (await client.get(path)).text
        english = (await client.get(path + "?lang=en")).text
    assert DUTCH in dutch and ENGLISH not in dutch
    assert ENGLISH in english and DUTCH not in english


async def test_the_cancel_mail_gives_the_reason_in_the_mail_language(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    march4 = by_day(await dates_of(series["id"]))["2027-03-04"]["id"]
    with clock.frozen(CHANGED_AT - timedelta(days=2)):
        for email, language in (("nl@example.org", "nl"), ("en@example.org", "en")):
            await registrations.register(
                [march4], name="Deelnemer", email=email, language=language, consent=True
            )
        await drain(mail_settings)
    smtp_server.clear()
    with clock.frozen(CHANGED_AT):
        response = await client.patch(
            f"/api/v1/series/{series['id']}",
            json={
                "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TU"]},
                "effective_from": "2027-03-01",
            },
            headers=organiser.headers,
        )
        assert response.status_code == 200, response.text
        await drain(mail_settings)
    messages = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    # one mail per person for the one date they registered for: none about removed dates
    assert sorted(messages) == ["en@example.org", "nl@example.org"], sorted(messages)
    for address, wanted, other in (
        ("nl@example.org", DUTCH, ENGLISH),
        ("en@example.org", ENGLISH, DUTCH),
    ):
        for kind in ("plain", "html"):
            body = messages[address].get_body((kind,))
            assert body is not None
            text = body.get_content()
            assert wanted in text and other not in text, (address, kind)


def _events(body: bytes) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


async def test_feeds_keep_a_removed_date_as_cancelled_for_a_while(
    client: httpx.AsyncClient,
) -> None:
    found = await _tuesdays_from_march(client)
    feed = f"/feeds/series/{found['series']['slug']}.ics"
    ghost, late, told = found["ghost"], found["late_ghost"], found["told"]
    with clock.frozen(CHANGED_AT + timedelta(days=GHOST_DAYS - 1)):
        within = await client.get(feed, headers=PLAIN)
        english = await client.get(feed + "?lang=en", headers=PLAIN)
    assert within.status_code == 200
    events = _events(within.content)
    for row in (ghost, late):
        event = events[row["uid"]]
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 1
    assert DUTCH in str(events[told["uid"]]["DESCRIPTION"])
    assert ENGLISH in str(_events(english.content)[told["uid"]]["DESCRIPTION"])
    etag = within.headers["ETag"]
    with clock.frozen(CHANGED_AT + timedelta(days=GHOST_DAYS + 1)):
        after = await client.get(feed, headers={**PLAIN, "If-None-Match": etag})
    assert after.status_code == 200  # the feed changed: never a stale 304
    events = _events(after.content)
    assert ghost["uid"] not in events and late["uid"] not in events
    assert str(events[told["uid"]]["STATUS"]) == "CANCELLED"  # people were told: it stays
    assert found["before"]["uid"] in events  # a past date still in the window: the control


async def test_the_single_date_download_follows_the_same_window(
    client: httpx.AsyncClient,
) -> None:
    found = await _tuesdays_from_march(client)
    path = f"/feeds/dates/{found['late_ghost']['id']}.ics"
    with clock.frozen(CHANGED_AT + timedelta(days=1)):
        response = await client.get(path, headers=PLAIN)
    assert response.status_code == 200
    [event] = _events(response.content).values()
    assert str(event["STATUS"]) == "CANCELLED"
    with clock.frozen(CHANGED_AT + timedelta(days=GHOST_DAYS + 1)):
        assert (await client.get(path, headers=PLAIN)).status_code == 404


async def test_a_cause_never_shows_as_a_code_and_own_words_win(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    rows = by_day(await dates_of(series["id"]))
    first, second = rows["2026-10-01"]["id"], rows["2026-10-15"]["id"]
    await EventDate.update(
        {
            EventDate.status: "cancelled",
            EventDate.status_cause: "schedule_changed",
            EventDate.status_reason: "De zaal is dicht.",
        }
    ).where(EventDate.id == first)
    await EventDate.update(
        {EventDate.status: "cancelled", EventDate.status_cause: "no_such_cause"}
    ).where(EventDate.id == second)
    page = await client.get(f"/events/{series['slug']}")
    assert "De zaal is dicht." in page.text and DUTCH not in page.text
    assert "no_such_cause" not in page.text
    assert await Series.exists().where(Series.id == series["id"])


async def test_the_end_of_a_series_is_said_in_the_readers_language(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    march4 = by_day(await dates_of(series["id"]))["2027-03-04"]
    with clock.frozen(CHANGED_AT):
        ended = await client.post(
            f"/api/v1/series/{series['id']}/end",
            json={"from_date": "2027-03-01"},
            headers=organiser.headers,
        )
        assert ended.status_code == 200, ended.text
        row = by_day(await dates_of(series["id"]))["2027-03-04"]
        assert (row["status"], row["status_cause"], row["status_reason"]) == (
            "cancelled",
            "series_ended",
            "",
        )
        path = f"/events/{series['slug']}/{march4['id']}"
        dutch = (await client.get(path + "?lang=nl")).text
        english = (await client.get(path + "?lang=en")).text
    assert "De reeks stopt." in dutch and "The series ends." not in dutch
    assert "The series ends." in english and "De reeks stopt." not in english


async def test_a_later_change_back_brings_a_removed_date_back(client: httpx.AsyncClient) -> None:
    found = await _tuesdays_from_march(client)
    with clock.frozen(CHANGED_AT + timedelta(days=1)):
        response = await client.patch(
            f"/api/v1/series/{found['series']['id']}",
            json={"recurrence": MEETUP["recurrence"], "effective_from": "2027-03-01"},
            headers=found["organiser"].headers,
        )
        assert response.status_code == 200, response.text
        page = await client.get(f"/events/{found['series']['slug']}?lang=en")
    back = by_day(await dates_of(found["series"]["id"]))["2027-03-18"]
    assert (back["id"], back["uid"]) == (found["ghost"]["id"], found["ghost"]["uid"])
    assert (back["status"], back["status_cause"], back["removed_at"]) == ("scheduled", "", None)
    assert back["sequence"] == 2
    assert f"/{found['series']['slug']}/{back['id']}" in page.text
    # the date people were told about stays called off, as any cancelled date does
    assert by_day(await dates_of(found["series"]["id"]))["2027-03-04"]["status"] == "cancelled"
