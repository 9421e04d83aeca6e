"""Changing the rule of a running series from a date on: "from 1 March 2027 we meet at 16:00".

Past dates and dates before the change stay; dates that still exist keep their row (and so
their registrations), get the new time, SEQUENCE + 1 and a mail to who registered; dates that
disappear are cancelled, never deleted; new dates are added.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from events_app import clock
from events_app.tables import AuditLog, Registration, Series
from tests.factories import make_organiser
from tests.planning import create_series, dates_of, local, mails, register_people

MEETUP = {
    "title": "Online ontmoeting",
    "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TH"]},
    "first_start": "2026-10-01T15:00",
    "end_time": "16:00",
}


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with clock.frozen(datetime(2026, 9, 1, 8, tzinfo=UTC)) as at:
        yield at


def by_day(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["local_start"].date().isoformat(): r for r in rows}


async def test_from_1_march_we_meet_at_16_00(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    before = by_day(await dates_of(series["id"]))
    march4 = before["2027-03-04"]
    regs = await register_people(march4["id"], 2)
    [feb_reg] = await register_people(before["2027-02-18"]["id"], 1, first=3)
    with clock.frozen(datetime(2027, 2, 10, 9, tzinfo=UTC)):
        response = await client.patch(
            f"/api/v1/series/{series['id']}",
            json={"start_time": "16:00", "end_time": "17:00", "effective_from": "2027-03-01"},
            headers=organiser.headers,
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["first_start"] == "2027-03-04T16:00:00"
    assert body["rule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert body["rule_text"]["en"] == "every two weeks on Thursday, 16:00–17:00"
    after = by_day(await dates_of(series["id"]))
    # before 1 March: untouched
    assert after["2027-02-18"]["local_start"] == local(2027, 2, 18, 15)
    assert after["2027-02-18"]["sequence"] == 0
    # from 1 March: the same rows (same id, UID, registrations), at 16:00, sequence 1
    moved = after["2027-03-04"]
    assert (moved["id"], moved["uid"]) == (march4["id"], march4["uid"])
    assert (moved["local_start"], moved["local_end"]) == (
        local(2027, 3, 4, 16),
        local(2027, 3, 4, 17),
    )
    assert moved["starts_at"] == datetime(2027, 3, 4, 15, tzinfo=UTC)  # winter time
    assert after["2027-04-01"]["starts_at"] == datetime(2027, 4, 1, 14, tzinfo=UTC)  # summer
    assert moved["rule_start"] == moved["local_start"]
    assert moved["sequence"] == 1 and moved["status"] == "scheduled"
    assert set(after) == set(before)  # the same Thursdays: nothing cancelled, nothing added
    assert all(
        (r["local_start"].hour, r["sequence"]) == (16, 1)
        for day, r in after.items()
        if day >= "2027-03-01"
    )
    registrations = await Registration.select(Registration.id, Registration.event_date).where(
        Registration.event_date == march4["id"]
    )
    assert sorted(r["id"] for r in registrations) == regs
    changed = await mails("date_changed")
    assert sorted(m["registration"] for m in changed) == regs
    assert feb_reg not in {m["registration"] for m in changed}
    assert changed[0]["context"]["old_start"] == "2027-03-04T15:00:00"
    assert changed[0]["context"]["new_start"] == "2027-03-04T16:00:00"
    [entry] = await (
        AuditLog.select(AuditLog.detail)
        .where(AuditLog.action == "series_schedule_changed")
        .output(load_json=True)
    )
    assert entry["detail"]["changed"] == len([d for d in after if d >= "2027-03-01"])
    assert (entry["detail"]["cancelled"], entry["detail"]["added"]) == (0, 0)


async def test_a_new_weekday_cancels_the_old_dates_and_adds_the_new_ones(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    before = by_day(await dates_of(series["id"]))
    [reg] = await register_people(before["2027-03-04"]["id"], 1)
    await client.post(
        f"/api/v1/dates/{before['2027-03-18']['id']}/skip",
        json={"reason": "Voorjaarsvakantie"},
        headers=organiser.headers,
    )
    with clock.frozen(datetime(2027, 2, 10, 9, tzinfo=UTC)):
        response = await client.patch(
            f"/api/v1/series/{series['id']}",
            json={
                "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TU"]},
                "effective_from": "2027-03-01",
            },
            headers=organiser.headers,
        )
    assert response.status_code == 200, response.text
    after = await dates_of(series["id"])
    days = by_day(after)
    # the old Thursdays from March on are cancelled (the skipped one stays skipped)...
    assert days["2027-03-04"]["status"] == "cancelled"
    assert days["2027-03-04"]["id"] == before["2027-03-04"]["id"]
    assert days["2027-03-18"]["status"] == "skipped"
    thursdays = [
        r for d, r in days.items() if d >= "2027-03-01" and r["local_start"].weekday() == 3
    ]
    assert len(thursdays) == 16  # 4 March to 30 September, the materialised year
    assert {r["status"] for r in thursdays} == {"cancelled", "skipped"}
    assert all(r["sequence"] == 1 for r in thursdays)
    # ... and the Tuesdays in the same rhythm are new dates
    tuesdays = sorted(d for d, r in days.items() if r["local_start"].weekday() == 1)
    assert tuesdays[:3] == ["2027-03-02", "2027-03-16", "2027-03-30"]
    assert all(days[d]["status"] == "scheduled" for d in tuesdays)
    assert response.json()["first_start"] == "2027-03-02T15:00:00"
    [cancelled] = await mails("date_cancelled")
    assert cancelled["registration"] == reg
    assert "reason" not in cancelled["context"]  # a cause, said in the mail's language
    assert days["2027-03-04"]["status_cause"] == "schedule_changed"
    assert days["2027-03-04"]["removed_at"] is None  # someone registered: it stays in sight
    assert days["2027-04-01"]["removed_at"] is not None  # nobody did: removed
    assert await Registration.count() == 1  # kept, on the cancelled date
    # February is history of the old rule and untouched
    assert days["2027-02-18"]["status"] == "scheduled"
    assert days["2027-02-18"]["local_start"] == local(2027, 2, 18, 15)


async def test_a_one_off_event_is_simply_moved(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    series = await create_series(
        client, organiser, title="Netwerkavond", first_start="2026-11-05T19:30", end_time="21:30"
    )
    [date] = await dates_of(series["id"])
    [reg] = await register_people(date["id"], 1)
    response = await client.patch(
        f"/api/v1/series/{series['id']}",
        json={"first_start": "2026-11-12T19:00"},
        headers=organiser.headers,
    )
    assert response.status_code == 200, response.text
    [after] = await dates_of(series["id"])
    assert after["id"] == date["id"]
    assert (after["local_start"], after["local_end"]) == (
        local(2026, 11, 12, 19),
        local(2026, 11, 12, 21),
    )
    assert after["rule_start"] == after["local_start"] and after["sequence"] == 1
    assert [m["registration"] for m in await mails("date_changed")] == [reg]
    stored = await Series.select(Series.first_start).where(Series.id == series["id"]).first()
    assert stored == {"first_start": local(2026, 11, 12, 19)}
    actions = (
        await AuditLog.select(AuditLog.action)
        .where(AuditLog.entity.is_in(["series", "event_date"]))
        .order_by(AuditLog.id)
    )
    assert [a["action"] for a in actions] == [
        "series_created",
        "date_moved",
        "series_schedule_changed",
    ]


async def test_a_schedule_change_cannot_start_in_the_past_or_leave_no_dates(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    url = f"/api/v1/series/{series['id']}"
    past = await client.patch(
        url, json={"start_time": "16:00", "effective_from": "2026-08-01"}, headers=organiser.headers
    )
    assert past.status_code == 400 and past.json()["field"] == "effective_from"
    empty = await client.patch(
        url,
        json={"rule": "FREQ=WEEKLY;BYDAY=TH;UNTIL=20261001", "effective_from": "2026-12-01"},
        headers=organiser.headers,
    )
    assert empty.status_code == 400 and empty.json()["code"] == "no_dates"
    alone = await client.patch(
        url, json={"effective_from": "2026-12-01"}, headers=organiser.headers
    )
    assert alone.status_code == 400 and alone.json()["field"] == "effective_from"
    assert {r["sequence"] for r in await dates_of(series["id"])} == {0}


async def test_a_series_that_has_not_begun_changes_its_time_on_the_same_days(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **MEETUP)
    before = await dates_of(series["id"])
    response = await client.patch(
        f"/api/v1/series/{series['id']}",
        json={"start_time": "14:00", "duration_minutes": 90},
        headers=organiser.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["first_start"] == "2026-10-01T14:00:00"
    assert response.json()["rule_text"]["nl"] == "elke twee weken op donderdag, 14:00–15:30"
    after = await dates_of(series["id"])
    assert [r["id"] for r in after] == [r["id"] for r in before]
    assert {(r["local_start"].time(), r["local_end"].time(), r["sequence"]) for r in after} == {
        (local(2026, 1, 1, 14).time(), local(2026, 1, 1, 15, 30).time(), 1)
    }
