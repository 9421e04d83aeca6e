"""Dates through the API and the database across both DST changes, and on the DST nights.

The fortnightly Thursday 15:00 meet-up from October 2026 to April 2027: the wall clock says
15:00 every time; in UTC it is 13:00 in summer time (until 25 October 2026 and from
28 March 2027) and 14:00 in winter time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from events_app import clock
from tests.factories import make_organiser
from tests.planning import create_series, dates_of, local

FORTNIGHTLY_THURSDAY = {
    "title": "Online ontmoeting ervaringsdeskundigen",
    "recurrence": {"freq": "weekly", "interval": 2, "weekdays": ["TH"], "until": "2027-04-30"},
    "first_start": "2026-10-01T15:00",
    "end_time": "16:00",
    "timezone": "Europe/Amsterdam",
}


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with clock.frozen(datetime(2026, 9, 1, 8, tzinfo=UTC)) as at:
        yield at


async def test_fortnightly_thursday_keeps_15_00_local_across_both_dst_changes(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(client, organiser, **FORTNIGHTLY_THURSDAY)
    assert series["rule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20270430"
    assert series["rule_text"] == {
        "nl": "elke twee weken op donderdag, 15:00–16:00, tot en met 30 april 2027",
        "en": "every two weeks on Thursday, 15:00–16:00, until 30 April 2027",
    }
    assert series["warnings"] == []
    rows = await dates_of(series["id"])
    assert [r["local_start"].date().isoformat() for r in rows] == [
        "2026-10-01", "2026-10-15", "2026-10-29", "2026-11-12", "2026-11-26", "2026-12-10",
        "2026-12-24", "2027-01-07", "2027-01-21", "2027-02-04", "2027-02-18", "2027-03-04",
        "2027-03-18", "2027-04-01", "2027-04-15", "2027-04-29",
    ]  # fmt: skip
    for row in rows:
        assert (row["local_start"].time(), row["local_end"].time()) == (
            local(2026, 1, 1, 15).time(),
            local(2026, 1, 1, 16).time(),
        )
        assert row["timezone"] == "Europe/Amsterdam"
        assert row["rule_start"] == row["local_start"]
        assert row["sequence"] == 0
        assert row["uid"].endswith("@events-app")
    utc_hours = {r["local_start"].date().isoformat(): r["starts_at"].hour for r in rows}
    # summer time before the last Sunday of October (25 October 2026) ...
    assert utc_hours["2026-10-15"] == 13
    # ... winter time from the first date after it ...
    assert utc_hours["2026-10-29"] == 14
    assert utc_hours["2027-03-18"] == 14
    # ... and summer time again after the last Sunday of March (28 March 2027)
    assert utc_hours["2027-04-01"] == 13
    assert {r["starts_at"].hour for r in rows} == {13, 14}
    assert all(r["ends_at"] - r["starts_at"] == r["local_end"] - r["local_start"] for r in rows)
    assert len({r["uid"] for r in rows}) == len(rows)

    listed = await client.get(
        f"/api/v1/series/{series['id']}/dates",
        params={"from": "2026-10-20", "to": "2026-11-01"},
        headers=organiser.headers,
    )
    assert listed.status_code == 200
    [late_october] = listed.json()
    assert late_october["local_start"] == "2026-10-29T15:00:00"
    assert late_october["starts_at"] == "2026-10-29T14:00:00Z"
    assert late_october["timezone"] == "Europe/Amsterdam"


async def test_a_start_in_the_spring_forward_gap_is_shifted_and_warned_about(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(
        client,
        organiser,
        title="Nachtelijke sessie",
        first_start="2027-03-28T02:30",
        duration_minutes=60,
    )
    [row] = await dates_of(series["id"])
    # RFC 5545: read with the offset from before the gap (UTC+1), shown as 03:30 summer time
    assert row["starts_at"] == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert row["local_start"] == local(2027, 3, 28, 3, 30)
    assert row["local_end"] == local(2027, 3, 28, 4, 30)
    [warning] = series["warnings"]
    assert "28 March 2027" in warning and "02:30 does not exist" in warning
    assert "03:30" in warning


async def test_a_start_in_the_fall_back_night_means_the_first_one(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(
        client, organiser, title="Nachtdienst", first_start="2026-10-25T02:30", end_time="03:00"
    )
    [row] = await dates_of(series["id"])
    assert row["starts_at"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # still summer time
    assert row["local_start"] == local(2026, 10, 25, 2, 30)
    [warning] = series["warnings"]
    assert "happens twice" in warning and "first one" in warning


async def test_a_weekly_sunday_night_series_warns_about_both_nights(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    series = await create_series(
        client,
        organiser,
        title="Zondagnacht",
        rule="RRULE:FREQ=WEEKLY;BYDAY=SU;UNTIL=20270405",
        first_start="2026-10-18T02:30",
        duration_minutes=30,
    )
    assert len(series["warnings"]) == 2
    assert "25 October 2026" in series["warnings"][0]
    assert "28 March 2027" in series["warnings"][1]
    rows = {r["local_start"].date().isoformat(): r for r in await dates_of(series["id"])}
    assert rows["2027-03-28"]["local_start"] == local(2027, 3, 28, 3, 30)
    assert rows["2027-03-28"]["rule_start"] == local(2027, 3, 28, 3, 30)
    assert rows["2027-04-04"]["local_start"] == local(2027, 4, 4, 2, 30)


async def test_preview_shows_the_rule_in_words_and_next_dates_without_storing(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    response = await client.post(
        "/api/v1/rules/preview",
        json={
            "recurrence": {"freq": "monthly", "month_weekday": {"nth": -1, "weekday": "FR"}},
            "first_start": "2026-10-30T19:30",
            "duration_minutes": 120,
            "limit": 3,
        },
        headers=organiser.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rule"] == "FREQ=MONTHLY;BYDAY=-1FR"
    assert body["rule_text"]["nl"] == "elke maand op de laatste vrijdag, 19:30–21:30"
    assert body["rule_text"]["en"] == "every month on the last Friday, 19:30–21:30"
    assert [d["local_start"] for d in body["dates"]] == [
        "2026-10-30T19:30:00",
        "2026-11-27T19:30:00",
        "2026-12-25T19:30:00",
    ]
    assert body["dates"][0]["starts_at"] == "2026-10-30T18:30:00Z"
    assert body["timezone"] == "Europe/Amsterdam"
