"""Registration under real concurrency on PostgreSQL: no deadlock, no 500, seats that add up.

Every unit of work locks the dates it needs in one global order (date id ascending) before any
registration row, and a lock that cannot be had within ``db.LOCK_TIMEOUT_MS`` becomes a plain
503 "busy, try again" with ``Retry-After``.  SQLite lets one writer in at a time
(``BEGIN IMMEDIATE``), so these races only exist on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Awaitable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from events_app import clock, db
from events_app.registration import cancelling, registrations
from events_app.tables import Attendee, EventDate, Programme, Registration, Series
from tests.conftest import ENGINE
from tests.factories import make_date, make_organisation, make_organiser, manage_token_of, series_of
from tests.invariants import assert_seat_invariants
from tests.planning import create_series

pytestmark = pytest.mark.skipif(
    ENGINE != "postgres",
    reason="SQLite serialises writers (BEGIN IMMEDIATE): lock order and lock timeouts are "
    "PostgreSQL matters; run with EVENTS_TEST_DATABASE=postgres",
)

BUSY = "Many people are doing this at the same moment. Try again in a few seconds."


async def _all(requests: list[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    """Send the requests at once; none of them may be a server error (busy included)."""
    responses = await asyncio.gather(*requests)
    failed = [
        (r.request.url.path, r.status_code, r.text[:200]) for r in responses if r.status_code >= 500
    ]
    assert not failed, failed
    return list(responses)


def _register(client: httpx.AsyncClient, email: str, **body: Any) -> Awaitable[httpx.Response]:
    return client.post("/api/v1/registrations", json={"name": "Deelnemer", "email": email, **body})


async def _count(date_id: int, status: str) -> int:
    return int(
        await Registration.count().where(
            (Registration.event_date == date_id) & (Registration.status == status)
        )
    )


async def test_eighty_registrations_for_two_dates_in_both_orders(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    d1, d2 = await make_date(org, capacity=20, dates=2)
    responses = await _all(
        [
            _register(client, f"p{n}@example.org", date_ids=[d1, d2] if n % 2 else [d2, d1])
            for n in range(80)
        ]
    )
    assert {r.status_code for r in responses} == {202}
    await assert_seat_invariants()
    for date in (d1, d2):
        assert (await _count(date, "confirmed"), await _count(date, "waiting")) == (20, 60)


async def test_a_double_click_on_a_whole_series_or_programme_registers_once(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    meetups = await make_date(org, slug="ontmoeting", capacity=3, dates=4)
    series_id = await series_of(meetups[0])
    course = await make_date(org, slug="cursus", capacity=3, dates=3)
    now = clock.now()
    [programme] = await Programme.insert(
        Programme(
            organisation=org,
            slug="cursus-2027",
            title="Cursus",
            selection=Programme.Selection.whole,
            published=True,
            created_at=now,
            updated_at=now,
        )
    ).returning(Programme.id)
    await Series.update({Series.programme: programme["id"]}).where(
        Series.id == await series_of(course[0])
    )
    responses = await _all(
        [_register(client, "dubbel@example.org", series_id=series_id) for _ in range(6)]
        + [_register(client, "cursist@example.org", programme_id=programme["id"]) for _ in range(6)]
    )
    assert [r.status_code for r in responses] == [202] * 12
    for email, dates in (("dubbel@example.org", meetups), ("cursist@example.org", course)):
        assert await Attendee.count().where(Attendee.email == email) == 1
        rows = await Registration.select(Registration.event_date, Registration.status).where(
            Registration.email == email
        )
        assert sorted(r["event_date"] for r in rows) == sorted(dates)
        assert {r["status"] for r in rows} == {"confirmed"}
    await assert_seat_invariants()


async def test_cancel_all_races_registrations_and_promotions(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    dates = await make_date(organiser.organisation_id, capacity=4, dates=3)
    people = [f"vast{n}@example.org" for n in range(10)]
    for n, email in enumerate(people):  # 4 confirmed and 6 waiting on every date
        order = dates if n % 2 else list(reversed(dates))
        response = await _register(client, email, date_ids=order)
        assert response.status_code == 202, response.text
    tokens = [await manage_token_of(email) for email in people]
    waiting = [
        row["id"]
        for row in await Registration.select(Registration.id).where(
            Registration.status == "waiting"
        )
    ]
    confirmed = [
        row["id"]
        for row in await Registration.select(Registration.id).where(
            Registration.status == "confirmed"
        )
    ]
    rng = random.Random(11)
    requests: list[Awaitable[httpx.Response]] = []
    requests += [client.post(f"/api/v1/manage/{token}/cancel-all") for token in tokens[:6]]
    for n in range(30):
        order = rng.sample(dates, k=rng.choice([2, 3]))
        requests.append(_register(client, f"nieuw{n}@example.org", date_ids=order))
    for registration_id in rng.sample(waiting, k=8):
        requests.append(
            client.post(
                f"/api/v1/registrations/{registration_id}/promote", headers=organiser.headers
            )
        )
    for registration_id in rng.sample(confirmed, k=4):
        requests.append(
            client.post(
                f"/api/v1/registrations/{registration_id}/cancel", headers=organiser.headers
            )
        )
    requests.append(
        client.patch(f"/api/v1/dates/{dates[1]}", json={"capacity": 6}, headers=organiser.headers)
    )
    rng.shuffle(requests)
    responses = await _all(requests)
    assert all(r.status_code < 400 or r.status_code == 409 for r in responses), [
        (r.request.url.path, r.status_code, r.text) for r in responses if r.status_code >= 400
    ]
    await assert_seat_invariants()


MEETUP = {
    "title": "Online ontmoeting",
    "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TH"]},
    "first_start": "2026-10-01T15:00",
    "end_time": "16:00",
    "capacity": 3,
}


@pytest.fixture
def frozen() -> Iterator[datetime]:
    with clock.frozen(datetime(2026, 9, 1, 8, tzinfo=UTC)) as at:
        yield at


async def test_schedule_changes_race_registrations(
    client: httpx.AsyncClient, frozen: datetime
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    path = f"/api/v1/series/{series['id']}"
    published = await client.post(f"{path}/publish", headers=organiser.headers)
    assert published.status_code == 200, published.text
    # Every week instead of every other week: the new Thursdays get higher ids than the old
    # ones around them, so time order and id order differ from here on.
    weekly = await client.patch(
        path,
        json={
            "recurrence": {"freq": "weekly", "interval": 1, "weekdays": ["TH"]},
            "effective_from": "2026-10-01",
        },
        headers=organiser.headers,
    )
    assert weekly.status_code == 200, weekly.text
    rows = await EventDate.select(EventDate.id, EventDate.starts_at).where(
        (EventDate.series == series["id"]) & (EventDate.status == "scheduled")
    )
    by_time = [r["id"] for r in sorted(rows, key=lambda r: r["starts_at"])]
    assert by_time != sorted(by_time)
    # A date moved by hand to a later day puts time order and id order apart once more.
    moved = await client.post(
        f"/api/v1/dates/{by_time[0]}/move",
        json={"local_start": "2026-10-03T15:00"},
        headers=organiser.headers,
    )
    assert moved.status_code == 200, moved.text
    rng = random.Random(5)
    ahead = by_time[:12]  # where the registrations go: some people wait, seats get freed
    for n in range(12):
        response = await _register(client, f"vast{n}@example.org", date_ids=ahead[:4])
        assert response.status_code == 202, response.text
    requests: list[Awaitable[httpx.Response]] = []
    for n in range(40):
        pair = rng.sample(ahead, k=2)
        requests.append(_register(client, f"nieuw{n}@example.org", date_ids=pair))
    requests += [
        _register(client, f"heel{n}@example.org", series_id=series["id"]) for n in range(3)
    ]
    requests += [
        client.patch(path, json=body, headers=organiser.headers)
        for body in (
            {"start_time": "16:00", "end_time": "17:00", "effective_from": "2026-10-01"},
            {"capacity": 5},
            {"start_time": "15:00", "end_time": "16:00", "effective_from": "2026-10-01"},
            {
                "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TH"]},
                "effective_from": "2026-10-20",
            },
        )
    ]
    requests.append(
        client.post(f"{path}/end", json={"from_date": "2027-01-01"}, headers=organiser.headers)
    )
    requests.append(
        client.post(
            f"/api/v1/dates/{ahead[5]}/move",
            json={"local_start": "2026-12-26T10:00"},
            headers=organiser.headers,
        )
    )
    requests.append(
        client.post(
            f"/api/v1/dates/{ahead[3]}/cancel",
            json={"reason": "Ziek"},
            headers=organiser.headers,
        )
    )
    rng.shuffle(requests)
    responses = await _all(requests)
    refused = [(r.request.url.path, r.text) for r in responses if r.status_code >= 400]
    assert all(r.status_code < 400 or r.status_code == 409 for r in responses), refused
    await assert_seat_invariants()


async def _hold_row_lock(date_id: int) -> tuple[Any, Any]:
    import asyncpg

    conn = await asyncpg.connect(dsn=db.engine().config["dsn"])
    tx = conn.transaction()
    await tx.start()
    await conn.execute("SELECT id FROM event_date WHERE id = $1 FOR UPDATE", date_id)
    return conn, tx


async def test_a_lock_held_too_long_is_a_plain_busy_answer(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "LOCK_TIMEOUT_MS", 300)
    org = await make_organisation()
    [date] = await make_date(org, slug="ontmoeting")
    conn, tx = await _hold_row_lock(date)
    try:
        form = await client.get(f"/events/ontmoeting/register?date={date}")
        found = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', form.text)
        assert found is not None
        # Held longer than the timeout: both the API and the page say "busy, try again" (and
        # do not wait for the lock as long as it is held: that would hang this test).
        api = await asyncio.wait_for(
            _register(client, "geduld@example.org", date_ids=[date]), timeout=10
        )
        page = await asyncio.wait_for(
            client.post(
                "/events/ontmoeting/register",
                data={
                    "_csrf_token": found.group(1),
                    "dates": str(date),
                    "name": "Alex",
                    "email": "alex@example.org",
                },
                headers={"Accept": "text/html"},
            ),
            timeout=10,
        )
    finally:
        await tx.rollback()
        await conn.close()
    assert api.status_code == 503
    assert api.headers["retry-after"] == "2"
    assert api.json() == {"code": "busy", "detail": BUSY}
    assert page.status_code == 503
    assert page.headers["retry-after"] == "2"
    assert "text/html" in page.headers["content-type"]
    assert "Probeer het over een paar seconden opnieuw." in page.text
    assert await Registration.count() == 0
    # once the lock is gone, the same request goes through
    again = await _register(client, "geduld@example.org", date_ids=[date])
    assert again.status_code == 202
    await assert_seat_invariants()


@pytest.mark.parametrize(("before", "after", "expected"), [(1, 2, "confirmed"), (2, 1, "waiting")])
async def test_a_registration_that_waits_for_a_seat_change_decides_by_the_new_seats(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    before: int,
    after: int,
    expected: str,
) -> None:
    """The organiser changes the series' capacity while a registration waits for the date's
    lock: once the change commits, the registration sees the new capacity (a seat raised
    meanwhile is taken, a seat lowered meanwhile is not), not the one its statement began with."""
    from events_app.series import details as series_details
    from events_app.series import planning as series

    organiser = await make_organiser()
    [date] = await make_date(organiser.organisation_id, capacity=before)
    first = await _register(client, "eerste@example.org", date_ids=[date])
    assert first.status_code == 202
    series_id = (await EventDate.select(EventDate.series).where(EventDate.id == date))[0]["series"]
    applied, release = asyncio.Event(), asyncio.Event()
    apply = series_details.apply

    async def apply_and_hold(*args: Any, **kwargs: Any) -> None:
        await apply(*args, **kwargs)
        applied.set()
        await release.wait()  # still inside the organiser's transaction, holding the dates

    monkeypatch.setattr(series_details, "apply", apply_and_hold)
    change = asyncio.create_task(
        series.update_series(organiser.actor, series_id, {"capacity": after})
    )
    await asyncio.wait_for(applied.wait(), timeout=10)
    waiting = asyncio.create_task(_register(client, "tweede@example.org", date_ids=[date]))
    conn = await _admin()
    try:
        for _ in range(200):  # until the registration waits for the date's lock
            if await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ):
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError("the registration never waited for the date's lock")
    finally:
        await conn.close()
    release.set()
    await asyncio.wait_for(change, timeout=10)
    second = await asyncio.wait_for(waiting, timeout=10)
    assert second.status_code == 202, second.text
    row = await Registration.select(Registration.status).where(
        Registration.email == "tweede@example.org"
    )
    assert row[0]["status"] == expected
    await assert_seat_invariants()


async def _admin() -> Any:
    import asyncpg

    return await asyncpg.connect(dsn=db.engine().config["dsn"])


async def _waiting_for_locks(count: int) -> None:
    conn = await _admin()
    try:
        for _ in range(250):
            waiting = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if waiting >= count:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"fewer than {count} statements waited for a lock")
    finally:
        await conn.close()


@pytest.mark.parametrize("other", ["organiser", "self"])
async def test_two_re_registrations_of_a_cancelled_registration_take_one_seat(other: str) -> None:
    """Two requests bring the same cancelled registration back at once: the second waits for
    the date's lock, and then sees the row the first brought back (not the cancelled one its
    locking statement began with), so one registration holds one seat."""
    org = await make_organisation()
    [date] = await make_date(org, capacity=5)
    person = {"name": "Terug", "email": "terug@example.org", "source": "organiser"}
    receipt = await registrations.register([date], **person)
    async with db.transaction():
        assert await cancelling.cancel(receipt.outcomes[0].registration_id, notify=False)
    await assert_seat_invariants()

    conn = await _admin()
    tx = conn.transaction()
    await tx.start()
    await conn.execute("SELECT id FROM event_date WHERE id = $1 FOR UPDATE", date)
    try:
        # e.g. the organiser adds the person again while a colleague does the same (or while
        # the person re-registers on the page: the page's mail counter does not serialise it
        # with an organiser's request).
        first = asyncio.create_task(registrations.register([date], **person))
        second = asyncio.create_task(
            registrations.register([date], **{**person, "source": other, "consent": True})
        )
        await _waiting_for_locks(2)
    finally:
        await tx.rollback()
        await conn.close()
    await asyncio.wait_for(asyncio.gather(first, second), timeout=10)
    rows = await Registration.select(Registration.status).where(Registration.event_date == date)
    assert [r["status"] for r in rows] == ["confirmed"]
    [counts] = await EventDate.select(EventDate.confirmed_count).where(EventDate.id == date)
    assert counts["confirmed_count"] == 1
    await assert_seat_invariants()
