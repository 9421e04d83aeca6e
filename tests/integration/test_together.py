"""An event of several days registered as one (a two-day training, a course of evenings).

One seat across all its days, one waiting list, one promotion, one cancellation, one mail that
lists every day with a calendar invitation for each; its days stay separate dates for hosts and
calendars.  What would give some days other people than the rest is refused while people are
registered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from events_app import clock
from events_app.registration import cancelling
from events_app.settings import Settings
from events_app.tables import EventDate, Registration, Series
from tests.factories import make_organiser, manage_token_of
from tests.helpers.pages import login, post_organise, series_form
from tests.helpers.parsing import parse_calendar
from tests.planning import create_series, dates_of, mails
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
TRAINING = {
    "title": "Inleefsessie psychose",
    "kind": "training",
    "rule": "FREQ=DAILY;COUNT=2",
    "start_date": "2026-10-12",
    "start_time": "10:00",
    "end_time": "16:00",
    "capacity": 2,
    "together": True,
    "published": True,
}


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with clock.frozen(NOW) as at:
        yield at


async def _training(client: httpx.AsyncClient, **changes: Any) -> tuple[int, list[int]]:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **{**TRAINING, **changes})
    return series["id"], [row["id"] for row in await dates_of(series["id"])]


async def _register(client: httpx.AsyncClient, dates: list[int], n: int) -> str:
    email = f"deelnemer{n}@example.org"
    response = await client.post(
        "/api/v1/registrations",
        json={"name": f"Deelnemer {n}", "email": email, "date_ids": dates},
    )
    assert response.status_code == 202, response.text
    return email


async def _statuses(email: str) -> list[str]:
    rows = (
        await Registration.select(Registration.status)
        .where(Registration.email == email)
        .order_by(Registration.event_date)
    )
    return [row["status"] for row in rows]


async def _counts(dates: list[int]) -> list[tuple[int, int]]:
    rows = (
        await EventDate.select(EventDate.confirmed_count, EventDate.waiting_count)
        .where(EventDate.id.is_in(dates))
        .order_by(EventDate.id)
    )
    return [(row["confirmed_count"], row["waiting_count"]) for row in rows]


async def test_choosing_one_day_registers_for_every_day_with_one_mail_and_two_invitations(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    _, dates = await _training(client)
    assert len(dates) == 2
    email = await _register(client, dates[:1], 1)  # day 1 only, as an old form would send
    assert await _statuses(email) == ["confirmed", "confirmed"]
    assert await _counts(dates) == [(1, 0), (1, 0)]
    assert len(await mails()) == 1
    await drain(mail_settings)
    [message] = smtp_server.messages
    assert "Inleefsessie psychose" in message["Subject"]
    assert "2 dates" not in message["Subject"] and "2 datums" not in message["Subject"]
    calendars = [
        part.get_payload(decode=True)
        for part in message.walk()
        if part.get_filename() in ("date-1.ics", "date-2.ics")
    ]
    assert len(calendars) == 2
    starts = sorted(
        str(event.decoded("DTSTART"))
        for data in calendars
        for event in parse_calendar(data).walk("VEVENT")
    )
    assert starts[0].startswith("2026-10-12 10:00") and starts[1].startswith("2026-10-13 10:00")


async def test_one_seat_one_waiting_list_and_promotion_on_every_day_at_once(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    _, dates = await _training(client)
    first, second, third, fourth = [await _register(client, dates, n) for n in range(1, 5)]
    assert await _statuses(third) == ["waiting", "waiting"]
    assert await _counts(dates) == [(2, 2), (2, 2)]
    await drain(mail_settings)
    smtp_server.clear()
    # Cancelling day 1 is cancelling the training: both days free up, and the first person
    # waiting moves up on both days at once (not on day 1 only).
    row = (
        await Registration.select(Registration.id)
        .where((Registration.email == first) & (Registration.event_date == dates[0]))
        .first()
    )
    assert row is not None
    from events_app import db

    async with db.transaction():
        assert await cancelling.cancel(row["id"])
    assert await _statuses(first) == ["cancelled", "cancelled"]
    assert await _statuses(third) == ["confirmed", "confirmed"]
    assert await _statuses(fourth) == ["waiting", "waiting"]
    assert await _counts(dates) == [(2, 1), (2, 1)]
    kinds = sorted(m["kind"] for m in await mails() if m["status"] == "pending")
    assert kinds == ["cancellation_receipt", "event_promoted"]
    await drain(mail_settings)
    by_address = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    assert set(by_address) == {first, third}
    promoted = by_address[third]
    assert promoted["Subject"].startswith("Goed nieuws") or promoted["Subject"].startswith("Good")
    names = [p.get_filename() for p in promoted.walk() if p.get_filename()]
    assert sorted(n for n in names if n.endswith(".ics")) == ["date-1.ics", "date-2.ics"]
    assert await _statuses(second) == ["confirmed", "confirmed"]


async def test_the_manage_link_cancels_the_whole_event(client: httpx.AsyncClient) -> None:
    _, dates = await _training(client)
    email = await _register(client, dates, 1)
    token = await manage_token_of(email)
    page = await client.get(f"/manage/{token}")
    assert page.status_code == 200
    assert page.text.count(f"/manage/{token}/cancel/") == 1  # one button for the event
    row = (
        await Registration.select(Registration.id)
        .where((Registration.email == email) & (Registration.event_date == dates[1]))
        .first()
    )
    assert row is not None
    csrf = page.cookies.get("csrftoken") or client.cookies.get("csrftoken") or ""
    response = await client.post(f"/manage/{token}/cancel/{row['id']}", data={"_csrf_token": csrf})
    assert response.status_code in (200, 303), response.text
    assert await _statuses(email) == ["cancelled", "cancelled"]
    assert await _counts(dates) == [(0, 0), (0, 0)]


async def test_an_event_under_way_takes_nobody_new(client: httpx.AsyncClient) -> None:
    _, dates = await _training(client)
    with clock.frozen(datetime(2026, 10, 12, 12, tzinfo=UTC)):  # day 1 has begun
        response = await client.post(
            "/api/v1/registrations",
            json={"name": "Laat", "email": "laat@example.org", "date_ids": [dates[1]]},
        )
    assert response.status_code == 409, response.text
    assert not await Registration.exists().where(Registration.email == "laat@example.org")


async def test_endless_or_too_long_events_are_refused_at_their_field(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    endless = {k: v for k, v in TRAINING.items() if k != "rule"}
    endless["recurrence"] = {"freq": "daily"}
    response = await client.post("/api/v1/series", json=endless, headers=organiser.headers)
    assert response.status_code == 400
    assert response.json()["code"] == "together_endless"
    too_long = {**TRAINING, "rule": "FREQ=DAILY;COUNT=31"}
    response = await client.post("/api/v1/series", json=too_long, headers=organiser.headers)
    assert response.status_code == 400
    assert response.json()["code"] == "together_too_long"


async def test_what_would_split_the_event_waits_until_nobody_is_registered(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **TRAINING)
    dates = [row["id"] for row in await dates_of(series["id"])]
    await _register(client, dates, 1)
    headers = organiser.headers
    no_longer = await client.patch(
        f"/api/v1/series/{series['id']}", json={"together": False}, headers=headers
    )
    assert no_longer.status_code == 409
    assert no_longer.json()["code"] == "together_has_registrations"
    extra_day = await client.post(
        f"/api/v1/series/{series['id']}/dates",
        json={"local_start": "2026-10-20T10:00:00"},
        headers=headers,
    )
    assert extra_day.status_code == 409, extra_day.text
    assert extra_day.json()["code"] == "together_date_registered"
    new_rule = await client.patch(
        f"/api/v1/series/{series['id']}",
        json={"rule": "FREQ=DAILY;COUNT=3"},
        headers=headers,
    )
    assert new_rule.status_code == 409
    assert new_rule.json()["code"] == "together_schedule_registered"
    assert len(await dates_of(series["id"])) == 2


async def test_the_register_page_lists_every_day_without_a_choice(
    client: httpx.AsyncClient,
) -> None:
    _, dates = await _training(client)
    slug = "inleefsessie-psychose"
    page = await client.get(f"/events/{slug}/register", headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    assert 'name="dates"' not in page.text
    assert "alle 2 datums" in page.text
    with clock.frozen(datetime(2026, 10, 12, 12, tzinfo=UTC)):
        late = await client.get(f"/events/{slug}/register")
    assert 'name="name"' not in late.text  # no form once the training has begun
    assert dates


async def test_the_builder_makes_a_training_of_days_in_a_row_registered_as_one(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    await login(client, "organiser@example.org")
    org = organiser.organisation_id
    training = series_form(
        title="Tweedaagse training",
        kind="training",
        repeat="daily",
        interval="1",
        ends="count",
        count="2",
        start_date="2026-10-12",
        together="yes",
        skip="",
        action="save",
    )
    training.pop("weekdays")
    saved = await post_organise(client, f"/organise/{org}/series/new", training)
    assert saved.status_code == 303, saved.text
    series = await Series.select().where(Series.title == "Tweedaagse training").first()
    assert series is not None and series["together"] and series["rrule"] == "FREQ=DAILY;COUNT=2"
    assert len(await dates_of(series["id"])) == 2

    endless = {**training, "title": "Zonder einde", "ends": "never"}
    refused = await post_organise(client, f"/organise/{org}/series/new", endless)
    assert refused.status_code == 400
    assert 'id="error-together"' in refused.text
    assert 'value="Zonder einde"' in refused.text  # nothing typed is lost
    assert not await Series.exists().where(Series.title == "Zonder einde")
