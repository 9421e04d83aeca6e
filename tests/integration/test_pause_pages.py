""" "Pause, then continue" on the series page: the fortnightly meet-up that stops after
17 December and continues every two weeks from 7 January.  Shown before it is saved; dates
in the pause with people are cancelled and the people told (once each), dates without are
gone from the pages; every bad field refused at its field; nobody else's series."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from events_app import clock
from events_app.registration import registrations
from events_app.tables import AuditLog, EventDate, OutboxMail, Series
from tests.factories import make_organiser
from tests.helpers.pages import login, post_organise, series_form

CREATED = datetime(2026, 11, 1, 12, tzinfo=UTC)
NOW = datetime(2026, 12, 4, 9, tzinfo=UTC)
HOLIDAYS = {"first_off": "2026-12-18", "last_off": "2027-01-06", "resume_on": "2027-01-07"}
PAUSE = {**HOLIDAYS, "weeks": "2"}


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with clock.frozen(NOW) as at:
        yield at


async def _meetup(client: httpx.AsyncClient, **overrides: str) -> tuple[int, dict[date, int]]:
    """A fortnightly Thursday meet-up from 5 November (…, 3 Dec, 17 Dec, 31 Dec, 14 Jan, …);
    somebody registered for 31 December (Dutch) and for 14 January (English)."""
    organiser = await make_organiser()
    await login(client, "organiser@example.org")
    form = series_form(action="save", start_date="2026-11-05", weekdays=["3"], skip="", **overrides)
    with clock.frozen(CREATED):
        saved = await post_organise(
            client, f"/organise/{organiser.organisation_id}/series/new", form
        )
    assert saved.status_code == 303, saved.text
    series_id = int(saved.headers["location"].split("/")[-1].split("?")[0])
    days = await _days(series_id)
    for day, email, language in (
        (date(2026, 12, 31), "oud@example.org", "nl"),
        (date(2027, 1, 14), "nieuw@example.org", "en"),
    ):
        if day in days:
            await registrations.register(
                [days[day]["id"]], name="Deelnemer", email=email, language=language, consent=True
            )
    return series_id, {day: row["id"] for day, row in days.items()}


async def _days(series_id: int) -> dict[date, dict[str, Any]]:
    rows = await EventDate.select().where(EventDate.series == series_id)
    return {row["local_start"].date(): row for row in rows}


async def _pause(
    client: httpx.AsyncClient, series_id: int, language: str = "en", **fields: str
) -> httpx.Response:
    return await post_organise(
        client, f"/organise/series/{series_id}/pause?lang={language}", {**PAUSE, **fields}
    )


async def test_pause_over_the_holidays_then_every_two_weeks(client: httpx.AsyncClient) -> None:
    series_id, ids = await _meetup(client)
    before = await OutboxMail.count()
    shown = await _pause(client, series_id, action="preview")
    assert shown.status_code == 200, shown.text
    text = " ".join(shown.text.split())
    assert "After the pause: every two weeks on Thursday, 19:30–21:00" in text
    assert "Thursday 17 December 2026, 19:30–21:00" in text  # the last before the pause: stays
    assert "Thursday 31 December 2026, 19:30–21:00 · 1 registered: they get an e-mail" in text
    assert "Thursday 7 January 2027, 19:30–21:00" in text
    assert "Thursday 21 January 2027, 19:30–21:00" in text
    assert 'value="save"' in text
    assert await EventDate.count().where(EventDate.status == "cancelled") == 0  # nothing yet
    assert await OutboxMail.count() == before
    saved = await _pause(client, series_id, action="save")
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/organise/series/{series_id}?done=paused"
    days = await _days(series_id)
    assert days[date(2026, 12, 17)]["status"] == "scheduled"
    for day in (date(2026, 12, 31), date(2027, 1, 14)):  # people registered: told, in sight
        row = days[day]
        assert (row["status"], row["status_cause"], row["removed_at"]) == (
            "cancelled",
            "paused",
            None,
        )
        assert row["id"] == ids[day]
    for day in (date(2027, 1, 28), date(2027, 2, 11)):  # nobody registered: removed
        assert days[day]["status"] == "cancelled" and days[day]["removed_at"] == NOW
    for day in (date(2027, 1, 7), date(2027, 1, 21), date(2027, 2, 4)):
        assert days[day]["status"] == "scheduled" and days[day]["removed_at"] is None
    assert date(2027, 1, 1) not in days and date(2026, 12, 24) not in days
    cancelled = await OutboxMail.select(OutboxMail.to_email, OutboxMail.language).where(
        OutboxMail.kind == "date_cancelled"
    )
    assert sorted(m["to_email"] for m in cancelled) == ["nieuw@example.org", "oud@example.org"]
    series = await Series.select(Series.rrule).where(Series.id == series_id).first()
    assert series is not None and series["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    [entry] = await (
        AuditLog.select(AuditLog.detail)
        .where(AuditLog.action == "series_schedule_changed")
        .output(load_json=True)
    )
    assert entry["detail"]["pause"]["resume_on"] == "2027-01-07"
    # the public pages: the reason in the reader's language, the removed dates nowhere
    slug = (await Series.select(Series.slug).where(Series.id == series_id).first() or {})["slug"]
    dutch = " ".join((await client.get(f"/events/{slug}?lang=nl")).text.split())
    english = " ".join((await client.get(f"/events/{slug}?lang=en")).text.split())
    assert "De reeks heeft een pauze. Op deze datum is er geen bijeenkomst." in dutch
    assert "The series takes a break and does not meet on this date." in english
    for page in (dutch, english):
        assert f"/{slug}/{ids[date(2026, 12, 31)]}" in page
        assert f"/{slug}/{ids[date(2027, 1, 28)]}" not in page
    organiser_page = await client.get(f"/organise/series/{series_id}?done=paused&lang=nl")
    assert "Klaar: de pauze is opgeslagen." in organiser_page.text
    assert f'id="date-{ids[date(2027, 1, 28)]}"' not in organiser_page.text
    assert f'id="date-{ids[date(2026, 12, 31)]}"' in organiser_page.text


async def test_the_preview_is_dutch_on_the_dutch_page(client: httpx.AsyncClient) -> None:
    series_id, _ = await _meetup(client)
    shown = await _pause(client, series_id, language="nl", action="preview")
    text = " ".join(shown.text.split())
    assert shown.status_code == 200
    assert "Na de pauze: elke twee weken op donderdag, 19:30–21:00" in text
    assert "Nieuwe datums na de pauze:" in text
    assert "donderdag 7 januari 2027" in text


@pytest.mark.parametrize(
    ("fields", "wanted"),
    [
        ({"first_off": "", "last_off": "", "resume_on": "", "weeks": ""},
         {"first_off", "last_off", "resume_on", "weeks"}),
        ({"first_off": "31-02-2027", "last_off": "garbage", "weeks": "0"},
         {"first_off", "last_off", "weeks"}),
        ({"last_off": "2026-12-10", "resume_on": "2026-12-09", "weeks": "13"},
         {"last_off", "resume_on", "weeks"}),
        ({"resume_on": "2027-01-06"}, {"resume_on"}),
        ({"first_off": "2026-12-01"}, {"first_off"}),
        ({"first_off": "1" * 1001}, {"first_off"}),
        ({"weeks": "²"}, {"weeks"}),
        ({"resume_on": "9999-01-07"}, {"resume_on"}),
    ],
)  # fmt: skip
async def test_every_bad_field_is_marked_at_its_field(
    client: httpx.AsyncClient, fields: dict[str, str], wanted: set[str]
) -> None:
    series_id, _ = await _meetup(client)
    for action in ("preview", "save"):
        shown = await _pause(client, series_id, action=action, **fields)
        assert shown.status_code == 400, shown.text
        for name in ("first_off", "last_off", "resume_on", "weeks"):
            marked = f'id="error-{name}"' in shown.text
            assert marked == (name in wanted), (name, action)
            if marked:
                assert f'aria-describedby="error-{name}"' in shown.text
    assert await EventDate.count().where(EventDate.status == "cancelled") == 0


async def test_a_nul_character_is_refused_before_anything_happens(
    client: httpx.AsyncClient,
) -> None:
    series_id, _ = await _meetup(client)
    shown = await _pause(client, series_id, action="save", weeks="2\x00")
    assert shown.status_code == 400
    assert await EventDate.count().where(EventDate.status == "cancelled") == 0


async def test_a_series_that_ends_before_it_would_continue(client: httpx.AsyncClient) -> None:
    series_id, _ = await _meetup(client, ends="until", until="2027-01-05")
    shown = await _pause(client, series_id, action="preview")
    assert shown.status_code == 400 and 'id="error-resume_on"' in shown.text


async def test_a_count_goes_on_with_the_times_left(client: httpx.AsyncClient) -> None:
    """Ten times: 5 Nov to 17 Dec are 4, so six more from 7 January."""
    series_id, _ = await _meetup(client, ends="count", count="10")
    saved = await _pause(client, series_id, action="save")
    assert saved.status_code == 303, saved.text
    series = await Series.select(Series.rrule).where(Series.id == series_id).first()
    assert series is not None and series["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=6"
    days = await _days(series_id)
    coming = sorted(
        d for d, r in days.items() if r["status"] == "scheduled" and d > date(2027, 1, 1)
    )
    assert coming[0] == date(2027, 1, 7) and len(coming) == 6


async def test_nobody_pauses_another_organisations_series(client: httpx.AsyncClient) -> None:
    series_id, _ = await _meetup(client)
    await make_organiser("ander-netwerk", "ander@example.org")
    await login(client, "ander@example.org")
    shown = await _pause(client, series_id, action="save")
    assert shown.status_code == 404
    assert await EventDate.count().where(EventDate.status == "cancelled") == 0
    for path in ("/organise/series/abc/pause", "/organise/series/99999999999/pause"):
        assert (await post_organise(client, path, PAUSE)).status_code in (400, 404)


async def test_a_one_off_event_offers_no_pause(client: httpx.AsyncClient) -> None:
    series_id, _ = await _meetup(client, repeat="none")
    page = await client.get(f"/organise/series/{series_id}?lang=en")
    assert page.status_code == 200 and 'id="pause"' not in page.text
    shown = await _pause(client, series_id, action="save")
    assert shown.status_code == 400
    assert "A one-off event has no rhythm to pause" in shown.text
