"""The organiser's series page lists the coming dates compactly: a dozen lines, each date's
forms behind its own "change" (one open at a time), and every date one click away."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

from events_app import clock
from tests.factories import make_organiser
from tests.helpers.pages import login
from tests.planning import create_series, dates_of

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)


async def test_a_year_of_dates_shows_twelve_lines_and_all_on_request(
    client: httpx.AsyncClient,
) -> None:
    with clock.frozen(NOW):
        organiser = await make_organiser()
        series = await create_series(
            client,
            organiser,
            title="Wekelijkse inloop",
            recurrence={"freq": "weekly", "weekdays": ["TU"]},
            start_date="2026-09-08",
            start_time="19:30",
            duration_minutes=90,
        )
        rows = await dates_of(series["id"])
        assert len(rows) > 50
        await login(client, "organiser@example.org")
        page = await client.get(f"/organise/series/{series['id']}?lang=en")
        assert page.status_code == 200
        shown = re.findall(r'<li class="host-date[^"]*" id="date-(\d+)"', page.text)
        assert [int(i) for i in shown] == [row["id"] for row in rows[:12]]
        assert page.text.count('<details name="change-date">') == 12
        assert f"Show all {len(rows)} coming dates" in page.text
        every = await client.get(f"/organise/series/{series['id']}?lang=en&dates=all")
        shown = re.findall(r'<li class="host-date[^"]*" id="date-(\d+)"', every.text)
        assert len(shown) == len(rows)
        assert "Show all" not in every.text
